import { connect as netConnect, isIP, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { connect as tlsConnect } from 'node:tls';
import { MxResolver, MxError, type MxExchange } from './mx';
import { UsageError } from '../cli';
import { ehloKeywords, formatHostPort, normalizeDomain, parseHostPort, printable, replyText, SmtpProtocolError, SmtpReplyParser, type SmtpReply } from './smtp-reply';

export interface EtrnOptions {
  /** SMTP port. Default 25. */
  port?: number;
  /** Milliseconds to wait for the connection and for each reply. Default 30000. */
  timeout?: number;
  /** Upgrade with STARTTLS before ETRN; fail when the server cannot. Default false. */
  starttls?: boolean;
  /** Name sent with EHLO. Default: this host's name. */
  helo?: string;
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

class DialogueError extends Error {
  constructor(
    message: string,
    readonly reply?: SmtpReply,
  ) {
    super(message);
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** A line-level SMTP client on a plain socket: just enough for ETRN (RFC 1985). */
class Dialogue {
  private socket: Socket;
  private parser = new SmtpReplyParser();
  private replies: SmtpReply[] = [];
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(
    socket: Socket,
    private readonly timeout: number,
    private readonly say: (line: string) => void,
  ) {
    this.socket = socket;
    this.attach(socket);
  }

  private attach(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const r of this.parser.push(chunk)) {
          r.lines.forEach((l, i) => say(this.say, `<- ${r.code}${i < r.lines.length - 1 ? '-' : ' '}${l}`));
          this.replies.push(r);
        }
      } catch (err) {
        this.failure ??= err as Error;
        socket.destroy();
      }
      this.wake?.();
    });
    socket.on('error', (err) => {
      this.failure ??= new DialogueError(`connection failed: ${(err as NodeJS.ErrnoException).code ?? err.message}`);
      this.wake?.();
    });
    socket.on('close', () => {
      this.failure ??= new DialogueError('connection closed by server');
      this.wake?.();
    });
  }

  /** The next reply, or a DialogueError / SmtpProtocolError. */
  async reply(what: string): Promise<SmtpReply> {
    const deadline = Date.now() + this.timeout;
    for (;;) {
      const r = this.replies.shift();
      if (r) return r;
      if (this.failure) throw this.failure;
      const left = deadline - Date.now();
      if (left <= 0) throw new DialogueError(`no reply within ${seconds(this.timeout)} to ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(t);
          this.wake = undefined;
          resolve();
        };
      });
    }
  }

  async command(line: string): Promise<SmtpReply> {
    if (this.failure) throw this.failure;
    this.say(`-> ${line}`);
    this.socket.write(`${line}\r\n`);
    return this.reply(line);
  }

  /** RFC 3207: after 220 to STARTTLS, a TLS handshake on the same socket. */
  async upgrade(servername: string | undefined): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    this.parser = new SmtpReplyParser();
    this.replies = [];
    const secure = tlsConnect({ socket: plain, servername, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new DialogueError(`TLS handshake not done within ${seconds(this.timeout)}`)), this.timeout);
      secure.once('secureConnect', () => {
        clearTimeout(t);
        resolve();
      });
      secure.once('error', (err) => {
        clearTimeout(t);
        reject(new DialogueError(`STARTTLS failed: ${err.message}`));
      });
    });
    this.socket = secure;
    this.attach(secure);
    this.say('** TLS established (certificate not verified)');
  }

  close(): void {
    this.socket.destroy();
  }

  async quit(): Promise<void> {
    if (this.failure) return this.close();
    try {
      this.say('-> QUIT');
      this.socket.write('QUIT\r\n');
      await Promise.race([this.reply('QUIT'), new Promise((r) => setTimeout(r, Math.min(this.timeout, 2000)))]);
    } catch {
      // the server may close without answering QUIT; the outcome is already known
    }
    this.close();
  }
}

function say(fn: (line: string) => void, line: string): void {
  fn(printable(line, 512));
}

function connectTo(address: string, port: number, timeout: number, signal?: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: address, port });
    const t = setTimeout(() => {
      socket.destroy();
      reject(new DialogueError(`connection timed out after ${seconds(timeout)}`));
    }, timeout);
    const onAbort = () => {
      socket.destroy();
      reject(new DialogueError('interrupted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(t);
      signal?.removeEventListener('abort', onAbort);
      reject(new DialogueError(err.code === 'ECONNREFUSED' ? 'connection refused' : `connection failed: ${err.code ?? err.message}`));
    });
  });
}

/**
 * Ask `server` to start its queue for each domain (RFC 1985): banner, EHLO (ETRN need not
 * be advertised: it is tried anyway), STARTTLS if asked, `ETRN domain` per domain, QUIT.
 * `server` is a host name or address, optionally `host:port`. Resolves with one result per
 * domain, in order; never throws for server behaviour.
 */
export async function sendEtrn(server: string, domains: string[], options: EtrnOptions = {}): Promise<EtrnResult[]> {
  const timeout = options.timeout ?? 30_000;
  const transcript = options.transcript ?? (() => {});
  let host = server;
  let port = options.port ?? 25;
  const m = /^\[([^\]]+)\](?::(\d+))?$|^([^:]+):(\d+)$/.exec(server);
  if (m) {
    host = m[1] ?? m[3];
    port = Number(m[2] ?? m[4] ?? port);
  }
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
  if (isIP(host)) addresses = [host];
  else if (host === 'localhost') addresses = ['127.0.0.1'];
  else {
    try {
      addresses = await (options.resolver ?? new MxResolver({ timeout })).resolveAddresses(host);
    } catch (err) {
      return failRest(err instanceof MxError ? err.message : (err as Error).message);
    }
    if (!addresses.length) return failRest(`${host}: no A/AAAA records`);
  }

  let socket: Socket | undefined;
  let lastError = '';
  for (const address of addresses) {
    try {
      socket = await connectTo(address, port, timeout, options.signal);
      transcript(`** connected to ${formatHostPort(address, port)}`);
      break;
    } catch (err) {
      lastError = (err as Error).message;
      transcript(`** ${formatHostPort(address, port)}: ${lastError}`);
    }
  }
  if (!socket) return failRest(lastError);

  const dialogue = new Dialogue(socket, timeout, transcript);
  const onAbort = () => dialogue.close();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const banner = await dialogue.reply('the greeting');
    if (banner.code !== 220) return failRest(`greeting: ${replyText(banner)}`, banner.code);
    const helo = options.helo ?? hostname();
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
      await dialogue.upgrade(isIP(host) ? undefined : host);
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
      err instanceof SmtpProtocolError || err instanceof DialogueError ? err.message : printable(String((err as Error).message), 200);
    return failRest(message);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * ETRN `domain` at each of its backup exchanges (every MX except the most preferred),
 * so they deliver what they queued while the primary was down. Throws MxError when the
 * lookup fails, and an Error when the domain has no backup exchange.
 */
export async function sendEtrnToBackups(domain: string, options: EtrnOptions = {}): Promise<EtrnResult[]> {
  const resolver = options.resolver ?? new MxResolver({ timeout: options.timeout ?? 30_000 });
  const backups = backupExchanges(await resolver.resolveMx(domain));
  if (!backups.length) throw new MxError('no backup MX: every exchange has the best preference', 'dns', domain);
  const results: EtrnResult[] = [];
  for (const b of backups) results.push(...(await sendEtrn(b.exchange, [domain], { ...options, resolver })));
  return results;
}

/** An ETRN argument (RFC 1985): `domain`, `@domain` (its subdomains too) or `#queue`. */
export function isEtrnArgument(text: string): boolean {
  if (text.startsWith('#')) return /^#[\x21-\x7e]+$/.test(text);
  return normalizeDomain(text.startsWith('@') ? text.slice(1) : text) !== undefined;
}

/**
 * Servers and their domains from lines `SERVER DOMAIN...` (the seed's backup_servers map);
 * blank lines and `#` comments are skipped. Throws UsageError naming the first bad line.
 */
export function etrnTargets(lines: string[]): { server: string; domains: string[] }[] {
  const targets: { server: string; domains: string[] }[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const [server, ...domains] = line.split(/\s+/);
    const where = lines.length > 1 ? `line ${i + 1}: ` : '';
    if (!parseHostPort(server)) throw new UsageError(`${where}malformed server '${printable(server)}' (HOST[:PORT])`);
    if (!domains.length) throw new UsageError(`${where}no domain given after server ${server}`);
    const bad = domains.find((d) => !isEtrnArgument(d));
    if (bad !== undefined) throw new UsageError(`${where}malformed domain '${printable(bad)}'`);
    targets.push({ server, domains });
  });
  return targets;
}
