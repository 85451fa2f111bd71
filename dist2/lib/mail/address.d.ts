/**
 * Mail domains and `host[:port]` as pure functions: what a domain argument, a server
 * argument or a nameserver may look like, and how an address prints beside its port.
 */
/**
 * A domain name as mail uses it (RFC 5321 4.1.2 / RFC 1123 2.1): dot-separated LDH labels
 * of 1–63 characters, not starting or ending with a hyphen, 253 characters at most.
 * A trailing dot is allowed. Returns the name without the trailing dot, lower case, or
 * undefined when malformed.
 */
export declare function normalizeDomain(name: string): string | undefined;
/** A host name or IP address, and the port when one was given. */
export interface HostPort {
    host: string;
    port?: number;
}
/** A TCP/UDP port number from text, or undefined when it is not 1–65535. */
export declare function parsePort(text: string): number | undefined;
/**
 * `host`, `host:port`, `1.2.3.4:53`, `::1`, `[::1]:53`. Returns undefined when malformed
 * (empty host, bad port, an unbracketed IPv6 address with a port).
 */
export declare function parseHostPort(text: string): HostPort | undefined;
/** `host:port`, bracketing IPv6 addresses. */
export declare function formatHostPort(host: string, port: number): string;
