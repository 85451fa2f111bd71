/**
 * The one wrapper every FUSE operation handler goes through. Exceptions inside FUSE
 * handlers vanish without a trace (the 2008 lesson), and with fuse-native they do worse:
 * a throw kills the process and leaves a stale mount, and a handler that never answers
 * makes the caller wait ~15 s for ETIMEDOUT. So each handler is wrapped: a sync throw,
 * an async rejection or a missing answer becomes one log record and an EIO answer.
 */

/** Linux errno values as fuse-native wants them (negative). */
export const EIO = -5;
export const EROFS = -30;
export const ENOENT = -2;
export const ENOTDIR = -20;
export const EISDIR = -21;
export const EINVAL = -22;

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
}

export interface SafeOptions {
  /** Receives one record per failure; must not throw (a throw here is swallowed). */
  onFault: (record: FaultRecord) => void;
  /** Answer EIO when a handler has not called back after this many ms. Default 5000. */
  timeoutMs?: number;
}

export const DEFAULT_OP_TIMEOUT_MS = 5000;

// Loose on purpose: each op has its own signature, and the wrapper only needs the
// callback to be last.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (...args: any[]) => unknown;

function summarise(arg: unknown): unknown {
  if (Buffer.isBuffer(arg)) return `<Buffer ${arg.length} bytes>`;
  if (typeof arg === 'function') return '<callback>';
  return arg;
}

/** Wrap one handler (callback last) so it always answers exactly once, with EIO on failure. */
export function safeHandler<H extends Handler>(op: string, handler: H, opts: SafeOptions): H {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_OP_TIMEOUT_MS;
  const wrapped = (...args: unknown[]) => {
    const cb = args.pop() as (...result: unknown[]) => void;
    let answered = false;
    const record = (err: unknown, kind: FaultRecord['kind']) => {
      try {
        opts.onFault({
          time: new Date().toISOString(),
          op,
          args: args.map(summarise),
          error: err instanceof Error ? err.message : String(err),
          stack: err instanceof Error ? err.stack : undefined,
          kind,
        });
      } catch {
        // A broken log must not take the mount down with it.
      }
    };
    const answer = (...result: unknown[]) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      cb(...result);
    };
    const fail = (err: unknown, kind: FaultRecord['kind']) => {
      // A failure after the answer is still logged: it is a bug, just not the caller's.
      record(err, kind);
      answer(EIO);
    };
    const timer = setTimeout(() => fail(new Error(`${op}: no answer within ${timeoutMs} ms`), 'timeout'), timeoutMs);
    try {
      const result = handler(...args, answer);
      if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
        (result as PromiseLike<unknown>).then(undefined, (err: unknown) => fail(err, 'reject'));
      }
    } catch (err) {
      fail(err, 'throw');
    }
  };
  return wrapped as H;
}

/**
 * Wrap every handler of a fuse-native operations table with {@link safeHandler}: a throw,
 * a rejection or silence becomes a record and EIO.
 */
export function safeOperations<T extends object>(ops: T, opts: SafeOptions): T {
  const out: Record<string, Handler> = {};
  for (const [op, handler] of Object.entries(ops)) {
    if (typeof handler === 'function') out[op] = safeHandler(op, handler as Handler, opts);
  }
  return out as T;
}
