import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
// The maintained successor of the deprecated `smtp-connection` package, reached through
// nodemailer's package "exports".
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { MxError, MxResolver, type MxExchange } from './mx';
import { formatHostPort, printable } from './smtp-reply';

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
  timeout?: number;
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

const PHASE_OF_COMMAND: Record<string, ProbePhase> = {
  EHLO: 'ehlo',
  HELO: 'ehlo',
  LHLO: 'ehlo',
  STARTTLS: 'tls',
  'MAIL FROM': 'mail',
  'RCPT TO': 'rcpt',
  DATA: 'data',
};

function commandPhase(line: string): ProbePhase | undefined {
  const verb = line.slice(0, 4).toUpperCase();
  if (verb === 'MAIL') return 'mail';
  if (verb === 'RCPT') return 'rcpt';
  if (verb === 'DATA') return 'data';
  if (verb === 'STAR') return 'tls';
  if (verb === 'EHLO' || verb === 'HELO' || verb === 'LHLO') return 'ehlo';
  return undefined;
}

/** `250 2.0.0 Ok\n250 more` -> [250, '2.0.0 Ok more']. */
function splitResponse(response: string | undefined): { code: number | null; text: string } {
  if (!response) return { code: null, text: '' };
  const lines = response.split(/\r?\n/).filter((l) => l !== '');
  const m = /^(\d{3})/.exec(lines[0] ?? '');
  if (!m) return { code: null, text: `not an SMTP reply: ${printable(lines[0] ?? '')}` };
  return { code: Number(m[1]), text: lines.map((l) => l.replace(/^\d{3}[ -]?/, '')).join(' ').trim() };
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** The test message: headers the seed's test_smtp_servers sent, plus Date and Message-ID. */
export function testMessage(target: ProbeTarget, from: string, to: string, now = new Date()): string {
  const subject = `Test via ${target.exchange} for ${target.domain}`;
  return [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${subject}`,
    `Date: ${now.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomBytes(9).toString('hex')}.mxprobe@${target.domain}>`,
    '',
    subject,
    '',
  ].join('\r\n');
}

interface SmtpError extends Error {
  code?: string;
  originalCode?: string;
  command?: string;
  response?: string;
  responseCode?: number;
  timeoutType?: string;
}

/** One SMTP session to one address; resolves once the connection is closed. */
function session(target: ProbeTarget, address: string, opts: Required<Pick<ProbeOptions, 'port' | 'quitAfter' | 'tls' | 'timeout'>> & ProbeOptions): Promise<ProbeResult> {
  const from = opts.from ?? `mxprobe-FROM@${target.domain}`;
  const to = opts.to ?? `mxprobe-TO@${target.domain}`;
  const say = opts.transcript ?? (() => {});
  const message = testMessage(target, from, to);
  // The command each outstanding reply answers, oldest first; SMTPConnection pipelines.
  const awaiting: ProbePhase[] = ['connect'];
  let lastPhase: ProbePhase = 'connect';
  let tls = false;

  const note = (phase: ProbePhase) => {
    awaiting.push(phase);
  };
  const replied = () => {
    lastPhase = awaiting.shift() ?? lastPhase;
  };
  const currentPhase = () => awaiting[0] ?? lastPhase;

  // SMTPConnection reports the dialogue only through a bunyan-style logger (transactionLog):
  // records tagged tnx 'server' / 'client' are the lines; the rest tell what happened.
  const onRecord = (level: string, data: Record<string, unknown> | undefined, text: string) => {
    const tnx = data?.tnx;
    if (tnx === 'server' && level === 'debug') {
      replied();
      for (const l of text.split(/\r?\n/)) say(`<- ${printable(l, 512)}`);
    } else if (tnx === 'client' && level === 'debug') {
      // Commands sent through the customAuth channel are logged as `/* secret */`; that
      // channel writes its own transcript lines (see envelopeOnly).
      if (text === '/* secret */') return;
      note(commandPhase(text) ?? currentPhase());
      say(`-> ${text}`);
    } else if (tnx === 'network' && data?.remoteAddress) {
      awaiting.splice(0, awaiting.length, 'greeting');
      say(`** connected to ${formatHostPort(String(data.remoteAddress), Number(data.remotePort))}`);
    } else if (tnx === 'smtp' && /upgraded with STARTTLS/.test(text)) {
      tls = true;
      say('** TLS established (certificate not verified)');
    } else if (tnx === 'message' && level === 'info') {
      // The message went out: show its headers, never its body.
      const [head, body = ''] = message.split('\r\n\r\n');
      for (const h of head.split('\r\n')) say(`-> ${h}`);
      say(`-> [message body not shown, ${Buffer.byteLength(body)} bytes]`);
      say('-> .');
      note('data');
    }
  };
  const logger: Record<string, (...args: unknown[]) => void> = {};
  for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal']) {
    logger[level] = (...args: unknown[]) => {
      const data = typeof args[0] === 'object' && args[0] !== null ? (args.shift() as Record<string, unknown>) : undefined;
      onRecord(level, data, typeof args[0] === 'string' ? format(args[0], args.slice(1)) : '');
    };
  }

  const conn = new SMTPConnection({
    host: address,
    port: opts.port,
    servername: isIP(target.exchange) ? undefined : target.exchange,
    ignoreTLS: opts.tls === 'none',
    requireTLS: opts.tls === 'require',
    opportunisticTLS: opts.tls === 'opportunistic',
    tls: { rejectUnauthorized: false },
    connectionTimeout: opts.timeout * 2,
    greetingTimeout: opts.timeout,
    socketTimeout: opts.timeout,
    socketCloseTimeout: Math.min(opts.timeout, 1000),
    logger,
    transactionLog: true,
    customAuth: { 'X-MXPROBE-ENVELOPE': (ctx) => envelopeOnly(ctx) },
  });

  let result: ProbeResult | undefined;
  const base = { domain: target.domain, exchange: target.exchange, preference: target.preference, address };
  const settle = (r: Omit<ProbeResult, keyof typeof base | 'tls'>) => {
    result ??= { ...base, ...r, tls };
  };
  const fail = (err: SmtpError) => {
    const phase = (err.command && PHASE_OF_COMMAND[err.command]) || currentPhase();
    const { code, text } = splitResponse(err.response);
    let why = text;
    if (!err.response) {
      if (err.code === 'ETIMEDOUT' || err.timeoutType) {
        why = phase === 'connect' ? `connection timed out after ${seconds(opts.timeout)}` : `no reply within ${seconds(opts.timeout)}`;
      } else if (err.originalCode === 'ECONNREFUSED') why = 'connection refused';
      else if (err.originalCode) why = `connection failed: ${err.originalCode}`;
      else if (/closed unexpectedly/i.test(err.message)) why = 'connection closed by server';
      else why = printable(err.message.split('\n')[0], 200);
    }
    if (err.code === 'ETLS' && !/^STARTTLS/.test(why)) why = `STARTTLS failed: ${why}`;
    settle({ status: 'fail', code, phase, message: why });
  };

  // SMTPConnection pipelines MAIL, RCPT and DATA, and send() has no way to stop before
  // DATA. Its customAuth hook is the one public way to send other commands on the
  // session, so --quit-after rcpt sends the envelope through it, one command at a time.
  async function envelopeOnly(ctx: { sendCommand(cmd: string): Promise<{ status: number; response: string }> }) {
    for (const [phase, cmd] of [
      ['mail', `MAIL FROM:<${from}>`],
      ['rcpt', `RCPT TO:<${to}>`],
    ] as const) {
      note(phase);
      say(`-> ${cmd}`);
      const reply = await ctx.sendCommand(cmd);
      const { code, text } = splitResponse(reply.response);
      if (!code || code >= 300) {
        settle({ status: 'fail', code, phase, message: text });
        return;
      }
      if (phase === 'rcpt') settle({ status: 'ok', code, phase, message: text });
    }
  }

  return new Promise((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      opts.signal?.removeEventListener('abort', onAbort);
      clearTimeout(closeTimer);
      result ??= { ...base, status: 'fail', code: null, phase: currentPhase(), message: 'connection closed by server', tls };
      resolve(result);
    };
    let closeTimer: NodeJS.Timeout | undefined;
    const quit = () => {
      // A server that never answers QUIT must not hold the probe: close after a grace period.
      closeTimer = setTimeout(() => {
        conn.close();
        finish();
      }, Math.min(opts.timeout, 2000));
      try {
        conn.quit();
      } catch {
        conn.close();
      }
    };
    const onAbort = () => {
      settle({ status: 'fail', code: null, phase: currentPhase(), message: 'interrupted' });
      conn.close();
      finish();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    conn.on('error', (err: SmtpError) => fail(err));
    // 'end' can come in the same turn as the last reply; let its handler record the result first.
    conn.on('end', () => setImmediate(finish));
    conn.connect((err?: SmtpError) => {
      if (err) {
        fail(err);
        conn.close();
        setImmediate(finish);
        return;
      }
      if (opts.quitAfter === 'rcpt') {
        conn.login({ method: 'X-MXPROBE-ENVELOPE' }, (loginErr: SmtpError | null) => {
          if (loginErr) fail(loginErr);
          quit();
        });
        return;
      }
      conn.send({ from, to }, message, (sendErr: SmtpError | null, info?: { response?: string }) => {
        if (sendErr) fail(sendErr);
        else {
          const { code, text } = splitResponse(info?.response);
          settle({ status: 'ok', code, phase: 'data', message: text });
        }
        quit();
      });
    });
  });
}

function format(fmt: string, args: unknown[]): string {
  let i = 0;
  return fmt.replace(/%[sdjo%]/g, (m) => (m === '%%' ? '%' : i < args.length ? String(args[i++]) : m));
}

/**
 * Probe one exchange of a domain: resolve its addresses, connect on port 25, EHLO,
 * STARTTLS when offered, MAIL FROM, RCPT TO and (unless quitAfter is `rcpt`) DATA with a
 * test message, then QUIT. Addresses are tried in turn while connecting fails. Never
 * throws for server behaviour: every outcome is a ProbeResult.
 */
export async function probeExchange(target: ProbeTarget, options: ProbeOptions = {}): Promise<ProbeResult> {
  const opts = { port: 25, quitAfter: 'data' as const, tls: 'opportunistic' as const, timeout: 30_000, ...options };
  const say = opts.transcript ?? (() => {});
  const base = { ...target, code: null, tls: false };
  let addresses: string[];
  try {
    addresses = await (opts.resolver ?? new MxResolver({ timeout: opts.timeout })).resolveAddresses(target.exchange);
  } catch (err) {
    const message = err instanceof MxError ? err.reason : (err as Error).message;
    return { ...base, address: null, status: 'fail', phase: 'dns', message };
  }
  if (!addresses.length) {
    return { ...base, address: null, status: 'fail', phase: 'dns', message: 'exchange has no A/AAAA records' };
  }
  let result: ProbeResult | undefined;
  for (const address of addresses) {
    if (opts.signal?.aborted) break;
    say(`** ${target.domain}: probing ${target.exchange} [${address}]:${opts.port}`);
    result = await session(target, address, opts);
    if (result.phase !== 'connect') break;
  }
  return result ?? { ...base, address: null, status: 'fail', phase: 'connect', message: 'interrupted' };
}

/** Runs `fn` over `items` with at most `limit` at once, yielding results in input order. */
export async function* mapOrdered<T, R>(items: Iterable<T>, limit: number, fn: (item: T) => Promise<R>): AsyncGenerator<R> {
  const running: Promise<R>[] = [];
  const it = items[Symbol.iterator]();
  let next = it.next();
  while (!next.done || running.length) {
    while (!next.done && running.length < limit) {
      const p = fn(next.value);
      p.catch(() => {}); // observed below, in order
      running.push(p);
      next = it.next();
    }
    yield await running.shift()!;
  }
}

/** A counting semaphore: at most `n` holders at once. */
function semaphore(n: number) {
  let free = n;
  const waiting: (() => void)[] = [];
  return async <R>(fn: () => Promise<R>): Promise<R> => {
    if (free > 0) free--;
    else await new Promise<void>((r) => waiting.push(r));
    try {
      return await fn();
    } finally {
      const w = waiting.shift();
      if (w) w();
      else free++;
    }
  };
}

export interface ProbeDomainsOptions extends ProbeOptions {
  /** Exchanges (and MX lookups) in flight at once. Default 1. */
  concurrency?: number;
}

/**
 * Probe every exchange of every domain, most preferred first, yielding one result per
 * exchange (or one per domain whose MX lookup failed) in input order. With concurrency
 * above 1 the transcript of each probe is held back and given out just before its
 * result, so dialogues never interleave.
 */
export async function* probeDomains(domains: Iterable<string>, options: ProbeDomainsOptions = {}): AsyncGenerator<ProbeResult> {
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const timeout = options.timeout ?? 30_000;
  const resolver = options.resolver ?? new MxResolver({ timeout });
  const limit = semaphore(concurrency);
  const live = concurrency === 1;
  type Held = { result: ProbeResult; lines: string[] };

  const probeDomain = async (domain: string): Promise<Held[]> => {
    let exchanges: MxExchange[];
    try {
      exchanges = await limit(() => resolver.resolveMx(domain));
    } catch (err) {
      const nullMx = err instanceof MxError && err.kind === 'nullmx';
      const message = err instanceof MxError ? err.reason : (err as Error).message;
      const result: ProbeResult = {
        domain,
        exchange: nullMx ? '.' : '-',
        preference: nullMx ? 0 : null,
        address: null,
        status: 'fail',
        code: null,
        phase: 'dns',
        message,
        tls: false,
      };
      return [{ result, lines: [] }];
    }
    return Promise.all(
      exchanges.map(async (mx) => {
        const lines: string[] = [];
        const transcript = options.transcript && (live ? options.transcript : (l: string) => lines.push(l));
        const result = await limit(() =>
          probeExchange({ domain, exchange: mx.exchange, preference: mx.preference }, { ...options, timeout, resolver, transcript }),
        );
        return { result, lines };
      }),
    );
  };

  for await (const held of mapOrdered(domains, concurrency, probeDomain)) {
    for (const { result, lines } of held) {
      for (const l of lines) options.transcript?.(l);
      yield result;
    }
  }
}
