import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapOrdered, Slots } from '../lib/slots';

// Every job here is a promise resolved by hand, so each test decides what finishes when.

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

/**
 * Let every promise reaction queued so far run (setImmediate comes after the microtask
 * queue is empty): not a wait for time, so "has not started" means "cannot start yet".
 */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Jobs that start when called and finish when the test says; counts what is in flight. */
function jobs<T = string>() {
  const pending = new Map<number, Deferred<T>>();
  const h = {
    started: [] as number[],
    inFlight: 0,
    maxInFlight: 0,
    pending,
    job(i: number) {
      return async (): Promise<T> => {
        h.started.push(i);
        h.inFlight++;
        h.maxInFlight = Math.max(h.maxInFlight, h.inFlight);
        const d = deferred<T>();
        pending.set(i, d);
        try {
          return await d.promise;
        } finally {
          h.inFlight--;
        }
      };
    },
    resolve(i: number, value: T) {
      const d = pending.get(i);
      assert.ok(d, `job ${i} has started`);
      pending.delete(i);
      d.resolve(value);
    },
    reject(i: number, err: unknown) {
      const d = pending.get(i);
      assert.ok(d, `job ${i} has started`);
      pending.delete(i);
      d.reject(err);
    },
  };
  return h;
}

describe('Slots', () => {
  for (const size of [0, -1, 1.5, NaN]) {
    it(`refuses size ${size}`, () => {
      assert.throws(() => new Slots(size), { name: 'RangeError', message: `slots need a whole number ≥ 1, not ${size}` });
    });
  }

  it('run() lets no more than size jobs through at once, and starts the next as one ends', async () => {
    const slots = new Slots(2);
    const h = jobs();
    const results = [0, 1, 2, 3, 4].map((i) => slots.run(h.job(i)));
    await flush();
    assert.deepEqual(h.started, [0, 1]);
    assert.equal(slots.busy, 2);
    h.resolve(1, 'one');
    await flush();
    assert.deepEqual(h.started, [0, 1, 2]);
    assert.equal(slots.busy, 2);
    h.resolve(2, 'two');
    await flush();
    assert.deepEqual(h.started, [0, 1, 2, 3]);
    h.resolve(0, 'zero');
    h.resolve(3, 'three');
    await flush();
    assert.deepEqual(h.started, [0, 1, 2, 3, 4]);
    assert.equal(slots.busy, 1);
    h.resolve(4, 'four');
    assert.deepEqual(await Promise.all(results), ['zero', 'one', 'two', 'three', 'four']);
    assert.equal(h.maxInFlight, 2);
    assert.equal(slots.busy, 0);
  });

  it('one release wakes every waiter, but only one of them takes the slot', async () => {
    const slots = new Slots(1);
    const h = jobs();
    const results = [0, 1, 2].map((i) => slots.run(h.job(i)));
    await flush();
    assert.deepEqual(h.started, [0]);
    h.resolve(0, 'a');
    await flush();
    assert.deepEqual(h.started, [0, 1]);
    assert.equal(slots.busy, 1);
    h.resolve(1, 'b');
    await flush();
    assert.deepEqual(h.started, [0, 1, 2]);
    h.resolve(2, 'c');
    assert.deepEqual(await Promise.all(results), ['a', 'b', 'c']);
    assert.equal(h.maxInFlight, 1);
  });

  it("run() hands back the job's value or rejection, and frees the slot either way", async () => {
    const slots = new Slots(1);
    await assert.rejects(
      slots.run(async () => {
        throw new Error('job failed');
      }),
      /job failed/,
    );
    assert.equal(slots.busy, 0);
    assert.equal(await slots.run(async () => 42), 42);
    assert.equal(slots.busy, 0);
  });

  it('a job that throws before returning a promise holds no slot', async () => {
    const slots = new Slots(1);
    const sync = (): Promise<void> => {
      throw new Error('sync throw');
    };
    assert.throws(() => slots.start(sync), /sync throw/);
    assert.equal(slots.busy, 0);
    await assert.rejects(slots.run(sync), /sync throw/);
    assert.equal(slots.busy, 0);
    assert.equal(await slots.run(async () => 'next'), 'next');
  });

  it('start() runs at once beyond size; whenFree() waits until fewer than size run', async () => {
    const slots = new Slots(2);
    const h = jobs();
    const results = [0, 1, 2].map((i) => slots.start(h.job(i)));
    // Started synchronously, all three, full or not.
    assert.deepEqual(h.started, [0, 1, 2]);
    assert.equal(slots.busy, 3);
    let free = false;
    const waiting = slots.whenFree().then(() => (free = true));
    await flush();
    assert.equal(free, false);
    h.resolve(0, 'a');
    await flush();
    assert.equal(slots.busy, 2);
    assert.equal(free, false, 'two of two slots still taken');
    h.resolve(2, 'c');
    await flush();
    assert.equal(free, true);
    assert.equal(slots.busy, 1);
    await waiting;
    h.resolve(1, 'b');
    assert.deepEqual(await Promise.all(results), ['a', 'b', 'c']);
    assert.equal(slots.busy, 0);
  });

  it('whenFree() and drain() resolve at once when nothing runs', async () => {
    const slots = new Slots(1);
    await slots.whenFree();
    await slots.drain();
    assert.equal(slots.busy, 0);
  });

  it('drain() waits for every job, rejected ones included, and does not reject itself', async () => {
    const slots = new Slots(3);
    const h = jobs();
    const p0 = slots.start(h.job(0));
    const p1 = slots.start(h.job(1));
    const p2 = slots.run(h.job(2));
    const failed = assert.rejects(p1, /job 1 failed/);
    await flush();
    assert.equal(slots.busy, 3);
    let drained = false;
    const draining = slots.drain().then(() => (drained = true));
    h.reject(1, new Error('job 1 failed'));
    await flush();
    assert.equal(slots.busy, 2);
    assert.equal(drained, false);
    h.resolve(0, 'a');
    await flush();
    assert.equal(slots.busy, 1);
    assert.equal(drained, false);
    h.resolve(2, 'c');
    await flush();
    assert.equal(drained, true);
    assert.equal(slots.busy, 0);
    await draining;
    await failed;
    assert.deepEqual(await Promise.all([p0, p2]), ['a', 'c']);
  });
});

