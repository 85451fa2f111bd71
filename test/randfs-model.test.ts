import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { RandTree, readContent, type Entry } from '../lib/fuse/randfs';
import { safeHandler, safeOperations, EIO, type FaultRecord } from '../lib/fuse/safe';
import { faultLab } from '../lib/fuse/faulty';
import { Schedule } from '../lib/fuse/schedule';
import { parseFaultRule } from '../lib/fuse/rules';
import { randfsOperations } from '../lib/fuse/ops';
import { parseSizeRange, randfsOptionsFromFlags } from '../lib/fuse/options';
import { UsageError } from '../lib/cli';

function walk(tree: RandTree, path = '/', depth = 0, maxDepth = 3, out: string[] = []): string[] {
  for (const { name, entry } of tree.list(path) ?? []) {
    out.push(`${entry.kind} ${entry.path} ${entry.ino} ${entry.size} ${entry.mtime}`);
    if (entry.kind === 'dir' && depth + 1 < maxDepth) walk(tree, entry.path, depth + 1, maxDepth, out);
    assert.equal(entry.path.endsWith('/' + name), true);
  }
  return out;
}

function files(tree: RandTree, path = '/'): Entry[] {
  return (tree.list(path) ?? []).map((l) => l.entry).filter((e) => e.kind === 'file');
}

