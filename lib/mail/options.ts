import { durationFlag, intFlag, UsageError, type Flags, type OptionSpec } from '../cli';
import { humanDuration } from '../units';
import { normalizeDomain, parsePort } from './address';
import { EtrnTargetError, parseEtrnTargets, type EtrnTarget } from './etrn-targets';
import { defaultNameservers, MxResolver, parseNameserver } from './mx';
import { DEFAULT_TIMEOUT_MS } from './smtp-dialogue';

/**
 * The CLI side of the mail filters: the options mxprobe and etrn share, so their parsing
 * and help text cannot drift, and the usage errors for what the library's pure parsers
 * reject. The only module of lib/mail that knows the CLI layer.
 */

export const MAIL_OPTIONS: Record<'nameserver' | 'port' | 'timeout' | 'transcript' | 'json', OptionSpec> = {
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
};

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

/** Validated mail domains, blank and `#` lines skipped; the first malformed one is a usage error. */
export function domainList(items: string[]): string[] {
  const lines = items.map((s) => s.trim()).filter((s) => s && !s.startsWith('#'));
  return lines.map((d) => {
    if (!normalizeDomain(d)) throw new UsageError(`malformed domain '${d.replace(/[\x00-\x1f]/g, '?')}'`);
    return d.replace(/\.$/, '');
  });
}

/** parseEtrnTargets, its rejection of a line a usage error. */
export function etrnTargets(lines: string[]): EtrnTarget[] {
  try {
    return parseEtrnTargets(lines);
  } catch (err) {
    if (err instanceof EtrnTargetError) throw new UsageError(err.message);
    throw err;
  }
}
