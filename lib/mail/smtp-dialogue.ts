import { connect as netConnect, type Socket } from 'node:net';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import { humanDuration } from '../units';
import { formatHostPort } from './address';
import { printable, SmtpReplyParser, type SmtpReply } from './smtp-reply';
import { nodeTls, tlsErrorText, type TlsFacts } from './tls-facts';

/**
 * The socket side of an SMTP client, shared by ETRN and the probe: the first of a host's
 * addresses that accepts a connection, replies awaited against a deadline, QUIT with a
 * grace period, and the words every failure and transcript note is given in, so that
 * mxprobe and etrn report the same event the same way.
 */

/** Milliseconds to wait for the connection and for each reply when the caller sets no limit. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Longest wait for the answer to QUIT. The outcome is known by then; a server that never
 * answers QUIT (or never closes) must not hold the client for a whole timeout.
 */
export const QUIT_GRACE_MS = 2000;

/** The QUIT grace period for a session whose replies may take `timeoutMs`. */
export function quitGraceMs(timeoutMs: number): number {
  return Math.min(timeoutMs, QUIT_GRACE_MS);
}

// RFC 5321 4.5.3.1.5 allows 512 octets per reply line: a longer one is cut in the transcript.
const TRANSCRIPT_LINE_MAX = 512;

/** A server line for the transcript: `<- ` and the line, control characters escaped. */
export function serverLine(text: string): string {
  return `<- ${printable(text, TRANSCRIPT_LINE_MAX)}`;
}

/** The transcript note once a connection stands. */
export function connectedNote(address: string, port: number): string {
  return `** connected to ${formatHostPort(address, port)}`;
}

/** The transcript note after STARTTLS: protocol, cipher, and what the certificate check found. */
export function tlsEstablishedNote(facts: TlsFacts): string {
  const check = facts.verified ? 'certificate verified' : `certificate not verified: ${facts.error}`;
  return `** TLS established: ${facts.version} ${facts.cipher}, ${check}`;
}

/** The peer closed the connection before the dialogue was over. */
export const CLOSED_BY_SERVER = 'connection closed by server';

/** Why connecting (or the connection) failed, from a socket error's code. */
export function connectFailure(code: string | undefined, message?: string): string {
  return code === 'ECONNREFUSED' ? 'connection refused' : `connection failed: ${code ?? message}`;
}

/** No connection within the timeout. */
export function connectTimedOut(timeoutMs: number): string {
  return `connection timed out after ${humanDuration(timeoutMs)}`;
}

/** No reply within the timeout. */
export function noReplyWithin(timeoutMs: number): string {
  return `no reply within ${humanDuration(timeoutMs)}`;
}

/** A failed step of the dialogue; its message is the one-line outcome for the user. */
export class DialogueError extends Error {}

/** No complete reply within the timeout: the whole reply counts, not the gap between its lines. */
export class ReplyTimeout extends DialogueError {}

/**
 * Run `attempt` at each of a host's addresses in turn until one connects (RFC 5321 5.1:
 * a client tries the next address while connecting fails). Resolves with the outcome of
 * the first attempt that `connected` accepts, else of the last attempt; undefined when
 * there is no address or `signal` aborted before the first attempt.
 */
export async function firstConnected<R>(
  addresses: readonly string[],
  attempt: (address: string) => Promise<R>,
  connected: (outcome: R) => boolean,
  signal?: AbortSignal,
): Promise<R | undefined> {
  let outcome: R | undefined;
  for (const address of addresses) {
    if (signal?.aborted) break;
    outcome = await attempt(address);
    if (connected(outcome)) break;
  }
  return outcome;
}

/**
 * A TCP connection to `address`, or a DialogueError saying why not (refused, timed out,
 * interrupted). Its listeners on `signal` are gone once it settles.
 */
export function connectTo(address: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DialogueError('interrupted'));
    const socket = netConnect({ host: address, port });
    const settle = (err?: DialogueError) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.removeListener('connect', onConnect);
      socket.removeListener('error', onError);
      if (!err) return resolve(socket);
      socket.destroy();
      reject(err);
    };
    const onConnect = () => settle();
    const onError = (err: NodeJS.ErrnoException) => settle(new DialogueError(connectFailure(err.code, err.message)));
    const onAbort = () => settle(new DialogueError('interrupted'));
    const timer = setTimeout(() => settle(new DialogueError(connectTimedOut(timeoutMs))), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', onConnect);
    socket.once('error', onError);
  });
}

/**
 * A connection to the first of `addresses` that accepts one on `port`, each attempt noted
 * in the transcript; throws the DialogueError of the last attempt when none does.
 */
