import { MxResolver, type MxExchange } from './mx';
export interface EtrnOptions {
    /** SMTP port. Default 25. */
    port?: number;
    /** Milliseconds to wait for the connection and for each reply. Default 30000. */
    timeoutMs?: number;
    /** Upgrade with STARTTLS before ETRN; fail when the server cannot. Default false. */
    starttls?: boolean;
    /** Name sent with EHLO. Default: this host's name. */
    helo?: string;
    /** Resolves a server given by name. Default: the system's nameservers. */
    resolver?: MxResolver;
    /** Receives the dialogue: `<- ` server lines, `-> ` client lines, `** ` notes. */
    transcript?: (line: string) => void;
    signal?: AbortSignal;
}
/** The server's answer to `ETRN domain`, or why there was none. */
export interface EtrnResult {
    server: string;
    domain: string;
    /** The reply code; null when no reply decided it (connection failure, timeout, garbage). */
    code: number | null;
    /** The reply text without the code, or what went wrong. */
    message: string;
    /** RFC 1985: 250 started, 251 no messages, 252/253 started. */
    ok: boolean;
    /** Whether the server listed ETRN in its EHLO reply; null when it never got that far. */
    advertised: boolean | null;
}
/** RFC 1985 section 5 meanings, for people reading the codes. */
export declare const ETRN_CODES: Record<number, string>;
/** RFC 1985: every 25x reply means the request was accepted. */
export declare function etrnAccepted(code: number | null): boolean;
/** The backup exchanges of a domain: every exchange except those of the best (lowest) preference. */
export declare function backupExchanges(exchanges: MxExchange[]): MxExchange[];
/**
 * Ask `server` to start its queue for each domain (RFC 1985) over a plain socket: banner,
 * EHLO (ETRN need not be advertised: it is tried anyway), STARTTLS if asked, `ETRN domain`
 * per domain, QUIT. `server` is a host name or address, optionally `host:port`. Resolves
 * with one EtrnResult per domain, in order (`ok` for 250–253); never throws for server
 * behaviour.
 */
export declare function sendEtrn(server: string, domains: string[], options?: EtrnOptions): Promise<EtrnResult[]>;
/**
 * ETRN `domain` at each of its backup exchanges (every MX except the most preferred),
 * so they deliver what they queued while the primary was down. Results in preference
 * order. Throws MxError when the lookup fails or the domain has no backup exchange.
 */
export declare function sendEtrnToBackups(domain: string, options?: EtrnOptions): Promise<EtrnResult[]>;
