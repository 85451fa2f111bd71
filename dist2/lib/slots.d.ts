/**
 * The one concurrency primitive. Every place that runs work side by side (chunk uploads,
 * batch deletions, prefetched GETs, manifest reads, file uploads, SMTP probes) counts
 * what is in flight here, waits here for a free slot, and drains here: a loop with its
 * own counter of things in flight is a bug waiting to be written a seventh time.
 */
export declare class Slots {
    readonly size: number;
    private readonly running;
    private waiters;
    constructor(size: number);
    /** Jobs started and not yet settled. */
    get busy(): number;
    /**
     * Start `job` now, free slot or not: a caller that produces several jobs from one input
     * (a write completing two chunks) starts them all and then waits with whenFree().
     * The slot is held until the job settles; its outcome is the caller's to handle.
     */
    start<T>(job: () => Promise<T>): Promise<T>;
    /** Wait for a free slot, then run `job` in it. */
    run<T>(job: () => Promise<T>): Promise<T>;
    /** Resolves once fewer than `size` jobs run. */
    whenFree(): Promise<void>;
    /** Resolves once every job started so far has settled. */
    drain(): Promise<void>;
    private released;
    private release;
}
/**
 * `fn` over `items`, at most `jobs` at once, results in input order. Work runs ahead of
 * the consumer: while the next result is awaited the `jobs - 1` after it are in flight,
 * and once it arrives the gap is refilled before it is handed out, so a slow consumer
 * holds one result plus `jobs` in flight (the (jobs + 1) × chunk bound of s3source).
 * A rejection of `fn` surfaces when its turn comes; a failure of `items` itself after
 * every result before it. Returning early stops pulling `items`.
 */
export declare function mapOrdered<T, R>(items: Iterable<T> | AsyncIterable<T>, jobs: number, fn: (item: T, index: number) => Promise<R>): AsyncGenerator<R>;
