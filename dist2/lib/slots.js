"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Slots = void 0;
exports.mapOrdered = mapOrdered;
/**
 * The one concurrency primitive. Every place that runs work side by side (chunk uploads,
 * batch deletions, prefetched GETs, manifest reads, file uploads, SMTP probes) counts
 * what is in flight here, waits here for a free slot, and drains here: a loop with its
 * own counter of things in flight is a bug waiting to be written a seventh time.
 */
class Slots {
    size;
    running = new Set();
    waiters = [];
    constructor(size) {
        this.size = size;
        if (!Number.isInteger(size) || size < 1)
            throw new RangeError(`slots need a whole number ≥ 1, not ${size}`);
    }
    /** Jobs started and not yet settled. */
    get busy() {
        return this.running.size;
    }
    /**
     * Start `job` now, free slot or not: a caller that produces several jobs from one input
     * (a write completing two chunks) starts them all and then waits with whenFree().
     * The slot is held until the job settles; its outcome is the caller's to handle.
     */
    start(job) {
        const result = job();
        const held = result.then(() => this.release(held), () => this.release(held));
        this.running.add(held);
        return result;
    }
    /** Wait for a free slot, then run `job` in it. */
    async run(job) {
        // The check and start() share one synchronous step, so two waiters woken together
        // cannot both take the last slot.
        while (this.running.size >= this.size)
            await this.released();
        return this.start(job);
    }
    /** Resolves once fewer than `size` jobs run. */
    async whenFree() {
        while (this.running.size >= this.size)
            await this.released();
    }
    /** Resolves once every job started so far has settled. */
    async drain() {
        while (this.running.size)
            await this.released();
    }
    released() {
        return new Promise((resolve) => this.waiters.push(resolve));
    }
    release(held) {
        this.running.delete(held);
        const waiters = this.waiters;
        this.waiters = [];
        for (const wake of waiters)
            wake();
    }
}
exports.Slots = Slots;
/**
 * `fn` over `items`, at most `jobs` at once, results in input order. Work runs ahead of
 * the consumer: while the next result is awaited the `jobs - 1` after it are in flight,
 * and once it arrives the gap is refilled before it is handed out, so a slow consumer
 * holds one result plus `jobs` in flight (the (jobs + 1) × chunk bound of s3source).
 * A rejection of `fn` surfaces when its turn comes; a failure of `items` itself after
 * every result before it. Returning early stops pulling `items`.
 */
async function* mapOrdered(items, jobs, fn) {
    if (!Number.isInteger(jobs) || jobs < 1)
        throw new RangeError(`jobs must be a whole number ≥ 1, not ${jobs}`);
    const it = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]();
    const ahead = [];
    let index = 0;
    let exhausted = false;
    let failed;
    const fill = async () => {
        while (!exhausted && ahead.length < jobs) {
            let next;
            try {
                next = await it.next();
            }
            catch (error) {
                exhausted = true;
                failed = { error };
                return;
            }
            if (next.done) {
                exhausted = true;
                return;
            }
            const p = fn(next.value, index++);
            p.catch(() => { }); // awaited in order below; this only keeps an early rejection from counting as unhandled
            ahead.push(p);
        }
    };
    try {
        await fill();
        while (ahead.length) {
            const value = await ahead[0];
            ahead.shift();
            await fill();
            yield value;
        }
        if (failed)
            throw failed.error;
    }
    finally {
        if (!exhausted)
            await it.return?.();
    }
}
