import type { ConnectionOptions } from 'node:tls';
import { formatHostPort, ipFamily } from './address';
import { daneMatch, type TlsaRecord } from './dane';
import { defaultHelo } from './helo';
import { tlsRefusal, starttlsMissing, type TlsDemands } from './probe-verdict';
import {
  CLOSED_BY_SERVER,
  connectedNote,
  connectTo,
  DialogueError,
  noReplyWithin,
  ReplyTimeout,
  SmtpDialogue,
  tlsEstablishedNote,
} from './smtp-dialogue';
import { ehloKeywords, printable, replyText, SmtpProtocolError, type SmtpReply } from './smtp-reply';
import { certificateHost, nameMatches, presentedChain, systemCas, tlsFacts, type TlsFacts } from './tls-facts';

/**
 * One SMTP session to one address of an exchange, on pipekit's own dialogue (replies
 * bounded whole by the timeout, one command at a time so every phase is timed and
 * blamed on its own): connect, greeting, EHLO, STARTTLS, MAIL, RCPT, DATA, QUIT.
 */

/** How far a probe got: the step that failed, or the last one for a success. */
export type ProbePhase = 'dns' | 'connect' | 'greeting' | 'ehlo' | 'tls' | 'mail' | 'rcpt' | 'data' | 'policy';

/** `ok`; `tempfail` when a 4xx reply decided (try again later); `fail` for everything else. */
export type ProbeStatus = 'ok' | 'fail' | 'tempfail';

/** Milliseconds each phase took (until its reply, or until it failed); phases not reached are absent. */
export interface ProbeTimings {
  connect?: number;
  banner?: number;
  ehlo?: number;
  /** STARTTLS, the handshake, and the EHLO after it. */
  starttls?: number;
  mail?: number;
  rcpt?: number;
  data?: number;
}

/** The TLS facts of a session, and what vouched for the certificate. */
export interface SessionTls extends TlsFacts {
  /** `pkix` (CA chain and name), `dane-ee` or `dane-ta` (a validated TLSA record), or null when not verified. */
  verifiedBy: 'pkix' | 'dane-ee' | 'dane-ta' | null;
}

/** What a session's replies said: the outcome, the names the server gave itself, the times. */
export interface SessionFacts {
  status: ProbeStatus;
  /** The SMTP reply code that decided the outcome, if a reply did. */
  code: number | null;
  phase: ProbePhase;
  /** The server's reply text without its code, or what went wrong. */
  message: string;
  /** First word of the greeting (the name the server gives itself), and of the EHLO reply. */
  banner: string | null;
  ehloName: string | null;
  timings: ProbeTimings;
}

export interface SessionOutcome extends SessionFacts {
  /** The server advertised STARTTLS. */
  starttlsOffered: boolean;
  tls: SessionTls | null;
  /** The TLSA record the chain matched, or null. */
  daneMatched: TlsaRecord | null;
}

export interface SessionSettings {
  domain: string;
  exchange: string;
  address: string;
  port: number;
  from: string;
  to: string;
  /** The test message; undefined stops after RCPT TO. */
  message: string | undefined;
  tls: 'opportunistic' | 'none' | 'require';
  /** Trusted CAs (PEM). Default: the system's. */
  ca?: string[];
  helo?: string;
  demands: TlsDemands;
  /** TLSA records at the exchange, and whether DNSSEC validated them. */
  tlsa: { records: TlsaRecord[]; validated: boolean };
  timeoutMs: number;
  say: (line: string) => void;
  signal?: AbortSignal;
}

/** An outcome decided before the end: a reply, a refusal, or a failure of the connection. */
class Decided extends Error {
  constructor(
    readonly status: ProbeStatus,
    readonly code: number | null,
    message: string,
  ) {
    super(message);
  }
}

function refused(reply: SmtpReply): Decided {
  return new Decided(reply.code >= 400 && reply.code < 500 ? 'tempfail' : 'fail', reply.code, replyText(reply));
}

function firstWord(line: string | undefined): string | null {
  return line?.trim().split(/\s+/)[0] || null;
}

