import type { Socket } from 'node:net';
import { ipFamily, parseHostPort } from './address';
import { MxError, MxResolver, type MxExchange } from './mx';
import { defaultHelo } from './helo';
import { connectToFirst, DEFAULT_TIMEOUT_MS, DialogueError, SmtpDialogue, tlsEstablishedNote } from './smtp-dialogue';
import { certificateHost, systemCas, tlsFacts } from './tls-facts';
import { ehloKeywords, printable, replyText, SmtpProtocolError } from './smtp-reply';

export interface EtrnOptions {
  /** SMTP port. Default 25. */
  port?: number;
  /** Milliseconds to wait for the connection and for each reply. Default 30000. */
  timeoutMs?: number;
  /** Upgrade with STARTTLS before ETRN; fail when the server cannot. Default false. */
  starttls?: boolean;
  /** Name sent with EHLO. Default: this host's FQDN, else the address literal of the local address. */
  helo?: string;
  /** Trusted CAs (PEM) for the STARTTLS certificate. Default: the system's. */
  ca?: string[];
  /** Send ETRN over STARTTLS even when the certificate does not verify. */
  insecure?: boolean;
  /** Resolves a server given by name. Default: the system's nameservers. */
  resolver?: MxResolver;
  /** Receives the dialogue: `<- ` server lines, `-> ` client lines, `** ` notes. */
  transcript?: (line: string) => void;
  signal?: AbortSignal;
}

/** The server's answer to `ETRN domain`, or why there was none. */
export interface EtrnResult {
  server: string;
  domain: string;
  /** The reply code; null when no reply decided it (connection failure, timeout, garbage). */
  code: number | null;
  /** The reply text without the code, or what went wrong. */
  message: string;
  /** RFC 1985: 250 started, 251 no messages, 252/253 started. */
  ok: boolean;
  /** Whether the server listed ETRN in its EHLO reply; null when it never got that far. */
  advertised: boolean | null;
}

/** RFC 1985 section 5 meanings, for people reading the codes. */
export const ETRN_CODES: Record<number, string> = {
  250: 'OK, queuing for node started',
  251: 'OK, no messages waiting for node',
  252: 'OK, pending messages for node started',
  253: 'OK, messages pending for node started',
  458: 'Unable to queue messages for node',
  459: 'Node not allowed',
  500: 'Syntax error',
  501: 'Syntax error in parameters',
  502: 'ETRN not implemented',
};

/** RFC 1985: every 25x reply means the request was accepted. */
export function etrnAccepted(code: number | null): boolean {
  return code !== null && code >= 250 && code <= 253;
}

/** The backup exchanges of a domain: every exchange except those of the best (lowest) preference. */
export function backupExchanges(exchanges: MxExchange[]): MxExchange[] {
  if (!exchanges.length) return [];
  const best = Math.min(...exchanges.map((e) => e.preference));
  return exchanges.filter((e) => e.preference > best);
}

/**
 * Ask `server` to start its queue for each domain (RFC 1985) over a plain socket: banner,
 * EHLO (ETRN need not be advertised: it is tried anyway), STARTTLS if asked, `ETRN domain`
 * per domain, QUIT. `server` is a host name or address, optionally `host:port`. Resolves
 * with one EtrnResult per domain, in order (`ok` for 250–253); never throws for server
 * behaviour.
 */