describe('randfs tree model (no mount)', () => {
  it('is a pure function of (seed, path): same seed same tree, other seed other tree', () => {
    const a = walk(new RandTree({ seed: 'one', fanout: 3, files: 2 }));
    const b = walk(new RandTree({ seed: 'one', fanout: 3, files: 2 }));
    const c = walk(new RandTree({ seed: 'two', fanout: 3, files: 2 }));
    // 5 entries at the root, 5 in each of 3 dirs, 5 in each of 9: 65
    assert.equal(a.length, 65);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.equal(new Set(c.map((l) => l.split(' ')[1])).size, c.length);
  });

  it('lists fanout directories then files, with distinct 8-letter names, and finds each by lookup', () => {
    const tree = new RandTree({ seed: 's', fanout: 5, files: 7 });
    const listing = tree.list('/')!;
    assert.equal(listing.length, 12);
    assert.deepEqual(
      listing.map((l) => l.entry.kind),
      [...Array(5).fill('dir'), ...Array(7).fill('file')],
    );
    assert.equal(new Set(listing.map((l) => l.name)).size, 12);
    for (const { name, entry } of listing) {
      assert.match(name, /^[a-z2-7]{8}$/);
      assert.deepEqual(tree.lookup('/' + name), entry);
    }
    const sub = listing[0].entry.path;
    for (const { entry } of tree.list(sub)!) assert.deepEqual(tree.lookup(entry.path), entry);
  });

  it('answers undefined for paths that do not exist', () => {
    const tree = new RandTree({ seed: 's', fanout: 2, files: 2 });
    const [dir, , file] = tree.list('/')!;
    assert.equal(tree.lookup('/aaaaaaaa'), undefined);
    assert.equal(tree.lookup('/nope'), undefined);
    assert.equal(tree.lookup(`${file.entry.path}/x`), undefined);
    assert.equal(tree.lookup(`${file.entry.path}/${dir.name}`), undefined);
    assert.equal(tree.list(file.entry.path), undefined);
    // A name valid in one directory is not valid in another.
    const other = tree.list(dir.entry.path)!;
    assert.equal(tree.lookup('/' + other[0].name), undefined);
  });

  it('keeps the root at inode 1 and gives stable inodes and mtimes', () => {
    const t1 = new RandTree({ seed: 'x' });
    const t2 = new RandTree({ seed: 'x' });
    assert.equal(t1.lookup('/')!.ino, 1);
    const p = t1.list(t1.list('/')![0].entry.path)![1].entry.path;
    assert.deepEqual(t1.lookup(p), t2.lookup(p));
    assert.equal(t1.lookup(p)!.mtime % 1000, 0);
    assert.ok(t1.lookup(p)!.mtime < Date.UTC(2008, 3, 24));
  });

  it('stops adding directories at --max-depth and keeps files there', () => {
    const tree = new RandTree({ seed: 'd', fanout: 2, files: 1, maxDepth: 2 });
    const d1 = tree.list('/')![0].entry;
    const d2 = tree.list(d1.path)![0].entry;
    assert.equal(d2.depth, 2);
    assert.equal(d2.dirs, 0);
    assert.deepEqual(
      tree.list(d2.path)!.map((l) => l.entry.kind),
      ['file'],
    );
  });

  it('is unbounded in depth without --max-depth', () => {
    const tree = new RandTree({ seed: 'deep', fanout: 1, files: 0 });
    let path = '/';
    for (let i = 0; i < 200; i++) path = tree.list(path)![0].entry.path;
    assert.equal(tree.lookup(path)!.depth, 200);
    assert.equal(tree.lookup(path)!.kind, 'dir');
  });

  it('sizes files within --file-size, fixed or a range', () => {
    const fixed = new RandTree({ seed: 'f', files: 20, fileSize: 4096 });
    assert.ok(files(fixed).every((e) => e.size === 4096));
    const ranged = new RandTree({ seed: 'f', files: 200, fileSize: { min: 10, max: 20 } });
    const sizes = files(ranged).map((e) => e.size);
    assert.ok(sizes.every((s) => s >= 10 && s <= 20));
    assert.ok(new Set(sizes).size > 5);
    const huge = new RandTree({ seed: 'f', files: 50, fileSize: { min: 0, max: 2 ** 40 } });
    assert.ok(files(huge).some((e) => e.size > 2 ** 32));
  });

  it('reads the same bytes at odd offsets and in odd chunk sizes as whole', () => {
    const tree = new RandTree({ seed: 'c', files: 3, fileSize: { min: 70_000, max: 140_000 } });
    for (const entry of files(tree)) {
      const whole = Buffer.alloc(entry.size);
      assert.equal(tree.read(entry, whole, 0, entry.size), entry.size);
      assert.deepEqual(readContent('c', entry.path, entry.size, 0, entry.size + 100), whole);
      for (const chunk of [1, 7, 15, 16, 17, 4095, 4097, 65_537]) {
        // Tiny chunks over the first pages, big ones to the end (and past it).
        const end = chunk < 4095 ? 9000 : entry.size;
        const parts: Buffer[] = [];
        for (let off = 0; off < end; off += chunk) {
          const b = Buffer.alloc(chunk);
          parts.push(b.subarray(0, tree.read(entry, b, off, chunk)));
        }
        assert.deepEqual(Buffer.concat(parts).subarray(0, end), whole.subarray(0, end), `chunk ${chunk}`);
      }
      for (const off of [3, 16 * 1024 - 1, 65_535, entry.size - 5]) {
        assert.deepEqual(readContent('c', entry.path, entry.size, off, 9), whole.subarray(off, off + 9));
      }
      const past = Buffer.alloc(10);
      assert.equal(tree.read(entry, past, entry.size, 10), 0);
      assert.equal(tree.read(entry, past, entry.size + 1000, 10), 0);
    }
  });

  it('reads content at offsets past 4 GiB (counter beyond 32 bits)', () => {
    const size = 2 ** 40;
    const at = 2 ** 36 + 13;
    const a = readContent('s', '/big', size, at, 40);
    const b = Buffer.concat([readContent('s', '/big', size, at, 3), readContent('s', '/big', size, at + 3, 37)]);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, readContent('s', '/big', size, 13, 40));
  });

  it('makes content look random: different files differ, bytes spread', () => {
    const a = readContent('s', '/a', 65_536, 0, 65_536);
    const b = readContent('s', '/b', 65_536, 0, 65_536);
    assert.notDeepEqual(a, b);
    const counts = new Array<number>(256).fill(0);
    for (const byte of a) counts[byte]++;
    assert.ok(Math.min(...counts) > 150 && Math.max(...counts) < 380);
    assert.notEqual(createHash('sha256').update(a).digest('hex'), createHash('sha256').update(b).digest('hex'));
  });

  it('under chaos, names change on every listing and earlier names stay reachable', () => {
    const tree = new RandTree({ seed: 'chaos', fanout: 2, files: 2, chaos: true });
    const first = tree.list('/')!.map((l) => l.name);
    const second = tree.list('/')!.map((l) => l.name);
    assert.notDeepEqual(first, second);
    for (const name of [...first, ...second]) assert.ok(tree.lookup('/' + name), name);
    const d = tree.list('/')![0].entry;
    assert.equal(tree.lookup(d.path)!.kind, 'dir');
    assert.ok(tree.list(d.path)!.length === 4);
  });

  it('rejects impossible shapes', () => {
    assert.throws(() => new RandTree({ fanout: -1 }), RangeError);
    assert.throws(() => new RandTree({ files: 1.5 }), RangeError);
    assert.throws(() => new RandTree({ fileSize: { min: 5, max: 1 } }), RangeError);
    assert.throws(() => new RandTree({ maxDepth: -1 }), RangeError);
  });
});

