import { connect, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { LimitedHttpHandler } from './bandwidth';

/**
 * GETs whose body is read by the kernel straight into the caller's Buffer: plain-HTTP
 * sockets with `onread` pointed at the unfilled rest of that Buffer. Through node:http
 * every body byte was read into a fresh 64 KiB Buffer, copied again by the HTTP parser
 * (node_http_parser's on_body uses Buffer::Copy) and once more into the chunk: measured,
 * that and the garbage it made were most of s3source's CPU besides SHA-256. rclone cat
 * does one copy; so does this. PUTs by a learnt route (put-route.ts) write their body
 * from the caller's Buffer on the same connections.
 *
 * The SDK still builds, signs and retries-classifies the request and parses any error
 * answer: a middleware at the end of the stack sends the signed request here instead of
 * to the SDK's HTTP handler. TLS endpoints keep the SDK's path (a TLS socket decrypts
 * into its own buffers, so there is no copy to save at this layer).
 */

/** The client's timeouts, which these connections keep: idle time and connect time. */
export interface Timeouts {
  socketTimeout: number;
  connectionTimeout: number;
}
/** Kept-alive connections are not reused after this long idle: servers close theirs at 5 s (Node) and up. */
const KEEPALIVE_MS = 4_000;
/** Status line and headers of one answer must fit here. */
const HEAD_MAX = 64 * 1024;
/** Error answers are read whole (S3 error documents are a few hundred bytes). */
const ERROR_BODY_MAX = 1 << 20;

export interface SignedRequest {
  protocol: string;
  hostname: string;
  port?: number;
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
}

export interface DirectResponse {
  statusCode: number;
  headers: Record<string, string>;
  /** The answer's body when it did not go into the Buffer (error documents). */
  body?: Buffer;
  /** Bytes of the body read into the Buffer. */
  filled: number;
}

/** The SDK's escaping of query and path segments (RFC 3986 unreserved characters only). */
export const uriEscape = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function requestHead(req: SignedRequest): string {
  const query: string[] = [];
  for (const [k, v] of Object.entries(req.query ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (v === null) query.push(uriEscape(k));
    else for (const one of Array.isArray(v) ? v : [v]) query.push(`${uriEscape(k)}=${uriEscape(one)}`);
  }
  const target = query.length ? `${req.path}?${query.join('&')}` : req.path;
  const lines = [`${req.method} ${target} HTTP/1.1`];
  const headers = { ...req.headers };
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'host')) headers.host = req.port ? `${req.hostname}:${req.port}` : req.hostname;
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

export function parseHead(text: string): { statusCode: number; headers: Record<string, string> } {
  const [status, ...rest] = text.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(status);
  if (!m) throw new Error(`not an HTTP answer: ${JSON.stringify(status.slice(0, 40))}`);
  const headers: Record<string, string> = {};
  for (const line of rest) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { statusCode: Number(m[1]), headers };
}

/** One exchange on a connection: where the bytes go, and how it ends. */
interface Exchange {
  into: Buffer;
  filled: number;
  head?: { statusCode: number; headers: Record<string, string> };
  /** Body bytes expected (Content-Length); for an error answer, read into `errorBody`. */
  length: number;
  errorBody?: Buffer;
  /** The whole request has been handed to the kernel. */
  sent: boolean;
  /** The answer, once read whole. */
  answer?: DirectResponse;
  resolve: (r: DirectResponse) => void;
  reject: (e: Error) => void;
}

/** A kept-alive plain-HTTP connection whose reads land where the current exchange says. */
class Connection {
  readonly socket: Socket;
  private readonly scratch = Buffer.allocUnsafe(HEAD_MAX);
  private headBytes = 0;
  private exchange?: Exchange;
  /** Answered with 2xx before its body was all out: settled once it is (see complete()). */
  private unsent?: Exchange;
  idleSince = 0;
  closed = false;

  constructor(
    host: string,
    port: number,
    timeouts: Timeouts,
    private readonly onIdle: (c: Connection) => void,
  ) {
    this.socket = connect({
      host,
      port,
      onread: { buffer: () => this.readTarget(), callback: (n: number, buf: Uint8Array) => this.onRead(n, buf) },
    });
    this.socket.setNoDelay(true);
    this.socket.setTimeout(timeouts.connectionTimeout);
    this.socket.once('connect', () => this.socket.setTimeout(timeouts.socketTimeout));
    this.socket.on('timeout', () => this.socket.destroy(Object.assign(new Error('socket timed out with no byte moved'), { code: 'ETIMEDOUT' })));
    this.socket.on('error', (err) => this.fail(err));
    this.socket.on('end', () => this.fail(Object.assign(new Error('connection closed by the server'), { code: 'ECONNRESET' })));
    this.socket.on('close', () => this.fail(Object.assign(new Error('connection closed'), { code: 'ECONNRESET' })));
    this.socket.resume();
  }

  /** Send `head` and `body`, read the answer's body into `into`. */
  send(head: string, into: Buffer, body: Buffer | undefined, signal?: AbortSignal): Promise<DirectResponse> {
    return new Promise((resolve, reject) => {
      const onAbort = () => this.socket.destroy(signal!.reason as Error);
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = <T>(f: (v: T) => void) => (v: T) => {
        signal?.removeEventListener('abort', onAbort);
        f(v);
      };
      this.headBytes = 0;
      const x: Exchange = { into, filled: 0, length: 0, sent: false, resolve: done(resolve), reject: done(reject) };
      this.exchange = x;
      if (signal?.aborted) onAbort();
      else this.write(x, head, body);
    });
  }

  /** Hand the request to the kernel: one writev, the body from the caller's Buffer, not copied. */
  private write(x: Exchange, head: string, body: Buffer | undefined): void {
    const onSent = (err?: Error | null) => {
      if (err) return; // the socket's error event fails the exchange
      x.sent = true;
      if (x.answer && !this.closed) this.finish(x);
    };
    if (!body?.length) {
      this.socket.write(head, onSent);
      return;
    }
    this.socket.cork();
    this.socket.write(head);
    this.socket.write(body, onSent);
    this.socket.uncork();
  }

  /** Where the kernel writes the next read: the head scratch, the caller's Buffer, or an error body. */
  private readTarget(): Buffer {
    const x = this.exchange;
    if (!x) return this.scratch;
    if (!x.head) return this.scratch.subarray(this.headBytes);
    if (x.errorBody) return x.errorBody.subarray(x.filled);
    return x.into.subarray(x.filled);
  }

  /** Always true: never pause (a false return would). */
  private onRead(n: number, buf: Uint8Array): boolean {
    const x = this.exchange;
    if (!x) {
      this.socket.destroy(new Error('bytes from the server with no request outstanding'));
      return true;
    }
    if (!x.head) {
      // The read was aimed before this exchange began (at the idle scratch): move it into place.
      if (buf.buffer !== this.scratch.buffer || buf.byteOffset !== this.scratch.byteOffset + this.headBytes) {
        if (n > HEAD_MAX - this.headBytes) {
          this.socket.destroy(new Error(`answer headers longer than ${HEAD_MAX} bytes`));
          return true;
        }
        this.scratch.set(buf.subarray(0, n), this.headBytes);
      }
      this.headBytes += n;
      let end: number;
      for (;;) {
        end = this.scratch.subarray(0, this.headBytes).indexOf('\r\n\r\n');
        if (end < 0) {
          if (this.headBytes === HEAD_MAX) this.socket.destroy(new Error(`answer headers longer than ${HEAD_MAX} bytes`));
          return true;
        }
        const head = parseHead(this.scratch.toString('latin1', 0, end));
        if (head.statusCode >= 200 || head.statusCode === 101) {
          x.head = head;
          break;
        }
        // An interim answer (100 Continue, 103 Early Hints), which HTTP/1.1 lets a server
        // send unasked: the final one follows.
        this.scratch.copy(this.scratch, 0, end + 4, this.headBytes);
        this.headBytes -= end + 4;
      }
      this.startBody(x, this.scratch.subarray(end + 4, this.headBytes));
      if (this.exchange !== x) return true;
    } else {
      x.filled += n;
    }
    if (x.filled === x.length) this.complete(x);
    return true;
  }

  private startBody(x: Exchange, early: Buffer): void {
    const { statusCode, headers } = x.head!;
    const length = Number(headers['content-length']);
    if (headers['transfer-encoding'] || !Number.isSafeInteger(length)) {
      // Not a body we can size: the caller learns the status and headers, the connection goes.
      this.exchange = undefined;
      x.resolve({ statusCode, headers, filled: 0, body: Buffer.alloc(0) });
      this.socket.destroy();
      return;
    }
    x.length = length;
    const ok = statusCode >= 200 && statusCode < 300;
    if (!ok || length !== x.into.length) {
      if (length > ERROR_BODY_MAX) {
        // A 2xx of another size than asked for: the caller fails it on Content-Length.
        this.exchange = undefined;
        x.resolve({ statusCode, headers, filled: 0, body: Buffer.alloc(0) });
        this.socket.destroy();
        return;
      }
      x.errorBody = Buffer.alloc(length);
    }
    const target = x.errorBody ?? x.into;
    if (early.length > length) {
      this.socket.destroy(new Error('more bytes than Content-Length'));
      return;
    }
    early.copy(target);
    x.filled = early.length;
  }

  private complete(x: Exchange): void {
    this.exchange = undefined;
    const { statusCode, headers } = x.head!;
    x.answer = { statusCode, headers, filled: x.errorBody ? 0 : x.filled, body: x.errorBody };
    if (x.sent) return this.finish(x);
    if (statusCode < 200 || statusCode >= 300) {
      // A refusal before the whole request went out: its rest is not worth sending, and
      // the connection goes with it.
      this.closed = true;
      this.socket.destroy();
      x.resolve(x.answer);
      return;
    }
    // A 2xx before the whole body went out (no S3 server sends one): settled once it
    // has, since the caller reuses the body's Buffer for the next chunk as soon as the
    // request resolves, and the kernel may be reading it until then.
    this.unsent = x;
  }

  /** Settle an exchange both sent and answered; its connection closes or goes back to the idle pool. */
  private finish(x: Exchange): void {
    this.unsent = undefined;
    x.resolve(x.answer!);
    if (/close/i.test(x.answer!.headers.connection ?? '')) {
      this.closed = true;
      this.socket.end();
      return;
    }
    this.release();
  }

  private release(): void {
    this.idleSince = Date.now();
    this.onIdle(this);
  }

  private fail(err: Error): void {
    this.closed = true;
    const x = this.exchange ?? this.unsent;
    this.exchange = this.unsent = undefined;
    if (!this.socket.destroyed) this.socket.destroy();
    x?.reject(err);
  }
}

/** Idle connections by `host:port`, shared by every client in the process. */
const idle = new Map<string, Connection[]>();

function connection(host: string, port: number, timeouts: Timeouts): Connection {
  const origin = `${host}:${port}:${timeouts.socketTimeout}:${timeouts.connectionTimeout}`;
  const free = idle.get(origin) ?? [];
  for (let c = free.pop(); c; c = free.pop()) {
    if (!c.closed && Date.now() - c.idleSince < KEEPALIVE_MS) return c;
    c.socket.destroy();
  }
  return new Connection(host, port, timeouts, (c) => {
    const list = idle.get(origin) ?? [];
    idle.set(origin, list);
    list.push(c);
    // An idle connection never holds the process open.
    c.socket.unref();
  });
}

/**
 * Send a signed request, with `body` when given (its Content-Length set), and read an
 * answer's body of `into.length` bytes into `into`.
 */
export async function directRequest(req: SignedRequest, into: Buffer, timeouts: Timeouts, signal?: AbortSignal, body?: Buffer): Promise<DirectResponse> {
  const c = connection(req.hostname, req.port ?? 80, timeouts);
  c.socket.ref();
  return c.send(requestHead(req), into, body, signal);
}

type Handler = (args: { request: unknown }) => Promise<{ response: unknown; output?: unknown }>;
/** A command's middleware stack, as far as a deserialize-step middleware needs it. */
export interface DeserializeStack {
  add(mw: (next: Handler) => Handler, opts: { step: 'deserialize'; name: string; priority: 'low' }): void;
}

/** The timeouts `client`'s HTTP handler was made with (createS3Client's), for connections made here. */
export function clientTimeouts(client: S3Client): Timeouts {
  const handler = client.config.requestHandler as { httpHandlerConfigs?: () => { socketTimeout?: number; connectionTimeout?: number } };
  const config = handler.httpHandlerConfigs?.() ?? {};
  return { socketTimeout: config.socketTimeout ?? 30_000, connectionTimeout: config.connectionTimeout ?? 10_000 };
}

/**
 * Make `cmd` (a GetObjectCommand) read its body into `into` over plain HTTP. The
 * returned `filled()` gives the bytes read there once sent, or undefined when the
 * request took the SDK's path (https, or a --bwlimit client, whose handler meters the
 * bodies this path would bypass) and the body is the output's stream as usual;
 * `sent()` the signed request that went this way (get-route.ts learns its route).
 */
export function readBodyInto<C extends { middlewareStack: unknown }>(
  cmd: C,
  into: Buffer,
  client: S3Client,
  signal?: AbortSignal,
): { cmd: C; filled: () => number | undefined; sent: () => SignedRequest | undefined } {
  let filled: number | undefined;
  let sent: SignedRequest | undefined;
  const answer = { cmd, filled: () => filled, sent: () => sent };
  if (client.config.requestHandler instanceof LimitedHttpHandler) return answer;
  const timeouts = clientTimeouts(client);
  (cmd.middlewareStack as DeserializeStack).add(
    (next) => async (args) => {
      const req = args.request as SignedRequest;
      if (req.protocol !== 'http:' || req.method !== 'GET') return next(args);
      const res = await directRequest(req, into, timeouts, signal);
      filled = res.filled;
      sent = req;
      return { response: { statusCode: res.statusCode, headers: res.headers, body: Readable.from(res.body ? [res.body] : []) } };
    },
    { step: 'deserialize', name: 'pipekitReadBodyInto', priority: 'low' },
  );
  return answer;
}