export async function sendEtrn(server: string, domains: string[], options: EtrnOptions = {}): Promise<EtrnResult[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const transcript = options.transcript ?? (() => {});
  const given = parseHostPort(server) ?? { host: server };
  const host = given.host;
  const port = given.port ?? options.port ?? 25;
  let advertised: boolean | null = null;
  const results: EtrnResult[] = [];
  const answer = (domain: string, code: number | null, message: string) =>
    results.push({ server, domain, code, message, ok: etrnAccepted(code), advertised });
  // Domains after one that got an answer were never asked: say so, with the reason.
  let inEtrn = false;
  const failRest = (message: string, code: number | null = null) => {
    const rest = domains.slice(results.length);
    rest.forEach((d, i) => (!inEtrn || i === 0 ? answer(d, code, message) : answer(d, null, `not sent: ${message}`)));
    return results;
  };

  let addresses: string[];
  if (ipFamily(host)) addresses = [host];
  else if (host === 'localhost') addresses = ['127.0.0.1'];
  else {
    try {
      addresses = await (options.resolver ?? new MxResolver({ timeoutMs })).resolveAddresses(host);
    } catch (err) {
      return failRest((err as Error).message);
    }
    if (!addresses.length) return failRest(`${host}: no A/AAAA records`);
  }

  let socket: Socket;
  try {
    socket = await connectToFirst(addresses, port, timeoutMs, transcript, options.signal);
  } catch (err) {
    return failRest((err as Error).message);
  }

  const dialogue = new SmtpDialogue(socket, timeoutMs, transcript);
  const onAbort = () => dialogue.close();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const banner = await dialogue.reply('the greeting');
    if (banner.code !== 220) return failRest(`greeting: ${replyText(banner)}`, banner.code);
    const helo = options.helo ?? defaultHelo(dialogue.localAddress);
    let ehlo = await dialogue.command(`EHLO ${helo}`);
    if (ehlo.code === 421) return failRest(`EHLO: ${replyText(ehlo)}`, ehlo.code);
    if (ehlo.code !== 250) {
      const heloReply = await dialogue.command(`HELO ${helo}`);
      if (heloReply.code !== 250) return failRest(`HELO: ${replyText(heloReply)}`, heloReply.code);
      ehlo = { code: 250, lines: [heloReply.lines[0]] };
    }
    if (options.starttls) {
      if (!ehloKeywords(ehlo).has('STARTTLS')) return failRest('STARTTLS not offered by server');
      const go = await dialogue.command('STARTTLS');
      if (go.code !== 220) return failRest(`STARTTLS: ${replyText(go)}`, go.code);
      const secure = await dialogue.upgrade({ ca: options.ca ?? systemCas(), servername: ipFamily(host) ? undefined : host });
      const facts = tlsFacts(secure, certificateHost(host));
      transcript(tlsEstablishedNote(facts));
      if (!facts.verified && !options.insecure) return failRest(`certificate not verified: ${facts.error} (--insecure skips the check)`);
      ehlo = await dialogue.command(`EHLO ${helo}`);
      if (ehlo.code !== 250) return failRest(`EHLO: ${replyText(ehlo)}`, ehlo.code);
    }
    advertised = ehloKeywords(ehlo).has('ETRN');
    if (!advertised) transcript('** ETRN not advertised in EHLO reply; trying anyway');
    inEtrn = true;
    for (const domain of domains) {
      const reply = await dialogue.command(`ETRN ${domain}`);
      answer(domain, reply.code, replyText(reply));
      if (reply.code === 421) {
        // RFC 5321 4.2: 421 means the server is closing the connection; the rest were never asked.
        for (const d of domains.slice(results.length)) answer(d, null, `not sent: ${replyText(reply)}`);
        dialogue.close();
        return results;
      }
    }
    await dialogue.quit();
    return results;
  } catch (err) {
    dialogue.close();
    if (options.signal?.aborted) return failRest('interrupted');
    const message =
      err instanceof SmtpProtocolError || err instanceof DialogueError ? err.message : printable(String((err as Error).message).split('\n')[0], 200);
    return failRest(message);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * ETRN `domain` at each of its backup exchanges (every MX except the most preferred),
 * so they deliver what they queued while the primary was down. Results in preference
 * order. Throws MxError when the lookup fails or the domain has no backup exchange.
 */
export async function sendEtrnToBackups(domain: string, options: EtrnOptions = {}): Promise<EtrnResult[]> {
  const resolver = options.resolver ?? new MxResolver({ timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
  const backups = backupExchanges(await resolver.resolveMx(domain));
  if (!backups.length) throw new MxError('no backup MX: every exchange has the best preference', 'dns', domain);
  const results: EtrnResult[] = [];
  for (const b of backups) results.push(...(await sendEtrn(b.exchange, [domain], { ...options, resolver })));
  return results;
}
