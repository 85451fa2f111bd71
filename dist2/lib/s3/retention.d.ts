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
export interface RetentionPolicy {
    last?: number;
    daily?: number;
    weekly?: number;
    monthly?: number;
    /** Milliseconds. */
    withinMs?: number;
}
export interface Dated {
    id: string;
    time: Date;
}
export interface RetentionDecision<T extends Dated> {
    generation: T;
    /** Why it stays (`last`, `daily 2026-11-30`, `weekly 2026-W48`, `monthly 2026-11`, `within 7d`); empty: it goes. */
    reasons: string[];
}
/** Whether the policy names any rule at all (restic refuses to forget with none). */
export declare function hasRules(p: RetentionPolicy): boolean;
/** ISO 8601 week of a UTC time: `2026-W48` (the week's Thursday decides its year). */
export declare function isoWeek(t: Date): string;
/** The policy's decision for every generation, newest first. */
export declare function applyRetention<T extends Dated>(generations: T[], policy: RetentionPolicy): RetentionDecision<T>[];
