import type { Rule } from './rules';
import { draw, Schedule, type Decision } from './schedule';

/**
 * The fault lab's layer over an operations table: each call is counted and decided by a
 * {@link Schedule}, then delayed (a timer: other operations go on), answered with an
 * errno instead of being served, or served and its bytes corrupted or cut short.
 * It sits inside the safe wrapper, so a bug here still becomes a logged EIO.
 */

/** One thing the schedule did to an operation, as `--log` records it (one JSON line each). */
export interface DeliveredRecord {
  time: string;
  kind: 'fault' | 'delay' | 'corrupt' | 'short';
  op: string;
  path: string;
  /** Occurrence of the op on the path, 0 first: with the seed and the rule, the decision's key. */
  n: number;
  rule: string;
  /** fault: the errno name. */
  errno?: string;
  /** delay: milliseconds. */
  delayMs?: number;
}

export interface FaultLabOptions {
  schedule: Schedule;
  /** short: corrupt rules cut reads short instead of changing bytes. */
  shortRead?: boolean;
  onDelivered?: (record: DeliveredRecord) => void;
}

/** Counts per `op effect` (`read EIO`, `read delay`, `read corrupt`), for SIGUSR1 and the exit. */
export type DeliveredCounts = Map<string, number>;

/** `read EIO 3, open EAGAIN 1`, biggest first; `none` when nothing was delivered. */
export function formatCounts(counts: DeliveredCounts): string {
  const rows = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return rows.length ? rows.map(([k, v]) => `${k} ${v}`).join(', ') : 'none';
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (...args: any[]) => unknown;

/** Change one byte of the `length` served (which, by the key), so any checksum notices. */
function corruptBytes(buf: Buffer, length: number, seed: string, rule: Rule, path: string, n: number): void {
  const at = Math.floor(draw(seed, rule.text, 'corrupt-at', path, n) * length);
  buf[at] ^= 0xff;
}

/** Wrap `ops` so every handler but `init` goes through `opts.schedule`; returns the table and its counts. */
export function faultLab<T extends object>(ops: T, opts: FaultLabOptions): { ops: T; counts: DeliveredCounts } {
  const { schedule } = opts;
  const counts: DeliveredCounts = new Map();
  const deliver = (kind: DeliveredRecord['kind'], op: string, path: string, d: Decision, rule: Rule, extra: Partial<DeliveredRecord> = {}) => {
    const effect = kind === 'fault' ? rule.errnoName! : kind;
    counts.set(`${op} ${effect}`, (counts.get(`${op} ${effect}`) ?? 0) + 1);
    opts.onDelivered?.({ time: new Date().toISOString(), kind, op, path, n: d.n, rule: rule.text, ...extra });
  };
  const out: Record<string, Handler> = {};
  for (const [op, handler] of Object.entries(ops) as [string, Handler][]) {
    if (typeof handler !== 'function') continue;
    if (op === 'init' || !schedule.covers(op)) {
      out[op] = handler;
      continue;
    }
    out[op] = (...args: unknown[]) => {
      const path = String(args[0]);
      const d = schedule.decide(op, path);
      const serve = () => {
        if (d.fault) {
          deliver('fault', op, path, d, d.fault, { errno: d.fault.errnoName });
          return (args[args.length - 1] as (err: number) => void)(d.fault.errno!);
        }
        if (op === 'read' && d.corrupt) return handler(...args.slice(0, -1), corrupted(d, path, args));
        return handler(...args);
      };
      if (!d.delay) return serve();
      deliver('delay', op, path, d, d.delay, { delayMs: d.delay.delayMs });
      // The safe wrapper catches a throw only while it is on the stack: report a late one as a rejection.
      return new Promise<void>((done, fail) =>
        setTimeout(() => {
          try {
            done(serve() as void);
          } catch (err) {
            fail(err);
          }
        }, d.delay!.delayMs),
      );
    };
  }
  const corrupted = (d: Decision, path: string, args: unknown[]) => {
    const buf = args[2] as Buffer;
    const cb = args[args.length - 1] as (n: number) => void;
    return (n: number) => {
      if (n <= 0) return cb(n);
      if (opts.shortRead) {
        if (n < 2) return cb(n);
        deliver('short', 'read', path, d, d.corrupt!);
        return cb(Math.floor(n / 2));
      }
      corruptBytes(buf, n, schedule.seed, d.corrupt!, path, d.n);
      deliver('corrupt', 'read', path, d, d.corrupt!);
      cb(n);
    };
  };
  return { ops: out as T, counts };
}
