"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.FaultProxy = exports.LIST_URL = void 0;
const node_crypto_1 = require("node:crypto");
const node_http_1 = require("node:http");
const node_https_1 = require("node:https");
const data_1 = require("./data");
/** ListObjectsV2 requests. */
exports.LIST_URL = /[?&]list-type=2(&|$)/;
const ENTRY = /<(Contents|CommonPrefixes)>[\s\S]*?<\/\1>/g;
const PAGE_CHAIN = /<(IsTruncated|NextContinuationToken|ContinuationToken|KeyCount)>[^<]*<\/\1>/g;
// These change an answer only when it has something to change (an ETag, a page before or
// after this one): counted where they do, so the counts are faults the client really saw.
const COUNTED_WHEN_APPLIED = new Set(['etag', 'shuffle', 'replay', 'reorder']);
class FaultProxy {
    upstreamPort;
    endpoint = '';
    /** Faults injected so far, by kind. */
    injected = {
        reset: 0, error500: 0, slowdown: 0, stall: 0, hold: 0, delay: 0, truncate: 0, rewrite: 0, etag: 0, shuffle: 0, replay: 0, reorder: 0,
    };
    /** Requests the upstream completed under a `hold` fault (their replies never sent). */
    held = 0;
    delayed = [];
    /**
     * Serve each ListObjectsV2 answer in pages of this many entries (a server may always
     * send fewer keys than asked for). The first request of a listing goes upstream
     * unchanged; the proxy serves the rest of that answer itself, under its own continuation
     * tokens. Rewriting max-keys in the query instead would break the request's SigV4
     * signature on a server that checks it (s3rver checks none, so it would prove nothing).
     */
    listPageSize;
    pageRefs = new Map();
    /**
     * At most this many faults for any one key (URL path), over all rules: with fault rates,
     * every request then succeeds within maxPerKey + 1 attempts, whatever the interleaving.
     */
    maxPerKey;
    faultsByKey = new Map();
    /** Requests seen, by method. */
    requests = {};
    rules = [];
    server;
    sockets = new Set();
    random;
    constructor(upstreamPort, seed, opts) {
        this.upstreamPort = upstreamPort;
        this.random = (0, data_1.mulberry32)(seed);
        const handler = (req, res) => this.handle(req, res);
        this.server = opts.tls ? (0, node_https_1.createServer)({ key: opts.tls.key, cert: opts.tls.cert }, handler) : (0, node_http_1.createServer)(handler);
        // A client that refuses our certificate drops the connection mid-handshake.
        this.server.on('tlsClientError', () => undefined);
        this.server.on('connection', (s) => {
            this.sockets.add(s);
            s.on('close', () => this.sockets.delete(s));
        });
    }
    static async start(upstreamEndpoint, seed = 1, opts = {}) {
        const proxy = new FaultProxy(Number(new URL(upstreamEndpoint).port), seed, opts);
        await new Promise((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
        proxy.endpoint = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${proxy.server.address().port}`;
        return proxy;
    }
    add(rule) {
        this.rules.push({ ...rule, matched: 0, hit: 0 });
        return this;
    }
    clear() {
        this.rules = [];
        return this;
    }
    /** Forward the requests a `delay` fault kept back. */
    releaseDelayed() {
        for (const forward of this.delayed.splice(0))
            forward();
    }
    totalInjected() {
        return Object.values(this.injected).reduce((a, b) => a + b, 0);
    }
    async close() {
        for (const s of this.sockets)
            s.destroy();
        await new Promise((resolve) => this.server.close(resolve));
    }
    pick(req) {
        const url = decodeURIComponent(req.url ?? '');
        const path = url.split('?')[0];
        if (this.maxPerKey !== undefined && (this.faultsByKey.get(path) ?? 0) >= this.maxPerKey)
            return undefined;
        const rule = this.pickRule(req, url);
        if (rule && this.maxPerKey !== undefined)
            this.faultsByKey.set(path, (this.faultsByKey.get(path) ?? 0) + 1);
        return rule;
    }
    pickRule(req, url) {
        for (const r of this.rules) {
            if (r.method && r.method !== req.method)
                continue;
            if (r.url && !r.url.test(url))
                continue;
            r.matched++;
            let fire;
            if (r.nth !== undefined)
                fire = r.matched === r.nth;
            else if (r.rate !== undefined)
                fire = this.random() < r.rate && (r.times === undefined || r.hit < r.times);
            else
                fire = r.hit < (r.times ?? 1);
            if (fire) {
                r.hit++;
                return r;
            }
        }
        return undefined;
    }
    handle(req, res) {
        this.requests[req.method ?? '?'] = (this.requests[req.method ?? '?'] ?? 0) + 1;
        const rule = this.pick(req);
        if (rule && !COUNTED_WHEN_APPLIED.has(rule.fault))
            this.injected[rule.fault]++;
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
            case 'delay':
                this.delayed.push(() => this.forward(req, res, undefined));
                return;
            default: {
                const ref = this.pageRef(req);
                if (!ref)
                    return this.forward(req, res, rule);
                req.resume();
                // A page of ours has no upstream request to complete: held, it is just never sent.
                if (rule?.fault === 'hold')
                    this.held++;
                else
                    this.servePage(res, ref, rule);
            }
        }
    }
    reply(req, res, status, code, message) {
        req.resume();
        req.on('end', () => {
            const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
            res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
            res.end(body);
        });
    }
    forward(req, res, rule) {
        const up = (0, node_http_1.request)({ host: '127.0.0.1', port: this.upstreamPort, method: req.method, path: req.url, headers: req.headers });
        up.on('error', () => res.destroy());
        req.pipe(up);
        up.on('response', (r) => {
            if (rule?.fault === 'hold') {
                // The upstream has answered, so the request took effect: count it, answer nothing.
                this.held++;
                r.resume();
                return;
            }
            const status = r.statusCode ?? 502;
            if (this.listPageSize && status === 200 && req.method === 'GET' && exports.LIST_URL.test(req.url ?? '')) {
                collect(r, (body) => this.servePage(res, { listing: this.paginate(body, r.headers), page: 0, after: 1 }, rule));
                return;
            }
            if (rule?.fault === 'truncate') {
                // Bodies sent chunked (Ceph RGW's listings) have no length to halve: cut after 100 bytes.
                const declared = r.headers['content-length'] === undefined ? 200 : Number(r.headers['content-length']);
                res.writeHead(status, r.headers);
                let sent = 0;
                const limit = Math.floor(declared / 2);
                r.on('data', (c) => {
                    if (sent >= limit)
                        return;
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
            res.writeHead(status, rule?.fault === 'etag' ? this.wrongEtag(r.headers) : r.headers);
            r.pipe(res);
        });
    }
    /** The upstream's headers with a different ETag (a valid MD5 in form, of other bytes). */
    wrongEtag(headers) {
        if (!headers.etag)
            return headers;
        this.injected.etag++;
        return { ...headers, etag: `"${(0, node_crypto_1.createHash)('md5').update(headers.etag).digest('hex')}"` };
    }
    /** A body the proxy holds whole, sent with its `rewrite` or `truncate` fault applied. */
    send(res, status, headers, text, rule) {
        const body = Buffer.from(rule?.fault === 'rewrite' && rule.rewrite ? rule.rewrite(text) : text);
        const { 'transfer-encoding': _chunked, 'content-length': _length, ...rest } = headers;
        res.writeHead(status, { ...rest, 'content-length': body.length });
        if (rule?.fault === 'truncate')
            res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy());
        else
            res.end(body);
    }
    paginate(body, headers) {
        // Keys and common prefixes come as two lists: pages of one listing go in S3's order.
        const entries = (body.match(ENTRY) ?? []).sort((a, b) => Buffer.compare(entryName(a), entryName(b)));
        const pages = [];
        for (let i = 0; i < entries.length; i += this.listPageSize)
            pages.push(entries.slice(i, i + this.listPageSize));
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
    pageRef(req) {
        if (!this.pageRefs.size || req.method !== 'GET')
            return undefined;
        const token = new URL(req.url ?? '', 'http://proxy').searchParams.get('continuation-token');
        return token === null ? undefined : this.pageRefs.get(token);
    }
    servePage(res, ref, rule) {
        const { listing, page, after } = ref;
        if (rule?.fault === 'replay' && listing.lastBody !== undefined) {
            this.injected.replay++;
            return this.send(res, 200, listing.headers, listing.lastBody, rule);
        }
        // Normally this page, then the one after it; reordered, that one first, then this one.
        let shown = page;
        let next = { page: after, after: after + 1 };
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
exports.FaultProxy = FaultProxy;
const XML_ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/** The key or prefix of a listing entry, as S3 orders it: UTF-8 bytes. */
function entryName(entry) {
    const xml = /<(?:Key|Prefix)>([^<]*)</.exec(entry)?.[1] ?? '';
    return Buffer.from(xml.replace(/&(?:#x([0-9a-f]+)|#(\d+)|(\w+));/gi, (m, hex, dec, name) => hex ? String.fromCodePoint(parseInt(hex, 16)) : dec ? String.fromCodePoint(Number(dec)) : (XML_ENTITIES[name] ?? m)));
}
function collect(r, done) {
    const chunks = [];
    r.on('data', (c) => chunks.push(c));
    r.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
}
