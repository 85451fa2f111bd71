import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { mulberry32 } from './data';

/**
 * A real HTTP proxy in front of a real S3 server that injects faults: connection
 * resets, 500 InternalError, 503 SlowDown, stalls past the client's timeout, bodies cut
 * short, and rewritten response bodies (for listing faults). Requests it leaves alone
 * are forwarded byte for byte, Host header included, so signatures still verify.
 * With `tls` it listens for https (a client must trust `tls.cert`), forwarding in plain
 * http, so a test gets an https endpoint in front of a server that has none.
 */

/**
 * `stall` swallows the request (the upstream never sees it); `hold` forwards it, lets the
 * upstream complete it, and never answers: the client cannot tell whether it landed.
 */
export type Fault = 'reset' | 'error500' | 'slowdown' | 'stall' | 'hold' | 'truncate' | 'rewrite';

export interface FaultProxyOptions {
  /** Serve https with this PEM key and certificate. */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export interface FaultRule {
  fault: Fault;
  /** HTTP method to match (PUT, GET, …); any when absent. */
  method?: string;
  /** Matched against the request URL (decoded path and query). */
  url?: RegExp;
  /** Only the nth matching request (1-based). */
  nth?: number;
  /** The first `times` matching requests (default 1 unless `rate` is given). */
  times?: number;
  /** Each matching request with this probability (deterministic from `seed`). */
  rate?: number;
  /** For `rewrite`: the new response body from the upstream one. */
  rewrite?: (body: string) => string;
}

interface ActiveRule extends FaultRule {
  matched: number;
  hit: number;
}


export class FaultProxy {
  endpoint = '';
  /** Faults injected so far, by kind. */
  readonly injected: Record<Fault, number> = { reset: 0, error500: 0, slowdown: 0, stall: 0, hold: 0, truncate: 0, rewrite: 0 };
  /** Requests the upstream completed under a `hold` fault (their replies never sent). */
  held = 0;
  /**
   * At most this many faults for any one key (URL path), over all rules: with fault rates,
   * every request then succeeds within maxPerKey + 1 attempts, whatever the interleaving.
   */
  maxPerKey?: number;
  private readonly faultsByKey = new Map<string, number>();
  /** Requests seen, by method. */
  readonly requests: Record<string, number> = {};
  private rules: ActiveRule[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly random: () => number;

  private constructor(
    private readonly upstreamPort: number,
    seed: number,
    opts: FaultProxyOptions,
  ) {
    this.random = mulberry32(seed);
    const handler = (req: IncomingMessage, res: ServerResponse) => this.handle(req, res);
    this.server = opts.tls ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }, handler) : createServer(handler);
    // A client that refuses our certificate drops the connection mid-handshake.
    this.server.on('tlsClientError', () => undefined);
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  static async start(upstreamEndpoint: string, seed = 1, opts: FaultProxyOptions = {}): Promise<FaultProxy> {
    const proxy = new FaultProxy(Number(new URL(upstreamEndpoint).port), seed, opts);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.endpoint = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
    return proxy;
  }

  add(rule: FaultRule): this {
    this.rules.push({ ...rule, matched: 0, hit: 0 });
    return this;
  }

  clear(): this {
    this.rules = [];
    return this;
  }

  totalInjected(): number {
    return Object.values(this.injected).reduce((a, b) => a + b, 0);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private pick(req: IncomingMessage): ActiveRule | undefined {
    const url = decodeURIComponent(req.url ?? '');
    const path = url.split('?')[0];
    if (this.maxPerKey !== undefined && (this.faultsByKey.get(path) ?? 0) >= this.maxPerKey) return undefined;
    const rule = this.pickRule(req, url);
    if (rule && this.maxPerKey !== undefined) this.faultsByKey.set(path, (this.faultsByKey.get(path) ?? 0) + 1);
    return rule;
  }

  private pickRule(req: IncomingMessage, url: string): ActiveRule | undefined {
    for (const r of this.rules) {
      if (r.method && r.method !== req.method) continue;
      if (r.url && !r.url.test(url)) continue;
      r.matched++;
      let fire: boolean;
      if (r.nth !== undefined) fire = r.matched === r.nth;
      else if (r.rate !== undefined) fire = this.random() < r.rate && (r.times === undefined || r.hit < r.times);
      else fire = r.hit < (r.times ?? 1);
      if (fire) {
        r.hit++;
        return r;
      }
    }
    return undefined;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.requests[req.method ?? '?'] = (this.requests[req.method ?? '?'] ?? 0) + 1;
    const rule = this.pick(req);
    if (rule) this.injected[rule.fault]++;
    switch (rule?.fault) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'error500':
        return this.reply(req, res, 500, 'InternalError', 'We encountered an internal error. Please try again.');
      case 'slowdown':
        return this.reply(req, res, 503, 'SlowDown', 'Please reduce your request rate.');
      case 'stall':
        // Read the request, answer nothing: the client's timeout must fire.
        req.resume();
        return;
      default:
        this.forward(req, res, rule);
    }
  }

  private reply(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string): void {
    req.resume();
    req.on('end', () => {
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
      res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  }

  private forward(req: IncomingMessage, res: ServerResponse, rule: ActiveRule | undefined): void {
    const up = request({ host: '127.0.0.1', port: this.upstreamPort, method: req.method, path: req.url, headers: req.headers });
    up.on('error', () => res.destroy());
    req.pipe(up);
    up.on('response', (r) => {
      if (rule?.fault === 'hold') {
        // The upstream has answered, so the request took effect: count it, answer nothing.
        this.held++;
        r.resume();
        return;
      }
      if (rule?.fault === 'truncate') {
        // Bodies sent chunked (Ceph RGW's listings) have no length to halve: cut after 100 bytes.
        const declared = r.headers['content-length'] === undefined ? 200 : Number(r.headers['content-length']);
        res.writeHead(r.statusCode ?? 502, r.headers);
        let sent = 0;
        const limit = Math.floor(declared / 2);
        r.on('data', (c: Buffer) => {
          if (sent >= limit) return;
          const part = c.subarray(0, limit - sent);
          sent += part.length;
          res.write(part);
          if (sent >= limit) {
            r.destroy();
            res.socket?.destroy();
          }
        });
        r.on('end', () => res.socket?.destroy());
        return;
      }
      if (rule?.fault === 'rewrite' && rule.rewrite) {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => {
          const body = Buffer.from(rule.rewrite!(Buffer.concat(chunks).toString('utf8')));
          const { 'transfer-encoding': _chunked, ...headers } = r.headers;
          res.writeHead(r.statusCode ?? 502, { ...headers, 'content-length': body.length });
          res.end(body);
        });
        return;
      }
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
  }
}
