import { createHash } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Transform } from 'node:stream';
import { mulberry32 } from './data';

/**
 * A real HTTP proxy in front of a real S3 server that injects faults: connection
 * resets, 500 InternalError, 503 SlowDown, stalls past the client's timeout, bodies cut
 * short, a wrong ETag on a stored object, rewritten response bodies, and listing pages
 * shuffled, served twice or out of order. Requests it leaves alone are forwarded byte
 * for byte, Host header included, so signatures still verify.
 * With `tls` it listens for https (a client must trust `tls.cert`), forwarding in plain
 * http, so a test gets an https endpoint in front of a server that has none.
 */

/**
 * `stall` swallows the request (the upstream never sees it); `hold` forwards it, lets the
 * upstream complete it, and never answers: the client cannot tell whether it landed.
 * `delay` keeps the request from the upstream until `releaseDelayed()`, then forwards it:
 * a request that lands late, after others sent later (a slow path, a congested link).
 * `etag` forwards it (the upstream stores the body) and answers with another ETag, as a
 * store that kept different bytes would. The listing faults act on pages the proxy
 * serves itself (see `listPageSize`): `shuffle` sends a page's entries in random order,
 * `replay` sends the page served before again, verbatim (its keys and its continuation
 * token repeat), `reorder` sends the next page first and this one after it.
 * `answer` replies itself with `status`, an S3 error `code` and `headers` (an archived
 * object's InvalidObjectState, a redirect); `headers` forwards the request and adds
 * `headers` to the upstream's answer (a HEAD showing another storage class).
 * `flip` forwards the request with one byte of its body inverted, headers (and so the
 * signature) untouched: a bit error no TCP checksum caught, which only a server that
 * checks the body against a hash (Content-MD5, the signed SHA-256) can refuse.
 */
export type Fault = 'reset' | 'error500' | 'slowdown' | 'stall' | 'hold' | 'delay' | 'truncate' | 'rewrite' | 'etag' | 'answer' | 'headers' | 'flip' | ListFault;
export type ListFault = 'shuffle' | 'replay' | 'reorder';

/** ListObjectsV2 requests. */
export const LIST_URL = /[?&]list-type=2(&|$)/;
const ENTRY = /<(Contents|CommonPrefixes)>[\s\S]*?<\/\1>/g;
const PAGE_CHAIN = /<(IsTruncated|NextContinuationToken|ContinuationToken|KeyCount)>[^<]*<\/\1>/g;

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
  /** For `answer`: the status and S3 error code sent. */
  status?: number;
  code?: string;
  /** For `answer` and `headers`: headers sent with the answer. */
  headers?: Record<string, string>;
}

interface ActiveRule extends FaultRule {
  matched: number;
  hit: number;
}

/** One upstream ListObjectsV2 answer, cut into the pages the proxy serves. */
interface Listing {
  headers: IncomingHttpHeaders;
  /** The upstream body without its entries and page-chain elements, split where a page's go. */
  frame: [string, string];
  pages: string[][];
  /** The upstream's own chain, carried on by the last page. */
  truncated: boolean;
  token?: string;
  /** The body of the page served last, for `replay`. */
  lastBody?: string;
}

/** What a continuation token of the proxy's stands for: the page to serve, and the one after it. */
interface PageRef {
  listing: Listing;
  page: number;
  after: number;
}

// These change an answer only when it has something to change (an ETag, a page before or
// after this one): counted where they do, so the counts are faults the client really saw.
const COUNTED_WHEN_APPLIED = new Set<Fault>(['etag', 'shuffle', 'replay', 'reorder']);


export class FaultProxy {
  endpoint = '';
  /** Faults injected so far, by kind. */
  readonly injected: Record<Fault, number> = {
    reset: 0, error500: 0, slowdown: 0, stall: 0, hold: 0, delay: 0, truncate: 0, rewrite: 0, etag: 0, answer: 0, headers: 0, flip: 0, shuffle: 0, replay: 0, reorder: 0,
  };
  /** Requests the upstream completed under a `hold` fault (their replies never sent). */
  held = 0;
  /** The headers of each request a `flip` fault corrupted, in order (which checksums it carried). */
  readonly flipped: IncomingHttpHeaders[] = [];
  private readonly delayed: (() => void)[] = [];
  /**
   * Serve each ListObjectsV2 answer in pages of this many entries (a server may always
   * send fewer keys than asked for). The first request of a listing goes upstream
   * unchanged; the proxy serves the rest of that answer itself, under its own continuation
   * tokens. Rewriting max-keys in the query instead would break the request's SigV4
   * signature on a server that checks it (s3rver checks none, so it would prove nothing).
   */
  listPageSize?: number;
  private readonly pageRefs = new Map<string, PageRef>();
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