export async function connectToFirst(
  addresses: readonly string[],
  port: number,
  timeoutMs: number,
  transcript: (line: string) => void,
  signal?: AbortSignal,
): Promise<Socket> {
  const outcome = await firstConnected(
    addresses,
    (address) =>
      connectTo(address, port, timeoutMs, signal).then(
        (socket) => {
          transcript(connectedNote(address, port));
          return socket;
        },
        (err: Error) => {
          transcript(`** ${formatHostPort(address, port)}: ${err.message}`);
          return err;
        },
      ),
    (o) => !(o instanceof Error),
    signal,
  );
  if (outcome === undefined) throw new DialogueError(signal?.aborted ? 'interrupted' : 'no address to connect to');
  if (outcome instanceof Error) throw outcome;
  return outcome;
}

/**
 * A line-level SMTP client on a connected socket: replies in order, each awaited against
 * the timeout, commands written as given, STARTTLS on the same socket. The transcript
 * gets `<- ` server lines, `-> ` client lines and `** ` notes.
 */
export class SmtpDialogue {
  private socket: Socket;
  private parser = new SmtpReplyParser();
  private replies: SmtpReply[] = [];
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(
    socket: Socket,
    private readonly timeoutMs: number,
    private readonly transcript: (line: string) => void,
  ) {
    this.socket = socket;
    this.attach(socket);
  }

  private attach(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const r of this.parser.push(chunk)) {
          r.lines.forEach((l, i) => this.transcript(serverLine(`${r.code}${i < r.lines.length - 1 ? '-' : ' '}${l}`)));
          this.replies.push(r);
        }
      } catch (err) {
        this.failure ??= err as Error;
        socket.destroy();
      }
      this.wake?.();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.failure ??= new DialogueError(connectFailure(err.code, err.message));
      this.wake?.();
    });
    socket.on('close', () => {
      this.failure ??= new DialogueError(CLOSED_BY_SERVER);
      this.wake?.();
    });
  }

  /** The next reply; a DialogueError or SmtpProtocolError when none comes. */
  async reply(what: string): Promise<SmtpReply> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const r = this.replies.shift();
      if (r) return r;
      if (this.failure) throw this.failure;
      const left = deadline - Date.now();
      if (left <= 0) throw new ReplyTimeout(`${noReplyWithin(this.timeoutMs)} to ${what}`);
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

  /** Send one command line and wait for its reply. */
  async command(line: string): Promise<SmtpReply> {
    if (this.failure) throw this.failure;
    this.transcript(`-> ${line}`);
    this.socket.write(`${line}\r\n`);
    return this.reply(line);
  }

  /**
   * The message after a 354 to DATA: lines starting with a dot get another (RFC 5321
   * 4.5.2), then the ending `.` line; resolves with the reply to the whole message.
   */
  async message(body: string): Promise<SmtpReply> {
    if (this.failure) throw this.failure;
    const stuffed = body.replace(/^\./gm, '..');
    this.socket.write(`${stuffed}${stuffed.endsWith('\r\n') ? '' : '\r\n'}.\r\n`);
    return this.reply('the message');
  }

  /**
   * RFC 3207: after 220 to STARTTLS, a TLS handshake on the same socket, with `tls`
   * options (trust anchors, servername, versions). Resolves with the TLS socket once the
   * handshake is done; whether to trust the certificate is the caller's judgement.
   */
  async upgrade(tls: ConnectionOptions): Promise<TLSSocket> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    this.parser = new SmtpReplyParser();
    this.replies = [];
    const secure = nodeTls().connect({ ...tls, socket: plain, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => {
        secure.destroy();
        reject(new ReplyTimeout(`TLS handshake not done within ${humanDuration(this.timeoutMs)}`));
      }, this.timeoutMs);
      secure.once('secureConnect', () => {
        clearTimeout(t);
        resolve();
      });
      secure.once('error', (err) => {
        clearTimeout(t);
        reject(new DialogueError(`STARTTLS failed: ${tlsErrorText(err)}`));
      });
    });
    this.socket = secure;
    this.attach(secure);
    return secure;
  }

  /** The local address of the connection, for an EHLO address literal. */
  get localAddress(): string | undefined {
    return this.socket.localAddress;
  }

  close(): void {
    this.socket.destroy();
  }

  /** QUIT, then close: after its answer or the grace period, whichever comes first. */
  async quit(): Promise<void> {
    if (this.failure) return this.close();
    let grace: NodeJS.Timeout | undefined;
    try {
      this.transcript('-> QUIT');
      this.socket.write('QUIT\r\n');
      await Promise.race([this.reply('QUIT'), new Promise((r) => (grace = setTimeout(r, quitGraceMs(this.timeoutMs))))]);
    } catch {
      // the server may close without answering QUIT; the outcome is already known
    } finally {
      clearTimeout(grace);
    }
    this.close();
  }
}
