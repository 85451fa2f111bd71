import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
// The maintained successor of the deprecated `smtp-connection` package, reached through
// nodemailer's package "exports".
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { RequestScope } from '../abort';
import { mapOrdered, Slots } from '../slots';
import { MxError, MxResolver, type MxExchange } from './mx';
import {
  CLOSED_BY_SERVER,
  connectedNote,
  connectFailure,
  connectTimedOut,
  DEFAULT_TIMEOUT_MS,
  firstConnected,
  noReplyWithin,
  quitGraceMs,
  serverLine,
  TLS_ESTABLISHED,
} from './smtp-dialogue';
import { printable, splitReplyText } from './smtp-reply';

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

/**
 * The test message mxprobe sends: the headers the seed's test_smtp_servers sent (From, To,
 * `Subject: Test via EXCHANGE for DOMAIN`), plus Date and Message-ID; CRLF line ends.
 */
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
function session(target: ProbeTarget, address: string, opts: Required<Pick<ProbeOptions, 'port' | 'quitAfter' | 'tls' | 'timeoutMs'>> & ProbeOptions): Promise<ProbeResult> {
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
      for (const l of text.split(/\r?\n/)) say(serverLine(l));
    } else if (tnx === 'client' && level === 'debug') {
      // Commands sent through the customAuth channel are logged as `/* secret */`; that
      // channel writes its own transcript lines (see envelopeOnly).
      if (text === '/* secret */') return;
      note(commandPhase(text) ?? currentPhase());
      say(`-> ${text}`);
    } else if (tnx === 'network' && data?.remoteAddress) {
      awaiting.splice(0, awaiting.length, 'greeting');
      say(connectedNote(String(data.remoteAddress), Number(data.remotePort)));
    } else if (tnx === 'smtp' && /upgraded with STARTTLS/.test(text)) {
      tls = true;
      say(TLS_ESTABLISHED);
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
    connectionTimeout: opts.timeoutMs * 2,
    greetingTimeout: opts.timeoutMs,
    socketTimeout: opts.timeoutMs,
    socketCloseTimeout: Math.min(opts.timeoutMs, 1000),
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
    const { code, text } = splitReplyText(err.response);
    let why = text;
    if (!err.response) {
      if (err.code === 'ETIMEDOUT' || err.timeoutType) {
        why = phase === 'connect' ? connectTimedOut(opts.timeoutMs) : noReplyWithin(opts.timeoutMs);
      } else if (err.originalCode) why = connectFailure(err.originalCode);
      else if (/closed unexpectedly/i.test(err.message)) why = CLOSED_BY_SERVER;
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
      const { code, text } = splitReplyText(reply.response);
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
      result ??= { ...base, status: 'fail', code: null, phase: currentPhase(), message: CLOSED_BY_SERVER, tls };
      resolve(result);
    };
    let closeTimer: NodeJS.Timeout | undefined;
    const quit = () => {
      // A server that never answers QUIT must not hold the probe: close after a grace period.
      closeTimer = setTimeout(() => {
        conn.close();
        finish();
      }, quitGraceMs(opts.timeoutMs));
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
          const { code, text } = splitReplyText(info?.response);
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
 * Probe one exchange of a domain with nodemailer's SMTPConnection: resolve its addresses,
 * connect on port 25, EHLO, STARTTLS when offered, MAIL FROM, RCPT TO and (unless
 * quitAfter is `rcpt`) DATA with a test message, then QUIT. Addresses are tried in turn
 * while connecting fails. Never throws for server behaviour: every outcome is a
 * ProbeResult (status, code, phase, message).
 */
export async function probeExchange(target: ProbeTarget, options: ProbeOptions = {}): Promise<ProbeResult> {
  const opts = { port: 25, quitAfter: 'data' as const, tls: 'opportunistic' as const, timeoutMs: DEFAULT_TIMEOUT_MS, ...options };
  const say = opts.transcript ?? (() => {});
  const base = { ...target, code: null, tls: false };
  let addresses: string[];
  try {
    addresses = await (opts.resolver ?? new MxResolver({ timeoutMs: opts.timeoutMs })).resolveAddresses(target.exchange);
  } catch (err) {
    const message = err instanceof MxError ? err.reason : (err as Error).message;
    return { ...base, address: null, status: 'fail', phase: 'dns', message };
  }
  if (!addresses.length) {
    return { ...base, address: null, status: 'fail', phase: 'dns', message: 'exchange has no A/AAAA records' };
  }
  const result = await firstConnected(
    addresses,
    (address) => {
      say(`** ${target.domain}: probing ${target.exchange} [${address}]:${opts.port}`);
      return session(target, address, opts);
    },
    (r) => r.phase !== 'connect',
    opts.signal,
  );
  return result ?? { ...base, address: null, status: 'fail', phase: 'connect', message: 'interrupted' };
}

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
export async function* probeDomains(domains: Iterable<string>, options: ProbeDomainsOptions = {}): AsyncGenerator<ProbeResult> {
  const jobs = Math.max(1, options.jobs ?? 1);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const resolver = options.resolver ?? new MxResolver({ timeoutMs });
  // One slot per exchange probed or domain looked up: both talk to servers.
  const slots = new Slots(jobs);
  // Up to `jobs` sessions listen for an abort at once: on the scope's signal, not the caller's.
  const scope = new RequestScope(options.signal, jobs);
  const live = jobs === 1;
  type Held = { result: ProbeResult; lines: string[] };

  const probeDomain = async (domain: string): Promise<Held[]> => {
    let exchanges: MxExchange[];
    try {
      exchanges = await slots.run(() => resolver.resolveMx(domain));
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
        const target = { domain, exchange: mx.exchange, preference: mx.preference };
        const result = await slots.run(() =>
          probeExchange(target, { ...options, timeoutMs, resolver, transcript, signal: scope.signal }),
        );
        return { result, lines };
      }),
    );
  };

  try {
    for await (const held of mapOrdered(domains, jobs, probeDomain)) {
      for (const { result, lines } of held) {
        for (const l of lines) options.transcript?.(l);
        yield result;
      }
    }
  } finally {
    scope.close();
  }
}