/** A source of 0..n-1 that counts what was pulled and whether return() was called. */
function source(n: number, kind: 'sync' | 'async') {
  const stats = { pulled: 0, returned: 0 };
  const next = (): IteratorResult<number> => (stats.pulled < n ? { value: stats.pulled++, done: false } : { value: undefined, done: true });
  const ret = (): IteratorResult<number> => {
    stats.returned++;
    return { value: undefined, done: true };
  };
  const iterable: Iterable<number> | AsyncIterable<number> =
    kind === 'sync'
      ? { [Symbol.iterator]: () => ({ next, return: ret }) }
      : { [Symbol.asyncIterator]: () => ({ next: async () => next(), return: async () => ret() }) };
  return { stats, iterable };
}

async function collect<T>(gen: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of gen) out.push(v);
  return out;
}

describe('mapOrdered', () => {
  it('keeps input order when later items finish first', async () => {
    const h = jobs<number>();
    const items = [10, 20, 30, 40, 50];
    const out = collect(mapOrdered(items, 5, (item, i) => h.job(i)().then((v) => v + item)));
    await flush();
    assert.deepEqual(h.started, [0, 1, 2, 3, 4]);
    for (const i of [4, 3, 2, 1, 0]) {
      h.resolve(i, i * 1000);
      await flush();
    }
    assert.deepEqual(await out, [10, 1020, 2030, 3040, 4050]);
  });

  for (const jobsAtOnce of [1, 2, 3, 7]) {
    it(`never has more than jobs=${jobsAtOnce} in flight, and reaches it`, async () => {
      const h = jobs<number>();
      let done = false;
      const out = collect(mapOrdered(Array.from({ length: 20 }, (_, i) => i), jobsAtOnce, (_item, i) => h.job(i)())).finally(() => (done = true));
      // Finish the newest job first each round: the worst order for keeping input order.
      for (let round = 0; !done && round < 1000; round++) {
        await flush();
        assert.ok(h.inFlight <= jobsAtOnce, `round ${round}: ${h.inFlight} in flight`);
        const newest = Math.max(...h.pending.keys());
        if (Number.isFinite(newest)) h.resolve(newest, newest * 2);
      }
      assert.deepEqual(
        await out,
        Array.from({ length: 20 }, (_, i) => i * 2),
      );
      assert.equal(h.maxInFlight, jobsAtOnce);
      assert.equal(h.inFlight, 0);
    });
  }

  for (const kind of ['sync', 'async'] as const) {
    it(`runs ahead of a slow consumer by exactly jobs (${kind} source)`, async () => {
      const src = source(10, kind);
      const calls: number[] = [];
      const gen = mapOrdered(src.iterable, 3, async (item) => {
        calls.push(item);
        return item;
      });
      assert.deepEqual(await gen.next(), { value: 0, done: false });
      await flush();
      // The result held by the consumer plus 3 in flight.
      assert.deepEqual(calls, [0, 1, 2, 3]);
      assert.equal(src.stats.pulled, 4);
      assert.deepEqual(await gen.next(), { value: 1, done: false });
      await flush();
      assert.deepEqual(calls, [0, 1, 2, 3, 4]);
      assert.equal(src.stats.pulled, 5);
      await gen.return(undefined);
      assert.equal(src.stats.returned, 1);
    });

    it(`a rejection surfaces at its turn, then nothing more is pulled (${kind} source)`, async () => {
      const src = source(10, kind);
      const h = jobs();
      const gen = mapOrdered(src.iterable, 3, (_item, i) => h.job(i)());
      const first = gen.next();
      await flush();
      assert.deepEqual(h.started, [0, 1, 2]);
      h.reject(1, new Error('item 1 failed'));
      await flush();
      // Not yet: item 0 comes first.
      h.resolve(0, 'zero');
      assert.deepEqual(await first, { value: 'zero', done: false });
      await flush();
      assert.deepEqual(h.started, [0, 1, 2, 3]);
      await assert.rejects(gen.next(), /item 1 failed/);
      assert.equal(src.stats.returned, 1, 'the source was told to stop');
      assert.equal(src.stats.pulled, 4);
      assert.deepEqual(await gen.next(), { value: undefined, done: true });
      // The ones still in flight may finish or fail later without an unhandled rejection.
      h.reject(2, new Error('late failure'));
      h.resolve(3, 'late');
      await flush();
      assert.deepEqual(h.started, [0, 1, 2, 3]);
    });

    it(`break stops pulling the source and calls its return() (${kind} source)`, async () => {
      const src = source(100, kind);
      const seen: number[] = [];
      for await (const v of mapOrdered(src.iterable, 4, async (item) => item * 10)) {
        seen.push(v);
        if (v === 20) break;
      }
      assert.deepEqual(seen, [0, 10, 20]);
      // Three handed out, four in flight behind them.
      assert.equal(src.stats.pulled, 7);
      assert.equal(src.stats.returned, 1);
    });

    it(`return() while results are in flight stops the source (${kind} source)`, async () => {
      const src = source(100, kind);
      const h = jobs();
      const gen = mapOrdered(src.iterable, 2, (_item, i) => h.job(i)());
      const first = gen.next();
      await flush();
      h.resolve(0, 'a');
      assert.deepEqual(await first, { value: 'a', done: false });
      assert.deepEqual(await gen.return(undefined), { value: undefined, done: true });
      assert.equal(src.stats.returned, 1);
      assert.equal(src.stats.pulled, 3);
      assert.deepEqual(await gen.next(), { value: undefined, done: true });
      h.resolve(1, 'b');
      h.resolve(2, 'c');
    });

    it(`an exhausted source is not told to return (${kind} source)`, async () => {
      const src = source(3, kind);
      assert.deepEqual(await collect(mapOrdered(src.iterable, 8, async (item) => item)), [0, 1, 2]);
      assert.equal(src.stats.pulled, 3);
      assert.equal(src.stats.returned, 0);
    });
  }

  it('takes arrays, Sets, generators and async generators, passing each item its index', async () => {
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
    const label = async (item: string, i: number) => `${i}:${item}`;
    for (const items of [['a', 'b', 'c'], new Set(['a', 'b', 'c']), letters(), asyncLetters()]) {
      assert.deepEqual(await collect(mapOrdered(items, 2, label)), ['0:a', '1:b', '2:c']);
    }
  });

  it('gives nothing for an empty source and never calls fn', async () => {
    let calls = 0;
    const fn = async () => calls++;
    assert.deepEqual(await collect(mapOrdered([], 3, fn)), []);
    assert.deepEqual(await collect(mapOrdered(source(0, 'async').iterable, 3, fn)), []);
    assert.equal(calls, 0);
  });

  it('a source that fails surfaces its error at its turn, after the results before it', async () => {
    async function* failing() {
      yield 1;
      yield 2;
      throw new Error('source broke');
    }
    const gen = mapOrdered(failing(), 4, async (x) => x * 10);
    assert.deepEqual(await gen.next(), { value: 10, done: false });
    assert.deepEqual(await gen.next(), { value: 20, done: false });
    await assert.rejects(gen.next(), /source broke/);
    assert.deepEqual(await gen.next(), { value: undefined, done: true });
  });

  for (const bad of [0, -1, 2.5, NaN]) {
    it(`refuses jobs=${bad} before pulling anything`, async () => {
      const src = source(3, 'sync');
      await assert.rejects(mapOrdered(src.iterable, bad, async (x) => x).next(), {
        name: 'RangeError',
        message: `jobs must be a whole number ≥ 1, not ${bad}`,
      });
      assert.equal(src.stats.pulled, 0);
    });
  }
});
