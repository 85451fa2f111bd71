"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RequestScope = void 0;
exports.destroyOnAbort = destroyOnAbort;
exports.requestController = requestController;
exports.withRequestScope = withRequestScope;
const node_events_1 = require("node:events");
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
function destroyOnAbort(stream, signal) {
    if (!signal)
        return;
    if (signal.aborted) {
        process.nextTick(() => stream.destroy(signal.reason));
        return;
    }
    const onAbort = () => stream.destroy(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    stream.once('close', () => signal.removeEventListener('abort', onAbort));
}
/**
 * A controller for one operation's requests: `jobs` of them in flight at once may each
 * add a listener to its signal (the SDK does, and removes it when the request ends).
 * Node warns past 10 listeners to catch leaks; here the count is bounded by `jobs` by
 * construction, so the limit is that bound, and a real leak still warns.
 */
function requestController(jobs) {
    const controller = new AbortController();
    (0, node_events_1.setMaxListeners)(Math.max(10, jobs + 2), controller.signal);
    return controller;
}
/**
 * requestController() that also follows `parent` for as long as the operation runs:
 * aborted with the parent's reason, and detached from it by `close()`. For functions and
 * generators that fan out; streams use destroyOnAbort().
 */
class RequestScope {
    parent;
    controller;
    onAbort = () => this.controller.abort(this.parent.reason);
    constructor(parent, jobs) {
        this.parent = parent;
        this.controller = requestController(jobs);
        if (parent?.aborted)
            this.controller.abort(parent.reason);
        else
            parent?.addEventListener('abort', this.onAbort, { once: true });
    }
    get signal() {
        return this.controller.signal;
    }
    /** Detach from the parent; call once, when the operation is over. */
    close() {
        this.parent?.removeEventListener('abort', this.onAbort);
    }
}
exports.RequestScope = RequestScope;
/** Run `fn` inside a RequestScope of `parent`, closed however `fn` ends. */
async function withRequestScope(parent, jobs, fn) {
    const scope = new RequestScope(parent, jobs);
    try {
        return await fn(scope.signal);
    }
    finally {
        scope.close();
    }
}
