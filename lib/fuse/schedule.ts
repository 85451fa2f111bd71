import { createHash } from 'node:crypto';
import { ruleMatches, type Rule } from './rules';

/**
 * Seeded fault schedules. Whether a rule hits the n-th occurrence of an operation on a
 * path is a pure function of (fault seed, rule, op, path, n): two runs with the same flags
 * hit the same paths the same way whatever order the kernel sends operations in, and a
 * failing run replays. (unreliablefs draws from one global srand, so its runs repeat only
 * when operations arrive in the same order; CharybdeFS is not seeded at all.)
 */

/** A number in [0, 1) drawn from the key (seed, rule, op, path, n), the same every time. */
export function draw(seed: string, rule: string, op: string, path: string, n: number): number {
  const digest = createHash('sha256').update(`${seed}\0${rule}\0${op}\0${path}\0${n}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** Whether `rule` hits occurrence `n` (0 first) of `op` on `path` under fault seed `seed`. */
export function hits(rule: Rule, seed: string, op: string, path: string, n: number): boolean {
  if (!ruleMatches(rule, op, path)) return false;
  if (rule.count !== undefined && n >= rule.count) return false;
  if (rule.rate >= 1) return true;
  return draw(seed, rule.text, op, path, n) < rule.rate;
}

/** What the schedule does to one operation; empty when it is served untouched. */
export interface Decision {
  /** Occurrence of this op on this path, 0 first. */
  n: number;
  /** The fault rule that hit, the first in flag order. */
  fault?: Rule;
  /** The delay rule that hit, the first in flag order. */
  delay?: Rule;
  /** The corrupt rule that hit (reads only). */
  corrupt?: Rule;
}

/**
 * The rules of one mount and the occurrence counters they need. Counters exist only for
 * (op, path) pairs some rule matches, so memory grows with the paths the rules cover,
 * not with the tree.
 */
export class Schedule {
  private readonly occurrences = new Map<string, number>();

  constructor(
    readonly rules: readonly Rule[],
    readonly seed: string,
  ) {}

  /** Whether any rule could apply to `op` (a cheap test before the path is looked at). */
  covers(op: string): boolean {
    return this.rules.some((r) => r.op === '*' || r.op === op);
  }

  /** Count this occurrence of `op` on `path` and decide what happens to it. */
  decide(op: string, path: string): Decision {
    const matching = this.rules.filter((r) => ruleMatches(r, op, path));
    if (!matching.length) return { n: -1 };
    const key = `${op}\0${path}`;
    const n = this.occurrences.get(key) ?? 0;
    this.occurrences.set(key, n + 1);
    const decision: Decision = { n };
    for (const rule of matching) {
      if (decision[rule.kind] || !hits(rule, this.seed, op, path, n)) continue;
      decision[rule.kind] = rule;
    }
    return decision;
  }
}
