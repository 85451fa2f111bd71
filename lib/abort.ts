import { setMaxListeners } from 'node:events';
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
export function destroyOnAbort(stream: Readable | Writable, signal: AbortSignal | undefined): void {
  if (!signal) return;
  if (signal.aborted) {
    process.nextTick(() => stream.destroy(signal.reason as Error));
    return;
  }
  const onAbort = () => stream.destroy(signal.reason as Error);
  signal.addEventListener('abort', onAbort, { once: true });
  stream.once('close', () => signal.removeEventListener('abort', onAbort));
}

/**
 * A controller for one operation's requests: `jobs` of them in flight at once may each
 * add a listener to its signal (the SDK does, and removes it when the request ends).
 * Node warns past 10 listeners to catch leaks; here the count is bounded by `jobs` by
 * construction, so the limit is that bound, and a real leak still warns.
 */
export function requestController(jobs: number): AbortController {
  const controller = new AbortController();
  setMaxListeners(Math.max(10, jobs + 2), controller.signal);
  return controller;
}

/**
 * requestController() that also follows `parent` for as long as the operation runs:
 * aborted with the parent's reason, and detached from it by `close()`. For functions and
 * generators that fan out; streams use destroyOnAbort().
 */
export class RequestScope {
  private readonly controller: AbortController;
  private readonly onAbort = () => this.controller.abort(this.parent!.reason);

  constructor(
    private readonly parent: AbortSignal | undefined,
    jobs: number,
  ) {
    this.controller = requestController(jobs);
    if (parent?.aborted) this.controller.abort(parent.reason);
    else parent?.addEventListener('abort', this.onAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Detach from the parent; call once, when the operation is over. */
  close(): void {
    this.parent?.removeEventListener('abort', this.onAbort);
  }
}

/** Run `fn` inside a RequestScope of `parent`, closed however `fn` ends. */
export async function withRequestScope<T>(
  parent: AbortSignal | undefined,
  jobs: number,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const scope = new RequestScope(parent, jobs);
  try {
    return await fn(scope.signal);
  } finally {
    scope.close();
  }
}
