import { UsageError, type Flags, type OptionSpec } from '../cli';
import { parseDuration } from '../units';
import { defaultNameservers, MxResolver, parseNameserver } from './mx';
import { normalizeDomain, parsePort } from './smtp-reply';

/** Options mxprobe and etrn share, so their parsing and help text cannot drift. */
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
    help: 'limit for each DNS answer, connection and reply (default 30s)',
  },
  transcript: { name: 'transcript', help: "print the SMTP dialogue on stderr ('<- ' server, '-> ' client)" },
  json: { name: 'json', help: 'print JSON lines instead of tab-separated fields' },
};

/** Milliseconds from --timeout; a usage error when malformed or zero. */
export function timeoutFlag(flags: Flags): number {
  const text = flags.timeout as string | undefined;
  if (text === undefined) return 30_000;
  const ms = parseDuration(text);
  if (!Number.isFinite(ms) || ms <= 0) throw new UsageError(`invalid --timeout '${text}' (examples: 30s, 500ms, 2m)`);
  return ms;
}

/** The SMTP port from --port, else PIPEKIT_SMTP_PORT, else 25. */
export function portFlag(flags: Flags, env: NodeJS.ProcessEnv = process.env): number {
  const text = flags.port as string | undefined;
  if (text !== undefined) {
    const port = parsePort(text);
    if (port === undefined) throw new UsageError(`invalid --port '${text}' (1-65535)`);
    return port;
  }
  if (env.PIPEKIT_SMTP_PORT) {
    const port = parsePort(env.PIPEKIT_SMTP_PORT);
    if (port === undefined) throw new UsageError(`invalid PIPEKIT_SMTP_PORT '${env.PIPEKIT_SMTP_PORT}' (1-65535)`);
    return port;
  }
  return 25;
}

/** A resolver for --nameserver (else PIPEKIT_NAMESERVER, else /etc/resolv.conf). */
export function resolverFlag(flags: Flags, timeout: number, env: NodeJS.ProcessEnv = process.env): MxResolver {
  const text = flags.nameserver as string | undefined;
  if (text !== undefined) {
    const ns = parseNameserver(text);
    if (!ns) throw new UsageError(`invalid --nameserver '${text}' (HOST[:PORT])`);
    return new MxResolver({ nameservers: [ns], timeout });
  }
  try {
    return new MxResolver({ nameservers: defaultNameservers(env), timeout });
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
