import DNS = require('dns2');
/** One mail exchange of a domain. */
export interface MxExchange {
    /** Host name without the trailing dot, lower case. */
    exchange: string;
    preference: number;
    /** True when the domain has no MX and its own A/AAAA records stand in (RFC 5321 5.1). */
    implicit: boolean;
}
/** Why a domain's exchanges could not be found. */
export type MxErrorKind = 'nxdomain' | 'servfail' | 'refused' | 'timeout' | 'nullmx' | 'nomail' | 'dns';
/**
 * A failed lookup of a domain's exchanges or of an exchange's addresses, with a one-line
 * message for the user and a kind for programs: nxdomain, servfail, refused, timeout,
 * nullmx (RFC 7505), nomail (neither MX nor address records) or dns (anything else).
 */
export declare class MxError extends Error {
    /** The message without the name in front, for output that already shows the name. */
    readonly reason: string;
    readonly kind: MxErrorKind;
    /** The name looked up: the domain, or an exchange whose address was wanted. */
    readonly domain: string;
    constructor(
    /** The message without the name in front, for output that already shows the name. */
    reason: string, kind: MxErrorKind, 
    /** The name looked up: the domain, or an exchange whose address was wanted. */
    domain: string, options?: {
        cause?: unknown;
    });
}
export interface Nameserver {
    host: string;
    port: number;
}
export interface ResolverOptions {
    /**
     * Nameservers to ask, in order; each is tried when the one before does not answer.
     * Default: `PIPEKIT_NAMESERVER` when set, else the `nameserver` lines of /etc/resolv.conf.
     */
    nameservers?: Nameserver[];
    /** Milliseconds to wait for each answer. Default 5000. */
    timeoutMs?: number;
}
/** `host[:port]` of a nameserver (port 53 by default); undefined when malformed. */
export declare function parseNameserver(text: string): Nameserver | undefined;
/** Nameserver addresses from resolv.conf text, in order (no RFC, but a universal format). */
export declare function parseResolvConf(text: string): string[];
/**
 * The nameservers to use when none is given: `PIPEKIT_NAMESERVER` (host[:port]), else
 * /etc/resolv.conf (not dns2's built-in public resolvers, which would leak lookups and
 * ignore split-horizon DNS), else 127.0.0.1 as the C library does.
 */
export declare function defaultNameservers(env?: NodeJS.ProcessEnv, resolvConf?: string): Nameserver[];
/**
 * A DNS client for MX and address lookups bound to chosen nameservers, built on dns2:
 * `resolveMx`, `resolveAddresses` and the underlying `query`.
 */
export declare class MxResolver {
    readonly nameservers: Nameserver[];
    /** Milliseconds to wait for each answer. */
    readonly timeoutMs: number;
    constructor(options?: ResolverOptions);
    /** One query, nameservers tried in turn; answers with any RCODE come back as packets. */
    query(name: string, type: 'MX' | 'A' | 'AAAA'): Promise<DNS.Packet>;
    /** Addresses of a host: IPv4 first (the family most MX hosts reach), then IPv6. An IP literal is itself. */
    resolveAddresses(host: string): Promise<string[]>;
    /**
     * The exchanges of a domain, most preferred first (ties keep DNS order). A domain with
     * no MX but with A/AAAA records has itself as implicit exchange (RFC 5321 5.1).
     * Throws MxError for NXDOMAIN, SERVFAIL, timeouts, a null MX (RFC 7505) and a domain
     * with neither MX nor address records.
     */
    resolveMx(domain: string): Promise<MxExchange[]>;
}
/**
 * The exchanges of `domain`, most preferred first, looked up with dns2 against the given
 * nameservers (default: `PIPEKIT_NAMESERVER`, else /etc/resolv.conf). A domain without MX
 * but with A/AAAA records has itself as implicit exchange. Throws MxError for NXDOMAIN,
 * SERVFAIL, timeouts, a null MX (RFC 7505) and a domain with neither MX nor addresses.
 */
export declare function resolveMx(domain: string, options?: ResolverOptions): Promise<MxExchange[]>;
