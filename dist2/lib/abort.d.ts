import type { Readable, Writable } from 'node:stream';
/**
 * The abort wiring every stream and fan-out shares. A caller's signal lives long (a
 * filter's SIGINT signal, an application's shutdown signal) and sees many streams and
 * requests come and go: each may listen to it only while it is alive. Listeners that
 * outlived their streams are what printed `MaxListenersExceededWarning` under
 * `s3rm -r` of a dozen prefixes.
 */
/**
 * Destroy `stream` with the signal's reason when the signal aborts; the listener is
 * removed once the stream closes. An already aborted signal destroys it on the next tick
 * (never inside a constructor, before a subclass has set its fields).
 */
export declare function destroyOnAbort(stream: Readable | Writable, signal: AbortSignal | undefined): void;
/**
 * A controller for one operation's requests: `jobs` of them in flight at once may each
 * add a listener to its signal (the SDK does, and removes it when the request ends).
 * Node warns past 10 listeners to catch leaks; here the count is bounded by `jobs` by
 * construction, so the limit is that bound, and a real leak still warns.
 */
export declare function requestController(jobs: number): AbortController;
/**
 * requestController() that also follows `parent` for as long as the operation runs:
 * aborted with the parent's reason, and detached from it by `close()`. For functions and
 * generators that fan out; streams use destroyOnAbort().
 */
export declare class RequestScope {
    private readonly parent;
    private readonly controller;
    private readonly onAbort;
    constructor(parent: AbortSignal | undefined, jobs: number);
    get signal(): AbortSignal;
    /** Detach from the parent; call once, when the operation is over. */
    close(): void;
}
/** Run `fn` inside a RequestScope of `parent`, closed however `fn` ends. */
export declare function withRequestScope<T>(parent: AbortSignal | undefined, jobs: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
