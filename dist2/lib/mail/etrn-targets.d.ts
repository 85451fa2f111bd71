/**
 * What etrn is asked to do, as pure functions: the ETRN argument syntax of RFC 1985 and
 * the `SERVER DOMAIN...` lines of the seed's backup_servers map.
 */
/** One server and the ETRN arguments to send it, in order. */
export interface EtrnTarget {
    server: string;
    domains: string[];
}
/** An ETRN argument (RFC 1985): `domain`, `@domain` (its subdomains too) or `#queue`. */
export declare function isEtrnArgument(text: string): boolean;
/** A line of an ETRN map that is not `SERVER DOMAIN...`; the message names the line. */
export declare class EtrnTargetError extends Error {
}
/**
 * Servers and their domains from lines `SERVER DOMAIN...` (the seed's backup_servers map):
 * each line splits at blanks; blank lines and `#` comments are skipped. Throws
 * EtrnTargetError for the first bad line.
 */
export declare function parseEtrnTargets(lines: string[]): EtrnTarget[];
/**
 * The target of the arguments `SERVER DOMAIN...`. Each argument is one server or one
 * ETRN argument as it stands, never split at blanks: `etrn mx "bad domain"` names one
 * malformed domain, not two domains. An empty argument is an error, not nothing to do.
 */
export declare function parseEtrnArguments(args: string[]): EtrnTarget;