// What a real MTA at Postfix's `may` level accepts: any protocol and cipher OpenSSL still
// has, so an old server is reported with its old TLS instead of failing the handshake.
const OPPORTUNISTIC_TLS: ConnectionOptions = { minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' };

export async function probeSession(s: SessionSettings): Promise<SessionOutcome> {
  const timings: ProbeTimings = {};
  let phase: ProbePhase = 'connect';
  let banner: string | null = null;
  let ehloName: string | null = null;
  let starttlsOffered = false;
  let tls: SessionTls | null = null;
  let daneMatched: TlsaRecord | null = null;
  const outcome = (status: ProbeStatus, code: number | null, message: string): SessionOutcome => ({
    status,
    code,
    phase,
    message,
    banner,
    ehloName,
    timings,
    starttlsOffered,
    tls,
    daneMatched,
  });
  const timed = async <T>(p: ProbePhase, key: keyof ProbeTimings, step: () => Promise<T>): Promise<T> => {
    phase = p;
    // process.hrtime, not performance.now: node:perf_hooks is 1-2 ms of start-up (issue 16).
    const t0 = process.hrtime.bigint();
    try {
      return await step();
    } finally {
      timings[key] = Math.round(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };

  let dialogue: SmtpDialogue;
  try {
    const socket = await timed('connect', 'connect', () => connectTo(s.address, s.port, s.timeoutMs, s.signal));
    s.say(connectedNote(s.address, s.port));
    dialogue = new SmtpDialogue(socket, s.timeoutMs, s.say);
  } catch (err) {
    s.say(`** ${formatHostPort(s.address, s.port)}: ${(err as Error).message}`);
    return outcome('fail', null, (err as Error).message);
  }
  const onAbort = () => dialogue.close();
  s.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    const greeting = await timed('greeting', 'banner', () => dialogue.reply('the greeting'));
    if (greeting.code !== 220) throw refused(greeting);
    banner = firstWord(greeting.lines[0]);
    const helo = s.helo ?? defaultHelo(dialogue.localAddress);
    const hello = async () => {
      const ehlo = await dialogue.command(`EHLO ${helo}`);
      if (ehlo.code === 250) return ehlo;
      // RFC 5321 3.2: a server that does not know EHLO gets HELO, and no extensions.
      if (ehlo.code < 500) throw refused(ehlo);
      const reply = await dialogue.command(`HELO ${helo}`);
      if (reply.code !== 250) throw refused(reply);
      return { code: 250, lines: [reply.lines[0]] };
    };
    const ehlo = await timed('ehlo', 'ehlo', hello);
    ehloName = firstWord(ehlo.lines[0]);
    starttlsOffered = ehloKeywords(ehlo).has('STARTTLS');

    if (s.tls !== 'none' && !starttlsOffered) {
      phase = 'tls';
      const why = starttlsMissing(s.demands);
      if (why) throw new Decided('fail', null, why);
    }
    if (s.tls !== 'none' && starttlsOffered) {
      await timed('tls', 'starttls', async () => {
        const go = await dialogue.command('STARTTLS');
        if (go.code !== 220) throw refused(go);
        const host = certificateHost(s.exchange);
        // Old protocols are negotiated as a real MTA would, then refused by tlsRefusal when a flag demands.
        const secure = await dialogue.upgrade({ ...OPPORTUNISTIC_TLS, ca: s.ca ?? systemCas(), servername: ipFamily(host) ? undefined : host });
        const facts = tlsFacts(secure, host);
        if (s.tlsa.records.length) {
          daneMatched = daneMatch(s.tlsa.records, presentedChain(secure), nameMatches(host, secure.getPeerCertificate())) ?? null;
        }
        const byDane = daneMatched && s.tlsa.validated ? (daneMatched.usage === 3 ? 'dane-ee' : 'dane-ta') : null;
        tls = byDane ? { ...facts, verified: true, error: null, verifiedBy: byDane } : { ...facts, verifiedBy: facts.verified ? 'pkix' : null };
        s.say(tlsEstablishedNote(tls));
        const refusal = tlsRefusal(s.demands, tls, daneMatched !== null && s.tlsa.validated);
        if (refusal) throw new Decided('fail', null, refusal);
        const again = await dialogue.command(`EHLO ${helo}`);
        if (again.code !== 250) throw refused(again);
      });
    }

    const mail = await timed('mail', 'mail', () => dialogue.command(`MAIL FROM:<${s.from}>`));
    if (mail.code !== 250) throw refused(mail);
    const rcpt = await timed('rcpt', 'rcpt', () => dialogue.command(`RCPT TO:<${s.to}>`));
    if (rcpt.code !== 250 && rcpt.code !== 251) throw refused(rcpt);
    if (s.message === undefined) {
      await dialogue.quit();
      return outcome('ok', rcpt.code, replyText(rcpt));
    }
    const body = s.message;
    const done = await timed('data', 'data', async () => {
      const go = await dialogue.command('DATA');
      if (go.code !== 354) throw refused(go);
      // The transcript shows the headers, never the body.
      const [head, text = ''] = body.split('\r\n\r\n');
      for (const h of head.split('\r\n')) s.say(`-> ${h}`);
      s.say(`-> [message body not shown, ${Buffer.byteLength(text)} bytes]`);
      s.say('-> .');
      return dialogue.message(body);
    });
    if (done.code !== 250) throw refused(done);
    await dialogue.quit();
    return outcome('ok', done.code, replyText(done));
  } catch (err) {
    if (s.signal?.aborted) {
      dialogue.close();
      return outcome('fail', null, 'interrupted');
    }
    if (err instanceof Decided) {
      // RFC 5321 3.8: after a 421 the server closes; anything else still deserves a QUIT.
      if (err.code === 421) dialogue.close();
      else await dialogue.quit();
      return outcome(err.status, err.code, err.message);
    }
    dialogue.close();
    if (err instanceof ReplyTimeout && /^no reply/.test(err.message)) return outcome('fail', null, noReplyWithin(s.timeoutMs));
    if (err instanceof DialogueError || err instanceof SmtpProtocolError) return outcome('fail', null, err.message);
    return outcome('fail', null, printable(String((err as Error).message ?? err), 200) || CLOSED_BY_SERVER);
  } finally {
    s.signal?.removeEventListener('abort', onAbort);
  }
}