describe('randfs options', () => {
  it('parses --file-size as a size or a MIN-MAX range', () => {
    assert.deepEqual(parseSizeRange('4K'), { min: 4096, max: 4096 });
    assert.deepEqual(parseSizeRange('0-1M'), { min: 0, max: 1048576 });
    assert.equal(parseSizeRange('5-1'), undefined);
    assert.equal(parseSizeRange('x'), undefined);
    assert.equal(parseSizeRange('1-2-3'), undefined);
    assert.deepEqual(parseSizeRange('1P'), { min: 2 ** 50, max: 2 ** 50 });
    assert.deepEqual(parseSizeRange('1T-1PiB'), { min: 2 ** 40, max: 2 ** 50 });
    assert.equal(parseSizeRange('2P'), undefined);
    assert.equal(parseSizeRange('1025T'), undefined);
  });

  it('turns flags into options', () => {
    const o = randfsOptionsFromFlags({ seed: 'a', fanout: '3', files: '0', 'max-depth': '2', chaos: true, 'inject-errors': '0.5', timeout: '250ms' });
    const texts = (opts: { rules?: { text: string }[] }) => ({ ...opts, rules: opts.rules?.map((r) => r.text) });
    assert.deepEqual(
      texts(o),
      { seed: 'a', fanout: 3, files: 0, maxDepth: 2, chaos: true, log: undefined, rules: ['*=EIO@0.5'], opTimeoutMs: 250 },
    );
    assert.deepEqual(
      texts(randfsOptionsFromFlags({ 'file-size': '1K-2K', 'max-depth': '0', 'inject-errors': '1', timeout: '1m', fanout: '1000000', files: '0', fault: ['open=EAGAINx3'], delay: ['read=20ms'], corrupt: ['read@0.5'], 'short-read': true, 'fault-seed': 'f' })),
      { seed: undefined, fanout: 1_000_000, files: 0, maxDepth: 0, chaos: false, log: undefined, opTimeoutMs: 60_000, fileSize: { min: 1024, max: 2048 }, rules: ['*=EIO@1', 'open=EAGAINx3', 'read=20ms', 'read@0.5'], faultSeed: 'f', shortRead: true },
    );
    assert.deepEqual(
      texts(randfsOptionsFromFlags({})),
      { seed: undefined, fanout: undefined, files: undefined, maxDepth: undefined, chaos: false, log: undefined, opTimeoutMs: undefined, rules: [] },
    );
  });

  // One message style with every other filter: `invalid --NAME 'VALUE' (what is expected)`.
  const bad: [Record<string, string | string[] | boolean>, string][] = [
    [{ fanout: 'x' }, "invalid --fanout 'x' (a whole number from 0 to 1000000)"],
    [{ files: '-1' }, "invalid --files '-1' (a whole number from 0 to 1000000)"],
    [{ files: '1000001' }, "invalid --files '1000001' (a whole number from 0 to 1000000)"],
    [{ 'max-depth': '1.5' }, "invalid --max-depth '1.5' (a whole number from 0 to 1000000)"],
    [{ 'file-size': '9-1' }, "invalid --file-size '9-1' (a size up to 1P or a range MIN-MAX, such as 4K or 0-1M)"],
    [{ 'file-size': '1-2-3' }, "invalid --file-size '1-2-3' (a size up to 1P or a range MIN-MAX, such as 4K or 0-1M)"],
    [{ 'inject-errors': '2' }, "invalid --inject-errors '2' (a rate from 0 to 1, such as 0.1)"],
    [{ 'inject-errors': 'often' }, "invalid --inject-errors 'often' (a rate from 0 to 1, such as 0.1)"],
    [{ timeout: 'soon' }, "invalid --timeout 'soon' (a duration such as 30s, 500ms or 2m)"],
    [{ timeout: '0s' }, "invalid --timeout '0s' (a duration such as 30s, 500ms or 2m)"],
    [{ fanout: '999999', files: '999999' }, '--fanout plus --files must not exceed 1000000'],
    [{ fault: ['read=EBOGUS'] }, "invalid --fault 'read=EBOGUS' (unknown errno 'EBOGUS'; expected OP[:GLOB]=ERRNO[@RATE][xCOUNT])"],
    [{ delay: ['read=soon'] }, "invalid --delay 'read=soon' (duration 'soon' is not like 20ms, 1s or 2m; expected OP[:GLOB]=DURATION[@RATE])"],
    [{ corrupt: ['open@0.1'] }, "invalid --corrupt 'open@0.1' (unknown operation 'open'; only read; expected read[:GLOB][@RATE])"],
    [{ 'short-read': true }, '--short-read needs a --corrupt rule'],
    [{ delay: ['read=5s'] }, "--delay 'read=5s' is not shorter than --timeout (5000 ms): every delayed operation would time out"],
  ];
  for (const [flags, message] of bad) {
    it(`rejects ${JSON.stringify(flags)} with a usage error`, () => {
      assert.throws(() => randfsOptionsFromFlags(flags), (err: unknown) => {
        assert.ok(err instanceof UsageError);
        assert.equal(err.message, message);
        return true;
      });
    });
  }
});