  /** Forward the requests a `delay` fault kept back. */
  releaseDelayed(): void {
    for (const forward of this.delayed.splice(0)) forward();
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
    if (rule && !COUNTED_WHEN_APPLIED.has(rule.fault)) this.injected[rule.fault]++;
    switch (rule?.fault) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'error500':
        return this.reply(req, res, 500, 'InternalError', 'We encountered an internal error. Please try again.');
      case 'slowdown':
        return this.reply(req, res, 503, 'SlowDown', 'Please reduce your request rate.');
      case 'answer':
        return this.reply(req, res, rule.status ?? 400, rule.code ?? 'InvalidRequest', `injected by the fault proxy`, rule.headers);
      case 'stall':
        // Read the request, answer nothing: the client's timeout must fire.
        req.resume();
        return;
      case 'delay':
        this.delayed.push(() => this.forward(req, res, undefined));
        return;
      default: {
        const ref = this.pageRef(req);
        if (!ref) return this.forward(req, res, rule);
        req.resume();
        // A page of ours has no upstream request to complete: held, it is just never sent.
        if (rule?.fault === 'hold') this.held++;
        else this.servePage(res, ref, rule);
      }
    }
  }

  private reply(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
    req.resume();
    req.on('end', () => {
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
      res.writeHead(status, { ...headers, 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  }

  private forward(req: IncomingMessage, res: ServerResponse, rule: ActiveRule | undefined): void {
    const up = request({ host: '127.0.0.1', port: this.upstreamPort, method: req.method, path: req.url, headers: req.headers });
    up.on('error', () => res.destroy());
    if (rule?.fault === 'flip') {
      this.flipped.push(req.headers);
      req.pipe(flipOneByte()).pipe(up);
    } else {
      req.pipe(up);
    }
    up.on('response', (r) => {
      if (rule?.fault === 'hold') {
        // The upstream has answered, so the request took effect: count it, answer nothing.
        this.held++;
        r.resume();
        return;
      }
      const status = r.statusCode ?? 502;
      if (this.listPageSize && status === 200 && req.method === 'GET' && LIST_URL.test(req.url ?? '')) {
        collect(r, (body) => this.servePage(res, { listing: this.paginate(body, r.headers), page: 0, after: 1 }, rule));
        return;
      }
      if (rule?.fault === 'truncate') {
        // Bodies sent chunked (Ceph RGW's listings) have no length to halve: cut after 100 bytes.
        const declared = r.headers['content-length'] === undefined ? 200 : Number(r.headers['content-length']);
        res.writeHead(status, r.headers);
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
      if (rule?.fault === 'rewrite') {
        collect(r, (body) => this.send(res, status, r.headers, body, rule));
        return;
      }
      res.writeHead(status, rule?.fault === 'etag' ? this.wrongEtag(r.headers) : rule?.fault === 'headers' ? { ...r.headers, ...rule.headers } : r.headers);
      r.pipe(res);
    });
  }

  /** The upstream's headers with a different ETag (a valid MD5 in form, of other bytes). */
  private wrongEtag(headers: IncomingHttpHeaders): IncomingHttpHeaders {
    if (!headers.etag) return headers;
    this.injected.etag++;
    return { ...headers, etag: `"${createHash('md5').update(headers.etag).digest('hex')}"` };
  }

  /** A body the proxy holds whole, sent with its `rewrite` or `truncate` fault applied. */
  private send(res: ServerResponse, status: number, headers: IncomingHttpHeaders, text: string, rule: ActiveRule | undefined): void {
    const body = Buffer.from(rule?.fault === 'rewrite' && rule.rewrite ? rule.rewrite(text) : text);
    const { 'transfer-encoding': _chunked, 'content-length': _length, ...rest } = headers;
    res.writeHead(status, { ...rest, 'content-length': body.length });
    if (rule?.fault === 'truncate') res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy());
    else res.end(body);
  }

  private paginate(body: string, headers: IncomingHttpHeaders): Listing {
    // Keys and common prefixes come as two lists: pages of one listing go in S3's order.
    const entries = (body.match(ENTRY) ?? []).sort((a, b) => Buffer.compare(entryName(a), entryName(b)));
    const pages: string[][] = [];
    for (let i = 0; i < entries.length; i += this.listPageSize!) pages.push(entries.slice(i, i + this.listPageSize!));
    const rest = body.replace(ENTRY, '').replace(PAGE_CHAIN, '');
    const end = rest.lastIndexOf('</ListBucketResult>');
    return {
      headers,
      frame: [rest.slice(0, end), rest.slice(end)],
      pages: pages.length ? pages : [[]],
      truncated: /<IsTruncated>true</.test(body),
      token: /<NextContinuationToken>([^<]*)</.exec(body)?.[1],
    };
  }

  /** The page a request's continuation token of ours stands for. */
  private pageRef(req: IncomingMessage): PageRef | undefined {
    if (!this.pageRefs.size || req.method !== 'GET') return undefined;
    const token = new URL(req.url ?? '', 'http://proxy').searchParams.get('continuation-token');
    return token === null ? undefined : this.pageRefs.get(token);
  }

  private servePage(res: ServerResponse, ref: PageRef, rule: ActiveRule | undefined): void {
    const { listing, page, after } = ref;
    if (rule?.fault === 'replay' && listing.lastBody !== undefined) {
      this.injected.replay++;
      return this.send(res, 200, listing.headers, listing.lastBody, rule);
    }
    // Normally this page, then the one after it; reordered, that one first, then this one.
    let shown = page;
    let next: Omit<PageRef, 'listing'> = { page: after, after: after + 1 };
    if (rule?.fault === 'reorder' && after < listing.pages.length) {
      this.injected.reorder++;
      shown = after;
      next = { page, after: after + 1 };
    }
    const entries = [...listing.pages[shown]];
    if (rule?.fault === 'shuffle' && entries.length > 1) {
      this.injected.shuffle++;
      // Sattolo's shuffle: every entry moves, so a shuffled page is never in order by chance.
      for (let i = entries.length - 1; i > 0; i--) {
        const j = Math.floor(this.random() * i);
        [entries[i], entries[j]] = [entries[j], entries[i]];
      }
    }
    let token = listing.token;
    const more = next.page < listing.pages.length;
    if (more) {
      token = `pipekit-page-${this.pageRefs.size + 1}`;
      this.pageRefs.set(token, { listing, ...next });
    }
    const chain = `<KeyCount>${entries.length}</KeyCount><IsTruncated>${more || listing.truncated}</IsTruncated>${token ? `<NextContinuationToken>${token}</NextContinuationToken>` : ''}`;
    listing.lastBody = `${listing.frame[0]}${chain}${entries.join('')}${listing.frame[1]}`;
    this.send(res, 200, listing.headers, listing.lastBody, rule);
  }
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The key or prefix of a listing entry, as S3 orders it: UTF-8 bytes. */
function entryName(entry: string): Buffer {
  const xml = /<(?:Key|Prefix)>([^<]*)</.exec(entry)?.[1] ?? '';
  return Buffer.from(
    xml.replace(/&(?:#x([0-9a-f]+)|#(\d+)|(\w+));/gi, (m, hex?: string, dec?: string, name?: string) =>
      hex ? String.fromCodePoint(parseInt(hex, 16)) : dec ? String.fromCodePoint(Number(dec)) : (XML_ENTITIES[name!] ?? m),
    ),
  );
}

/** Inverts the first byte of the body's first piece, passing everything else through. */
function flipOneByte(): Transform {
  let flipped = false;
  return new Transform({
    transform(piece: Buffer, _enc, done) {
      if (!flipped && piece.length) {
        piece = Buffer.from(piece);
        piece[0] ^= 0xff;
        flipped = true;
      }
      done(null, piece);
    },
  });
}

function collect(r: IncomingMessage, done: (body: string) => void): void {
  const chunks: Buffer[] = [];
  r.on('data', (c: Buffer) => chunks.push(c));
  r.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
}
