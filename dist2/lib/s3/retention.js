"use strict";
/**
 * Which generations a retention policy keeps, as a pure function over their creation
 * times, with the reason for each decision. The semantics are those of `restic forget`
 * (internal/restic/snapshot_policy.go), in UTC:
 *
 * - `last N` keeps the N newest;
 * - `daily N` (weekly, monthly) keeps, for each of the last N days (ISO weeks, months)
 *   that have a generation, that day's newest;
 * - a rule with counts left when it reaches the oldest generation keeps that one too
 *   (restic 0.17), so a young set keeps as much history as the policy allows;
 * - `within D` keeps every generation strictly newer than the newest one's time minus D.
 *
 * A generation kept by any rule stays. The caller adds what no policy may remove (the
 * current generation, and anything newer than it).
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.hasRules = hasRules;
exports.isoWeek = isoWeek;
exports.applyRetention = applyRetention;
/** Whether the policy names any rule at all (restic refuses to forget with none). */
function hasRules(p) {
    return Boolean(p.last || p.daily || p.weekly || p.monthly || p.withinMs);
}
const day = (t) => t.toISOString().slice(0, 10);
const month = (t) => t.toISOString().slice(0, 7);
/** ISO 8601 week of a UTC time: `2026-W48` (the week's Thursday decides its year). */
function isoWeek(t) {
    const d = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate()));
    const weekday = d.getUTCDay() || 7;
    d.setUTCDate(d.getUTCDate() + 4 - weekday);
    const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
    const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
    return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
function humanWithin(ms) {
    for (const [unit, n] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]]) {
        if (ms >= n && ms % n === 0)
            return `${ms / n}${unit}`;
    }
    return `${ms}ms`;
}
/** The policy's decision for every generation, newest first. */
function applyRetention(generations, policy) {
    const list = [...generations].sort((a, b) => b.time.getTime() - a.time.getTime() || (a.id < b.id ? 1 : -1));
    // As restic: no rule at all keeps everything, never nothing.
    if (!hasRules(policy))
        return list.map((generation) => ({ generation, reasons: ['policy is empty'] }));
    const buckets = [
        { count: policy.last ?? 0, key: (_t, nr) => String(nr), reason: () => 'last' },
        { count: policy.daily ?? 0, key: day, reason: (k) => `daily ${k}` },
        { count: policy.weekly ?? 0, key: isoWeek, reason: (k) => `weekly ${k}` },
        { count: policy.monthly ?? 0, key: month, reason: (k) => `monthly ${k}` },
    ].map((b) => ({ ...b, seen: undefined }));
    const newest = list[0]?.time.getTime() ?? 0;
    return list.map((generation, nr) => {
        const reasons = [];
        if (policy.withinMs && generation.time.getTime() > newest - policy.withinMs)
            reasons.push(`within ${humanWithin(policy.withinMs)}`);
        for (const b of buckets) {
            if (b.count <= 0)
                continue;
            const k = b.key(generation.time, nr);
            if (k !== b.seen || nr === list.length - 1) {
                b.seen = k;
                b.count--;
                reasons.push(b.reason(k));
            }
        }
        return { generation, reasons };
    });
}
