/**
 * The one wrapper every FUSE operation handler goes through. Exceptions inside FUSE
 * handlers vanish without a trace (the 2008 lesson), and with fuse-native they do worse:
 * a throw kills the process and leaves a stale mount, and a handler that never answers
 * makes the caller wait ~15 s for ETIMEDOUT. So each handler is wrapped: a sync throw,
 * an async rejection or a missing answer becomes one log record and an EIO answer.
 */
/** Linux errno values as fuse-native wants them (negative). */
export declare const EIO = -5;
export declare const EROFS = -30;
export declare const ENOENT = -2;
export declare const ENOTDIR = -20;
export declare const EISDIR = -21;
/** One failed operation, as written to the log (one JSON line per record). */
export interface FaultRecord {
    /** ISO 8601 time the failure was noticed. */
    time: string;
    op: string;
    /** The handler's arguments, buffers summarised as `<Buffer N bytes>`. */
    args: unknown[];
    error: string;
    stack?: string;
    /** How the handler failed. */
    kind: 'throw' | 'reject' | 'timeout';
    /** Thrown on purpose by --inject-errors. */
    injected: boolean;
}
export interface SafeOptions {
    /** Receives one record per failure; must not throw (a throw here is swallowed). */
    onFault: (record: FaultRecord) => void;
    /** Answer EIO when a handler has not called back after this many ms. Default 5000. */
    timeoutMs?: number;
}
export declare const DEFAULT_OP_TIMEOUT_MS = 5000;
type Handler = (...args: any[]) => unknown;
/** Thrown by {@link injectFaults}; marks log records `injected: true`. */
export declare class InjectedFault extends Error {
    constructor(op: string);
}
/** Wrap one handler (callback last) so it always answers exactly once, with EIO on failure. */
export declare function safeHandler<H extends Handler>(op: string, handler: H, opts: SafeOptions): H;
/**
 * Wrap every handler of a fuse-native operations table with {@link safeHandler}: a throw,
 * a rejection or silence becomes a record and EIO.
 */
export declare function safeOperations<T extends object>(ops: T, opts: SafeOptions): T;
/**
 * Make handlers fail at random, for testing the wrapper and the callers: with
 * probability `rate` a call throws (even calls) or rejects (odd calls) an
 * {@link InjectedFault} instead of running. `init` is spared so the mount comes up.
 */
export declare function injectFaults<T extends object>(ops: T, rate: number, random?: () => number): {
    ops: T;
    injected: () => number;
};
export {};
