import { type Flags, type OptionSpec } from '../cli';
import { type EtrnTarget } from './etrn-targets';
import { MxResolver } from './mx';
/**
 * The CLI side of the mail filters: the options mxprobe and etrn share, so their parsing
 * and help text cannot drift, and the usage errors for what the library's pure parsers
 * reject. The only module of lib/mail that knows the CLI layer.
 */
export declare const MAIL_OPTIONS: Record<'nameserver' | 'port' | 'timeout' | 'transcript' | 'json', OptionSpec>;
/** Milliseconds from --timeout; a usage error when malformed or zero. */
export declare function timeoutFlag(flags: Flags): number;
/** The SMTP port from --port, else PIPEKIT_SMTP_PORT, else 25. */
export declare function portFlag(flags: Flags, env?: NodeJS.ProcessEnv): number;
/** A resolver for --nameserver (else PIPEKIT_NAMESERVER, else /etc/resolv.conf). */
export declare function resolverFlag(flags: Flags, timeoutMs: number, env?: NodeJS.ProcessEnv): MxResolver;
/**
 * Domains from the arguments, else from stdin (`-0`: NUL-separated). Each argument is one
 * domain as it stands; stdin items are lines (see domainLines). An empty list on stdin is
 * nothing to do; an empty or malformed domain is a usage error.
 */
export declare function domainsFromArgsOrStdin(args: string[], nul: boolean): Promise<string[]>;
/**
 * Domain arguments, each validated whole: not trimmed, not split, no `#` comments, so
 * `mxprobe ''` is a usage error rather than an empty list (exit 0 doing nothing).
 */
export declare function domainArguments(args: string[]): string[];
/** Domains from lines of stdin: trimmed; blank and `#` lines skipped. */
export declare function domainLines(lines: string[]): string[];
/**
 * The ETRN targets of the arguments `SERVER DOMAIN...` (each argument whole), else of the
 * lines `SERVER DOMAIN...` on stdin (split at blanks); a rejection is a usage error.
 */
export declare function etrnTargetsFromArgsOrStdin(args: string[]): Promise<EtrnTarget[]>;
/** parseEtrnTargets, its rejection of a line a usage error. */
export declare function etrnTargets(lines: string[]): EtrnTarget[];
