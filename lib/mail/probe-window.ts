import { Slots } from '../slots';

/**
 * `fn` over `items` with `jobs` in flight, results in input order, where a slow item
 * does not hold the window: the next item starts as soon as any slot frees, and finished
 * results wait (at most `hold` of them) for the older ones. mapOrdered refills only once
 * the oldest is done, which is right for chunks of a stream but made `mxprobe -j` wait
 * for its slowest exchange: the same nine domains took 10.3 s or 5.3 s by their order.
 * A rejection of `fn` surfaces when its turn comes. Returning early stops starting items.
 */
export async function* mapInOrderUnblocked<T, R>(
  items: AsyncIterable<T> | Iterable<T>,
  jobs: number,
  fn: (item: T) => Promise<R>,
  hold = jobs * 16,
): AsyncGenerator<R> {
  const slots = new Slots(jobs);
  const started: Promise<R>[] = [];
  let producing = true;
  let stop = false;
  let failure: { error: unknown } | undefined;
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  const wake = (which: 'consumer' | 'producer') => {
    const w = which === 'consumer' ? wakeConsumer : wakeProducer;
    if (which === 'consumer') wakeConsumer = undefined;
    else wakeProducer = undefined;
    w?.();
  };

  void (async () => {
    try {
      for await (const item of items) {
        while (started.length >= hold && !stop) await new Promise<void>((r) => (wakeProducer = r));
        if (stop) break;
        await slots.whenFree();
        if (stop) break;
        const p = slots.start(() => fn(item));
        p.catch(() => {}); // awaited in order below; this keeps an early rejection from counting as unhandled
        started.push(p);
        wake('consumer');
      }
    } catch (error) {
      failure = { error };
    } finally {
      producing = false;
      wake('consumer');
    }
  })();

  try {
    for (;;) {
      if (started.length) {
        const value = await started[0];
        started.shift();
        wake('producer');
        yield value;
        continue;
      }
      if (!producing) break;
      await new Promise<void>((r) => (wakeConsumer = r));
    }
    if (failure) throw failure.error;
  } finally {
    stop = true;
    wake('producer');
  }
}
