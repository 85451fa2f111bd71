"use strict";
/**
 * The one wrapper every FUSE operation handler goes through. Exceptions inside FUSE
 * handlers vanish without a trace (the 2008 lesson), and with fuse-native they do worse:
 * a throw kills the process and leaves a stale mount, and a handler that never answers
 * makes the caller wait ~15 s for ETIMEDOUT. So each handler is wrapped: a sync throw,
 * an async rejection or a missing answer becomes one log record and an EIO answer.
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.InjectedFault = exports.DEFAULT_OP_TIMEOUT_MS = exports.EISDIR = exports.ENOTDIR = exports.ENOENT = exports.EROFS = exports.EIO = void 0;
exports.safeHandler = safeHandler;
exports.safeOperations = safeOperations;
exports.injectFaults = injectFaults;
/** Linux errno values as fuse-native wants them (negative). */
exports.EIO = -5;
exports.EROFS = -30;
exports.ENOENT = -2;
exports.ENOTDIR = -20;
exports.EISDIR = -21;
exports.DEFAULT_OP_TIMEOUT_MS = 5000;
/** Thrown by {@link injectFaults}; marks log records `injected: true`. */
class InjectedFault extends Error {
    constructor(op) {
        super(`injected fault in ${op}`);
        this.name = 'InjectedFault';
    }
}
exports.InjectedFault = InjectedFault;
function summarise(arg) {
    if (Buffer.isBuffer(arg))
        return `<Buffer ${arg.length} bytes>`;
    if (typeof arg === 'function')
        return '<callback>';
    return arg;
}
/** Wrap one handler (callback last) so it always answers exactly once, with EIO on failure. */
function safeHandler(op, handler, opts) {
    const timeoutMs = opts.timeoutMs ?? exports.DEFAULT_OP_TIMEOUT_MS;
    const wrapped = (...args) => {
        const cb = args.pop();
        let answered = false;
        const record = (err, kind) => {
            try {
                opts.onFault({
                    time: new Date().toISOString(),
                    op,
                    args: args.map(summarise),
                    error: err instanceof Error ? err.message : String(err),
                    stack: err instanceof Error ? err.stack : undefined,
                    kind,
                    injected: err instanceof InjectedFault,
                });
            }
            catch {
                // A broken log must not take the mount down with it.
            }
        };
        const answer = (...result) => {
            if (answered)
                return;
            answered = true;
            clearTimeout(timer);
            cb(...result);
        };
        const fail = (err, kind) => {
            // A failure after the answer is still logged: it is a bug, just not the caller's.
            record(err, kind);
            answer(exports.EIO);
        };
        const timer = setTimeout(() => fail(new Error(`${op}: no answer within ${timeoutMs} ms`), 'timeout'), timeoutMs);
        try {
            const result = handler(...args, answer);
            if (result && typeof result.then === 'function') {
                result.then(undefined, (err) => fail(err, 'reject'));
            }
        }
        catch (err) {
            fail(err, 'throw');
        }
    };
    return wrapped;
}
/**
 * Wrap every handler of a fuse-native operations table with {@link safeHandler}: a throw,
 * a rejection or silence becomes a record and EIO.
 */
function safeOperations(ops, opts) {
    const out = {};
    for (const [op, handler] of Object.entries(ops)) {
        if (typeof handler === 'function')
            out[op] = safeHandler(op, handler, opts);
    }
    return out;
}
/**
 * Make handlers fail at random, for testing the wrapper and the callers: with
 * probability `rate` a call throws (even calls) or rejects (odd calls) an
 * {@link InjectedFault} instead of running. `init` is spared so the mount comes up.
 */
function injectFaults(ops, rate, random = Math.random) {
    let count = 0;
    const out = {};
    for (const [op, handler] of Object.entries(ops)) {
        if (typeof handler !== 'function')
            continue;
        out[op] =
            op === 'init'
                ? handler
                : (...args) => {
                    if (rate > 0 && random() < rate) {
                        count++;
                        if (count % 2 === 0)
                            throw new InjectedFault(op);
                        return Promise.reject(new InjectedFault(op));
                    }
                    return handler(...args);
                };
    }
    return { ops: out, injected: () => count };
}
