import { argsOrStdin, durationFlag, intFlag, UsageError, type Flags, type OptionSpec } from '../cli';
import { humanDuration } from '../units';
import { normalizeDomain, parsePort } from './address';
import { EtrnTargetError, parseEtrnArguments, parseEtrnTargets, type EtrnTarget } from './etrn-targets';
import { defaultNameservers, MxResolver, parseNameserver } from './mx';
import { validHelo } from './helo';
import { DEFAULT_TIMEOUT_MS } from './smtp-dialogue';
import { caFile } from './tls-facts';
import { printable } from './smtp-reply';

/**
 * The CLI side of the mail filters: the options mxprobe and etrn share, so their parsing
 * and help text cannot drift, and the usage errors for what the library's pure parsers
 * reject. The only module of lib/mail that knows the CLI layer.
 */

export const MAIL_OPTIONS: Record<'nameserver' | 'port' | 'timeout' | 'transcript' | 'json' | 'helo' | 'caFile', OptionSpec> = {
  nameserver: {
    name: 'nameserver',
    arg: 'HOST[:PORT]',
    help: 'DNS server (default $PIPEKIT_NAMESERVER, else /etc/resolv.conf)',
  },
  port: { name: 'port', short: 'p', arg: 'PORT', help: 'SMTP port (default $PIPEKIT_SMTP_PORT, else 25)' },
  timeout: {
    name: 'timeout',
    arg: 'DURATION',
    help: `limit for each DNS answer, connection and reply (default ${humanDuration(DEFAULT_TIMEOUT_MS)})`,
  },
  transcript: { name: 'transcript', help: "print the SMTP dialogue on stderr ('<- ' server, '-> ' client)" },
  json: { name: 'json', help: 'print JSON lines instead of tab-separated fields' },
  helo: { name: 'helo', arg: 'NAME', help: "name for EHLO (default this host's FQDN, else the local address as [literal])" },
  caFile: { name: 'ca-file', arg: 'FILE', help: "trust the PEM certificates in FILE, not the system's CAs" },
};

/** The --helo name, checked: a domain or an address literal. */
export function heloFlag(flags: Flags): string | undefined {
  const name = flags.helo as string | undefined;
  if (name !== undefined && !validHelo(name)) throw new UsageError(`invalid --helo '${printable(name)}' (a domain name or [address literal])`);
  return name;
}

/** The trusted CAs of --ca-file; undefined for the system's. A file that cannot be read is a usage error. */
export function caFileFlag(flags: Flags): string[] | undefined {
  const path = flags['ca-file'] as string | undefined;
  if (path === undefined) return undefined;
  try {
    return caFile(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UsageError(`invalid --ca-file: ${e.code ? `${path}: ${e.code === 'ENOENT' ? 'no such file' : e.code}` : e.message}`);
  }
}

const PORT_RANGE = { min: 1, max: 65535 };

/** Milliseconds from --timeout; a usage error when malformed or zero. */
export function timeoutFlag(flags: Flags): number {
  return durationFlag(flags, 'timeout', DEFAULT_TIMEOUT_MS);
}

/** The SMTP port from --port, else PIPEKIT_SMTP_PORT, else 25. */
export function portFlag(flags: Flags, env: NodeJS.ProcessEnv = process.env): number {
  const port = intFlag(flags, 'port', undefined, PORT_RANGE);
  if (port !== undefined) return port;
  const fromEnv = env.PIPEKIT_SMTP_PORT;
  if (!fromEnv) return 25;
  const envPort = parsePort(fromEnv);
  if (envPort === undefined) {
    throw new UsageError(`invalid PIPEKIT_SMTP_PORT '${fromEnv}' (a whole number from ${PORT_RANGE.min} to ${PORT_RANGE.max})`);
  }
  return envPort;
}

/** A resolver for --nameserver (else PIPEKIT_NAMESERVER, else /etc/resolv.conf). */
export function resolverFlag(flags: Flags, timeoutMs: number, env: NodeJS.ProcessEnv = process.env): MxResolver {
  const text = flags.nameserver as string | undefined;
  if (text !== undefined) {
    const ns = parseNameserver(text);
    if (!ns) throw new UsageError(`invalid --nameserver '${text}' (HOST[:PORT])`);
    return new MxResolver({ nameservers: [ns], timeoutMs });
  }
  try {
    return new MxResolver({ nameservers: defaultNameservers(env), timeoutMs });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/**
 * Domains from the arguments, else from stdin (`-0`: NUL-separated). Each argument is one
 * domain as it stands; stdin items are lines (see domainLines). An empty list on stdin is
 * nothing to do; an empty or malformed domain is a usage error.
 */
export async function domainsFromArgsOrStdin(args: string[], nul: boolean): Promise<string[]> {
  return args.length ? domainArguments(args) : domainLines(await argsOrStdin(args, nul, 'domains'));
}

/**
 * Domain arguments, each validated whole: not trimmed, not split, no `#` comments, so
 * `mxprobe ''` is a usage error rather than an empty list (exit 0 doing nothing).
 */
export function domainArguments(args: string[]): string[] {
  return args.map((d) => {
    if (d === '') throw new UsageError('empty domain argument');
    return checkedDomain(d);
  });
}

/** Domains from lines of stdin: trimmed; blank and `#` lines skipped. */
export function domainLines(lines: string[]): string[] {
  return lines
    .map((s) => s.trim())
    .filter((s) => s && !s.startsWith('#'))
    .map(checkedDomain);
}

function checkedDomain(d: string): string {
  if (!normalizeDomain(d)) throw new UsageError(`malformed domain '${printable(d)}'`);
  return d.replace(/\.$/, '');
}

/**
 * The ETRN targets of the arguments `SERVER DOMAIN...` (each argument whole), else of the
 * lines `SERVER DOMAIN...` on stdin (split at blanks); a rejection is a usage error.
 */
export async function etrnTargetsFromArgsOrStdin(args: string[]): Promise<EtrnTarget[]> {
  if (args.length) return [usageOnReject(() => parseEtrnArguments(args))];
  return etrnTargets(await argsOrStdin(args, false, 'server and domains'));
}

/** parseEtrnTargets, its rejection of a line a usage error. */
export function etrnTargets(lines: string[]): EtrnTarget[] {
  return usageOnReject(() => parseEtrnTargets(lines));
}

function usageOnReject<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof EtrnTargetError) throw new UsageError(err.message);
    throw err;
  }
}

/**
 * The HTTPS port of mta-sts.DOMAIN hosts: PIPEKIT_HTTPS_PORT, for test worlds on
 * loopback as PIPEKIT_SMTP_PORT is, else 443 (RFC 8461 3.3).
 */
export function stsPortFlag(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env.PIPEKIT_HTTPS_PORT;
  if (!text) return undefined;
  const port = parsePort(text);
  if (port === undefined) throw new UsageError(`invalid PIPEKIT_HTTPS_PORT '${text}' (a whole number from ${PORT_RANGE.min} to ${PORT_RANGE.max})`);
  return port;
}
