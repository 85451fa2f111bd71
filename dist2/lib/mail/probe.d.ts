import { MxResolver } from './mx';
/** How far an SMTP probe got: the step that failed, or the last one for a success. */
export type ProbePhase = 'dns' | 'connect' | 'greeting' | 'ehlo' | 'tls' | 'mail' | 'rcpt' | 'data';
/** STARTTLS policy: use it when offered, never, or fail without it. */
export type TlsPolicy = 'opportunistic' | 'none' | 'require';
export interface ProbeOptions {
    /** SMTP port. Default 25. */
    port?: number;
    /** MAIL FROM address. Default `mxprobe-FROM@DOMAIN`. */
    from?: string;
    /** RCPT TO address. Default `mxprobe-TO@DOMAIN`. */
    to?: string;
    /** `rcpt` ends the session after RCPT TO; `data` (default) sends a test message. */
    quitAfter?: 'rcpt' | 'data';
    /** Default `opportunistic`. Certificates are not verified: MX hosts rarely have public ones (RFC 7435). */
    tls?: TlsPolicy;
    /** Milliseconds to wait for the connection and for each reply. Default 30000. */
    timeoutMs?: number;
    /** The resolver for exchange addresses. Default: the system's nameservers. */
    resolver?: MxResolver;
    /** Receives the dialogue: `<- ` server lines, `-> ` client lines, `** ` notes. */
    transcript?: (line: string) => void;
    signal?: AbortSignal;
}
/** The outcome of probing one exchange of one domain (or of a domain whose MX lookup failed). */
export interface ProbeResult {
    domain: string;
    /** `-` when the domain's MX lookup failed; `.` for a null MX. */
    exchange: string;
    preference: number | null;
    /** The address the last connection attempt went to. */
    address: string | null;
    status: 'ok' | 'fail';
    /** The SMTP reply code that decided the outcome, if a reply did. */
    code: number | null;
    phase: ProbePhase;
    /** The server's reply text without its code, or what went wrong. */
    message: string;
    /** Whether the session ran over TLS (STARTTLS). */
    tls: boolean;
}
/** The exchange to probe for a domain. */
export interface ProbeTarget {
    domain: string;
    exchange: string;
    preference: number;
}
/**
 * The test message mxprobe sends: the headers the seed's test_smtp_servers sent (From, To,
 * `Subject: Test via EXCHANGE for DOMAIN`), plus Date and Message-ID; CRLF line ends.
 */
export declare function testMessage(target: ProbeTarget, from: string, to: string, now?: Date): string;
/**
 * Probe one exchange of a domain with nodemailer's SMTPConnection: resolve its addresses,
 * connect on port 25, EHLO, STARTTLS when offered, MAIL FROM, RCPT TO and (unless
 * quitAfter is `rcpt`) DATA with a test message, then QUIT. Addresses are tried in turn
 * while connecting fails. Never throws for server behaviour: every outcome is a
 * ProbeResult (status, code, phase, message).
 */
export declare function probeExchange(target: ProbeTarget, options?: ProbeOptions): Promise<ProbeResult>;
export interface ProbeDomainsOptions extends ProbeOptions {
    /** Exchanges (and MX lookups) in flight at once. Default 1. */
    jobs?: number;
}
/**
 * Probe every exchange of every domain, most preferred first, yielding one ProbeResult
 * per exchange (or one per domain whose MX lookup failed) in input order. Up to `jobs`
 * MX lookups and probes run at once; with more than one, the transcript of each probe is
 * held back and given out just before its result, so dialogues never interleave.
 */
export declare function probeDomains(domains: Iterable<string>, options?: ProbeDomainsOptions): AsyncGenerator<ProbeResult>;