describe('safe op wrapper (no mount)', () => {
  function collect() {
    const records: FaultRecord[] = [];
    return { records, onFault: (r: FaultRecord) => records.push(r) };
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  function call(h: (...a: any[]) => void, ...args: unknown[]): Promise<unknown[]> {
    return new Promise((resolve) => h(...args, (...res: unknown[]) => resolve(res)));
  }

  it('passes answers through untouched', async () => {
    const { records, onFault } = collect();
    const h = safeHandler('getattr', (p: string, cb: (e: number, s: unknown) => void) => cb(0, { p }), { onFault });
    assert.deepEqual(await call(h, '/x'), [0, { p: '/x' }]);
    assert.equal(records.length, 0);
  });

  it('turns a sync throw into one record with op, args and stack, and EIO', async () => {
    const { records, onFault } = collect();
    const h = safeHandler(
      'read',
      () => {
        throw new Error('boom');
      },
      { onFault },
    );
    assert.deepEqual(await call(h, '/f', 0, Buffer.alloc(8), 8, 3), [EIO]);
    assert.equal(records.length, 1);
    const [r] = records;
    assert.equal(r.op, 'read');
    assert.equal(r.kind, 'throw');
    assert.deepEqual(r.args, ['/f', 0, '<Buffer 8 bytes>', 8, 3]);
    assert.match(r.stack!, /boom\n\s+at /);
    assert.ok(!Number.isNaN(Date.parse(r.time)));
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(r)));
  });

  it('turns an async rejection into a record and EIO', async () => {
    const { records, onFault } = collect();
    const h = safeHandler('readdir', async () => Promise.reject(new TypeError('nope')), { onFault });
    assert.deepEqual(await call(h, '/'), [EIO]);
    assert.equal(records[0].kind, 'reject');
    assert.match(records[0].stack!, /TypeError: nope/);
  });

  it('answers EIO when a handler never calls back, and ignores a late answer', async () => {
    const { records, onFault } = collect();
    let late: ((...a: unknown[]) => void) | undefined;
    const h = safeHandler('open', (_p: string, _f: number, cb: (...a: unknown[]) => void) => (late = cb), { onFault, timeoutMs: 50 });
    const answers: unknown[][] = [];
    const first = new Promise<void>((resolve) =>
      h('/f', 0, (...res: unknown[]) => {
        answers.push(res);
        resolve();
      }),
    );
    const started = Date.now();
    await first;
    assert.ok(Date.now() - started >= 45);
    late!(0, 3);
    assert.deepEqual(answers, [[EIO]]);
    assert.equal(records[0].kind, 'timeout');
    assert.match(records[0].error, /no answer within 50 ms/);
  });

  it('answers once when a handler calls back twice, and survives a throwing log', async () => {
    const h = safeHandler('getattr', (cb: (e: number) => void) => {
      cb(0);
      cb(-2);
      throw new Error('after answering');
    }, {
      onFault: () => {
        throw new Error('log broken');
      },
    });
    const answers: unknown[][] = [];
    h((...res: unknown[]) => answers.push(res));
    assert.deepEqual(answers, [[0]]);
  });

  it('wraps a whole table: faults the schedule delivers are answers (no failure record), one delivered record each', async () => {
    const { records, onFault } = collect();
    const delivered: unknown[] = [];
    const lab = faultLab(randfsOperations(new RandTree({ seed: 'i' })), {
      schedule: new Schedule([parseFaultRule('getattr=EACCESx5')], 'i'),
      onDelivered: (r) => delivered.push(r),
    });
    const ops = safeOperations(lab.ops, { onFault });
    const results: unknown[][] = [];
    for (let i = 0; i < 10; i++) results.push(await call(ops.getattr as never, '/'));
    assert.deepEqual(results.map((r) => r[0]), [-13, -13, -13, -13, -13, 0, 0, 0, 0, 0]);
    assert.equal(records.length, 0);
    assert.equal(delivered.length, 5);
    assert.deepEqual([...lab.counts], [['getattr EACCES', 5]]);
  });

});
