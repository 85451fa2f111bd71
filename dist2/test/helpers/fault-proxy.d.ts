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
 */
export type Fault = 'reset' | 'error500' | 'slowdown' | 'stall' | 'hold' | 'delay' | 'truncate' | 'rewrite' | 'etag' | ListFault;
export type ListFault = 'shuffle' | 'replay' | 'reorder';
/** ListObjectsV2 requests. */
export declare const LIST_URL: RegExp;
export interface FaultProxyOptions {
    /** Serve https with this PEM key and certificate. */
    tls?: {
        key: string | Buffer;
        cert: string | Buffer;
    };
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
export declare class FaultProxy {
    private readonly upstreamPort;
    endpoint: string;
    /** Faults injected so far, by kind. */
    readonly injected: Record<Fault, number>;
    /** Requests the upstream completed under a `hold` fault (their replies never sent). */
    held: number;
    private readonly delayed;
    /**
     * Serve each ListObjectsV2 answer in pages of this many entries (a server may always
     * send fewer keys than asked for). The first request of a listing goes upstream
     * unchanged; the proxy serves the rest of that answer itself, under its own continuation
     * tokens. Rewriting max-keys in the query instead would break the request's SigV4
     * signature on a server that checks it (s3rver checks none, so it would prove nothing).
     */
    listPageSize?: number;
    private readonly pageRefs;
    /**
     * At most this many faults for any one key (URL path), over all rules: with fault rates,
     * every request then succeeds within maxPerKey + 1 attempts, whatever the interleaving.
     */
    maxPerKey?: number;
    private readonly faultsByKey;
    /** Requests seen, by method. */
    readonly requests: Record<string, number>;
    private rules;
    private readonly server;
    private readonly sockets;
    private readonly random;
    private constructor();
    static start(upstreamEndpoint: string, seed?: number, opts?: FaultProxyOptions): Promise<FaultProxy>;
    add(rule: FaultRule): this;
    clear(): this;
    /** Forward the requests a `delay` fault kept back. */
    releaseDelayed(): void;
    totalInjected(): number;
    close(): Promise<void>;
    private pick;
    private pickRule;
    private handle;
    private reply;
    private forward;
    /** The upstream's headers with a different ETag (a valid MD5 in form, of other bytes). */
    private wrongEtag;
    /** A body the proxy holds whole, sent with its `rewrite` or `truncate` fault applied. */
    private send;
    private paginate;
    /** The page a request's continuation token of ours stands for. */
    private pageRef;
    private servePage;
}
