"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const slots_1 = require("../lib/slots");
function deferred() {
    let resolve;
    let reject;
    const promise = new Promise((ok, fail) => {
        resolve = ok;
        reject = fail;
    });
    return { promise, resolve, reject };
}
/**
 * Let every promise reaction queued so far run (setImmediate comes after the microtask
 * queue is empty): not a wait for time, so "has not started" means "cannot start yet".
 */
const flush = () => new Promise((resolve) => setImmediate(resolve));
/** Jobs that start when called and finish when the test says; counts what is in flight. */
function jobs() {
    const pending = new Map();
    const h = {
        started: [],
        inFlight: 0,
        maxInFlight: 0,
        pending,
        job(i) {
            return async () => {
                h.started.push(i);
                h.inFlight++;
                h.maxInFlight = Math.max(h.maxInFlight, h.inFlight);
                const d = deferred();
                pending.set(i, d);
                try {
                    return await d.promise;
                }
                finally {
                    h.inFlight--;
                }
            };
        },
        resolve(i, value) {
            const d = pending.get(i);
            strict_1.default.ok(d, `job ${i} has started`);
            pending.delete(i);
            d.resolve(value);
        },
        reject(i, err) {
            const d = pending.get(i);
            strict_1.default.ok(d, `job ${i} has started`);
            pending.delete(i);
            d.reject(err);
        },
    };
    return h;
}
(0, node_test_1.describe)('Slots', () => {
    for (const size of [0, -1, 1.5, NaN]) {
        (0, node_test_1.it)(`refuses size ${size}`, () => {
            strict_1.default.throws(() => new slots_1.Slots(size), { name: 'RangeError', message: `slots need a whole number ≥ 1, not ${size}` });
        });
    }
    (0, node_test_1.it)('run() lets no more than size jobs through at once, and starts the next as one ends', async () => {
        const slots = new slots_1.Slots(2);
        const h = jobs();
        const results = [0, 1, 2, 3, 4].map((i) => slots.run(h.job(i)));
        await flush();
        strict_1.default.deepEqual(h.started, [0, 1]);
        strict_1.default.equal(slots.busy, 2);
        h.resolve(1, 'one');
        await flush();
        strict_1.default.deepEqual(h.started, [0, 1, 2]);
        strict_1.default.equal(slots.busy, 2);
        h.resolve(2, 'two');
        await flush();
        strict_1.default.deepEqual(h.started, [0, 1, 2, 3]);
        h.resolve(0, 'zero');
        h.resolve(3, 'three');
        await flush();
        strict_1.default.deepEqual(h.started, [0, 1, 2, 3, 4]);
        strict_1.default.equal(slots.busy, 1);
        h.resolve(4, 'four');
        strict_1.default.deepEqual(await Promise.all(results), ['zero', 'one', 'two', 'three', 'four']);
        strict_1.default.equal(h.maxInFlight, 2);
        strict_1.default.equal(slots.busy, 0);
    });
    (0, node_test_1.it)('one release wakes every waiter, but only one of them takes the slot', async () => {
        const slots = new slots_1.Slots(1);
        const h = jobs();
        const results = [0, 1, 2].map((i) => slots.run(h.job(i)));
        await flush();
        strict_1.default.deepEqual(h.started, [0]);
        h.resolve(0, 'a');
        await flush();
        strict_1.default.deepEqual(h.started, [0, 1]);
        strict_1.default.equal(slots.busy, 1);
        h.resolve(1, 'b');
        await flush();
        strict_1.default.deepEqual(h.started, [0, 1, 2]);
        h.resolve(2, 'c');
        strict_1.default.deepEqual(await Promise.all(results), ['a', 'b', 'c']);
        strict_1.default.equal(h.maxInFlight, 1);
    });
    (0, node_test_1.it)("run() hands back the job's value or rejection, and frees the slot either way", async () => {
        const slots = new slots_1.Slots(1);
        await strict_1.default.rejects(slots.run(async () => {
            throw new Error('job failed');
        }), /job failed/);
        strict_1.default.equal(slots.busy, 0);
        strict_1.default.equal(await slots.run(async () => 42), 42);
        strict_1.default.equal(slots.busy, 0);
    });
    (0, node_test_1.it)('a job that throws before returning a promise holds no slot', async () => {
        const slots = new slots_1.Slots(1);
        const sync = () => {
            throw new Error('sync throw');
        };
        strict_1.default.throws(() => slots.start(sync), /sync throw/);
        strict_1.default.equal(slots.busy, 0);
        await strict_1.default.rejects(slots.run(sync), /sync throw/);
        strict_1.default.equal(slots.busy, 0);
        strict_1.default.equal(await slots.run(async () => 'next'), 'next');
    });
    (0, node_test_1.it)('start() runs at once beyond size; whenFree() waits until fewer than size run', async () => {
        const slots = new slots_1.Slots(2);
        const h = jobs();
        const results = [0, 1, 2].map((i) => slots.start(h.job(i)));
        // Started synchronously, all three, full or not.
        strict_1.default.deepEqual(h.started, [0, 1, 2]);
        strict_1.default.equal(slots.busy, 3);
        let free = false;
        const waiting = slots.whenFree().then(() => (free = true));
        await flush();
        strict_1.default.equal(free, false);
        h.resolve(0, 'a');
        await flush();
        strict_1.default.equal(slots.busy, 2);
        strict_1.default.equal(free, false, 'two of two slots still taken');
        h.resolve(2, 'c');
        await flush();
        strict_1.default.equal(free, true);
        strict_1.default.equal(slots.busy, 1);
        await waiting;
        h.resolve(1, 'b');
        strict_1.default.deepEqual(await Promise.all(results), ['a', 'b', 'c']);
        strict_1.default.equal(slots.busy, 0);
    });
    (0, node_test_1.it)('whenFree() and drain() resolve at once when nothing runs', async () => {
        const slots = new slots_1.Slots(1);
        await slots.whenFree();
        await slots.drain();
        strict_1.default.equal(slots.busy, 0);
    });
    (0, node_test_1.it)('drain() waits for every job, rejected ones included, and does not reject itself', async () => {
        const slots = new slots_1.Slots(3);
        const h = jobs();
        const p0 = slots.start(h.job(0));
        const p1 = slots.start(h.job(1));
        const p2 = slots.run(h.job(2));
        const failed = strict_1.default.rejects(p1, /job 1 failed/);
        await flush();
        strict_1.default.equal(slots.busy, 3);
        let drained = false;
        const draining = slots.drain().then(() => (drained = true));
        h.reject(1, new Error('job 1 failed'));
        await flush();
        strict_1.default.equal(slots.busy, 2);
        strict_1.default.equal(drained, false);
        h.resolve(0, 'a');
        await flush();
        strict_1.default.equal(slots.busy, 1);
        strict_1.default.equal(drained, false);
        h.resolve(2, 'c');
        await flush();
        strict_1.default.equal(drained, true);
        strict_1.default.equal(slots.busy, 0);
        await draining;
        await failed;
        strict_1.default.deepEqual(await Promise.all([p0, p2]), ['a', 'c']);
    });
});
/** A source of 0..n-1 that counts what was pulled and whether return() was called. */
function source(n, kind) {
    const stats = { pulled: 0, returned: 0 };
    const next = () => (stats.pulled < n ? { value: stats.pulled++, done: false } : { value: undefined, done: true });
    const ret = () => {
        stats.returned++;
        return { value: undefined, done: true };
    };
    const iterable = kind === 'sync'
        ? { [Symbol.iterator]: () => ({ next, return: ret }) }
        : { [Symbol.asyncIterator]: () => ({ next: async () => next(), return: async () => ret() }) };
    return { stats, iterable };
}
async function collect(gen) {
    const out = [];
    for await (const v of gen)
        out.push(v);
    return out;
}
(0, node_test_1.describe)('mapOrdered', () => {
    (0, node_test_1.it)('keeps input order when later items finish first', async () => {
        const h = jobs();
        const items = [10, 20, 30, 40, 50];
        const out = collect((0, slots_1.mapOrdered)(items, 5, (item, i) => h.job(i)().then((v) => v + item)));
        await flush();
        strict_1.default.deepEqual(h.started, [0, 1, 2, 3, 4]);
        for (const i of [4, 3, 2, 1, 0]) {
            h.resolve(i, i * 1000);
            await flush();
        }
        strict_1.default.deepEqual(await out, [10, 1020, 2030, 3040, 4050]);
    });
    for (const jobsAtOnce of [1, 2, 3, 7]) {
        (0, node_test_1.it)(`never has more than jobs=${jobsAtOnce} in flight, and reaches it`, async () => {
            const h = jobs();
            let done = false;
            const out = collect((0, slots_1.mapOrdered)(Array.from({ length: 20 }, (_, i) => i), jobsAtOnce, (_item, i) => h.job(i)())).finally(() => (done = true));
            // Finish the newest job first each round: the worst order for keeping input order.
            for (let round = 0; !done && round < 1000; round++) {
                await flush();
                strict_1.default.ok(h.inFlight <= jobsAtOnce, `round ${round}: ${h.inFlight} in flight`);
                const newest = Math.max(...h.pending.keys());
                if (Number.isFinite(newest))
                    h.resolve(newest, newest * 2);
            }
            strict_1.default.deepEqual(await out, Array.from({ length: 20 }, (_, i) => i * 2));
            strict_1.default.equal(h.maxInFlight, jobsAtOnce);
            strict_1.default.equal(h.inFlight, 0);
        });
    }
    for (const kind of ['sync', 'async']) {
        (0, node_test_1.it)(`runs ahead of a slow consumer by exactly jobs (${kind} source)`, async () => {
            const src = source(10, kind);
            const calls = [];
            const gen = (0, slots_1.mapOrdered)(src.iterable, 3, async (item) => {
                calls.push(item);
                return item;
            });
            strict_1.default.deepEqual(await gen.next(), { value: 0, done: false });
            await flush();
            // The result held by the consumer plus 3 in flight.
            strict_1.default.deepEqual(calls, [0, 1, 2, 3]);
            strict_1.default.equal(src.stats.pulled, 4);
            strict_1.default.deepEqual(await gen.next(), { value: 1, done: false });
            await flush();
            strict_1.default.deepEqual(calls, [0, 1, 2, 3, 4]);
            strict_1.default.equal(src.stats.pulled, 5);
            await gen.return(undefined);
            strict_1.default.equal(src.stats.returned, 1);
        });
        (0, node_test_1.it)(`a rejection surfaces at its turn, then nothing more is pulled (${kind} source)`, async () => {
            const src = source(10, kind);
            const h = jobs();
            const gen = (0, slots_1.mapOrdered)(src.iterable, 3, (_item, i) => h.job(i)());
            const first = gen.next();
            await flush();
            strict_1.default.deepEqual(h.started, [0, 1, 2]);
            h.reject(1, new Error('item 1 failed'));
            await flush();
            // Not yet: item 0 comes first.
            h.resolve(0, 'zero');
            strict_1.default.deepEqual(await first, { value: 'zero', done: false });
            await flush();
            strict_1.default.deepEqual(h.started, [0, 1, 2, 3]);
            await strict_1.default.rejects(gen.next(), /item 1 failed/);
            strict_1.default.equal(src.stats.returned, 1, 'the source was told to stop');
            strict_1.default.equal(src.stats.pulled, 4);
            strict_1.default.deepEqual(await gen.next(), { value: undefined, done: true });
            // The ones still in flight may finish or fail later without an unhandled rejection.
            h.reject(2, new Error('late failure'));
            h.resolve(3, 'late');
            await flush();
            strict_1.default.deepEqual(h.started, [0, 1, 2, 3]);
        });
        (0, node_test_1.it)(`break stops pulling the source and calls its return() (${kind} source)`, async () => {
            const src = source(100, kind);
            const seen = [];
            for await (const v of (0, slots_1.mapOrdered)(src.iterable, 4, async (item) => item * 10)) {
                seen.push(v);
                if (v === 20)
                    break;
            }
            strict_1.default.deepEqual(seen, [0, 10, 20]);
            // Three handed out, four in flight behind them.
            strict_1.default.equal(src.stats.pulled, 7);
            strict_1.default.equal(src.stats.returned, 1);
        });
        (0, node_test_1.it)(`return() while results are in flight stops the source (${kind} source)`, async () => {
            const src = source(100, kind);
            const h = jobs();
            const gen = (0, slots_1.mapOrdered)(src.iterable, 2, (_item, i) => h.job(i)());
            const first = gen.next();
            await flush();
            h.resolve(0, 'a');
            strict_1.default.deepEqual(await first, { value: 'a', done: false });
            strict_1.default.deepEqual(await gen.return(undefined), { value: undefined, done: true });
            strict_1.default.equal(src.stats.returned, 1);
            strict_1.default.equal(src.stats.pulled, 3);
            strict_1.default.deepEqual(await gen.next(), { value: undefined, done: true });
            h.resolve(1, 'b');
            h.resolve(2, 'c');
        });
        (0, node_test_1.it)(`an exhausted source is not told to return (${kind} source)`, async () => {
            const src = source(3, kind);
            strict_1.default.deepEqual(await collect((0, slots_1.mapOrdered)(src.iterable, 8, async (item) => item)), [0, 1, 2]);
            strict_1.default.equal(src.stats.pulled, 3);
            strict_1.default.equal(src.stats.returned, 0);
        });
    }
    (0, node_test_1.it)('takes arrays, Sets, generators and async generators, passing each item its index', async () => {
        async function* asyncLetters() {
            yield 'a';
            yield 'b';
            yield 'c';
        }
        function* letters() {
            yield 'a';
            yield 'b';
            yield 'c';
        }
        const label = async (item, i) => `${i}:${item}`;
        for (const items of [['a', 'b', 'c'], new Set(['a', 'b', 'c']), letters(), asyncLetters()]) {
            strict_1.default.deepEqual(await collect((0, slots_1.mapOrdered)(items, 2, label)), ['0:a', '1:b', '2:c']);
        }
    });
    (0, node_test_1.it)('gives nothing for an empty source and never calls fn', async () => {
        let calls = 0;
        const fn = async () => calls++;
        strict_1.default.deepEqual(await collect((0, slots_1.mapOrdered)([], 3, fn)), []);
        strict_1.default.deepEqual(await collect((0, slots_1.mapOrdered)(source(0, 'async').iterable, 3, fn)), []);
        strict_1.default.equal(calls, 0);
    });
    (0, node_test_1.it)('a source that fails surfaces its error at its turn, after the results before it', async () => {
        async function* failing() {
            yield 1;
            yield 2;
            throw new Error('source broke');
        }
        const gen = (0, slots_1.mapOrdered)(failing(), 4, async (x) => x * 10);
        strict_1.default.deepEqual(await gen.next(), { value: 10, done: false });
        strict_1.default.deepEqual(await gen.next(), { value: 20, done: false });
        await strict_1.default.rejects(gen.next(), /source broke/);
        strict_1.default.deepEqual(await gen.next(), { value: undefined, done: true });
    });
    for (const bad of [0, -1, 2.5, NaN]) {
        (0, node_test_1.it)(`refuses jobs=${bad} before pulling anything`, async () => {
            const src = source(3, 'sync');
            await strict_1.default.rejects((0, slots_1.mapOrdered)(src.iterable, bad, async (x) => x).next(), {
                name: 'RangeError',
                message: `jobs must be a whole number ≥ 1, not ${bad}`,
            });
            strict_1.default.equal(src.stats.pulled, 0);
        });
    }
});
