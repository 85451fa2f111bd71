import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import { CdcAccumulator, GEAR, cdcLengths, cdcParams, type CdcParams } from '../lib/s3/cdc';
import { seededBytes } from './helpers/data';

// Stream bugs live at chunk boundaries: the same bytes fed whole, a byte at a time and
// in odd write sizes must be cut at the same places; and cuts must depend on content
// only, so after an insertion the boundaries come back.

const P = cdcParams(1024);

function cut(writes: Buffer[], params: CdcParams = P): Buffer[] {
  const acc = new CdcAccumulator(params);
  const out: Buffer[] = [];
  for (const w of writes) for (const c of acc.push(w)) out.push(Buffer.from(c));
  const last = acc.flush();
  if (last) out.push(Buffer.from(last));
  return out;
}

function pieces(data: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0, i = 0; off < data.length; off += sizes[i++ % sizes.length]) out.push(data.subarray(off, off + sizes[i % sizes.length]));
  return out;
}

const hashes = (chunks: Buffer[]) => chunks.map((c) => createHash('sha256').update(c).digest('hex'));

describe('content-defined chunking', () => {
  const data = seededBytes(200_000, 7);

  it('cuts the same bytes the same way however they are written', () => {
    const whole = cut([data]);
    assert.deepEqual(whole.map((c) => c.length), cdcLengths(data, P));
    assert.deepEqual(Buffer.concat(whole), data);
    for (const sizes of [[1], [2], [3], [255], [256], [257], [1023, 1], [4095], [4096], [4097], [1, 7, 4093, 65537, 3, 12345]]) {
      const chunks = cut(pieces(data, sizes));
      assert.deepEqual(chunks.map((c) => c.length), whole.map((c) => c.length), `writes of ${sizes.join(',')}`);
      assert.deepEqual(Buffer.concat(chunks), data);
    }
  });

  it('keeps every chunk within min..max, only the last may be shorter, and averages near avg', () => {
    const lengths = cdcLengths(data, P);
    for (const [i, n] of lengths.entries()) {
      assert.ok(n <= P.max, `chunk ${i} is ${n}`);
      if (i < lengths.length - 1) assert.ok(n >= P.min, `chunk ${i} is ${n}`);
    }
    const mean = data.length / lengths.length;
    assert.ok(mean > P.avg * 0.7 && mean < P.avg * 1.5, `mean ${mean}`);
  });

  it('cuts a stream with no content boundary (zeros, at this average) at max', () => {
    assert.deepEqual(cdcLengths(Buffer.alloc(20_000), cdcParams(2048)), [8192, 8192, 3616]);
  });

  it('cuts a long run at the same offsets in every chunk when the hash meets the mask (zeros at 1K): one stored chunk', () => {
    const lengths = cdcLengths(Buffer.alloc(10_000), P);
    assert.ok(lengths.slice(0, -1).every((n) => n === lengths[0] && n >= P.min && n <= P.max), lengths.join(','));
  });

  it('cuts the same as the JS gear loop it replaces (WebAssembly, across the 1 MiB window)', () => {
    const data = seededBytes(8 * 2 ** 20, 11);
    for (const p of [{ min: 64, avg: 2 ** 16, max: 2 ** 21 }, { min: 64, avg: 2 ** 20, max: 2 ** 22 }]) {
      const lengths = cdcLengths(data, p);
      assert.deepEqual(lengths, referenceLengths(data, p));
      if (p.avg === 2 ** 20) assert.ok(lengths.some((n) => n > 2 ** 20), `some chunk spans windows: ${lengths.join(',')}`);
    }
  });

  it('cuts the empty stream into nothing and a short one into one chunk', () => {
    assert.deepEqual(cut([]), []);
    assert.deepEqual(cut([Buffer.alloc(0)]), []);
    assert.deepEqual(cdcLengths(Buffer.from('abc'), P), [3]);
  });

  it('re-synchronises after an insertion, a deletion and a changed byte', () => {
    const base = new Set(hashes(cut([data])));
    const changes: [string, Buffer, number][] = [
      ['one byte inserted at the front', Buffer.concat([Buffer.from([1]), data]), 1],
      ['a block inserted in the middle', Buffer.concat([data.subarray(0, 100_000), seededBytes(3000, 9), data.subarray(100_000)]), 3000],
      ['a block deleted', Buffer.concat([data.subarray(0, 50_000), data.subarray(53_000)]), 0],
      ['one byte changed', Buffer.concat([data.subarray(0, 150_000), Buffer.from([data[150_000] ^ 0xff]), data.subarray(150_001)]), 1],
    ];
    for (const [what, changed, added] of changes) {
      const chunks = cut([changed]);
      const fresh = chunks.filter((c) => !base.has(hashes([c])[0]));
      const freshBytes = fresh.reduce((n, c) => n + c.length, 0);
      // New: the bytes added and the chunks on either side of the change, no more.
      assert.ok(freshBytes <= added + 2 * P.max, `${what}: ${fresh.length} new chunks, ${freshBytes} bytes`);
      assert.ok(freshBytes > 0, `${what}: nothing new`);
    }
  });

  it('gives the same cuts in every version (the gear table is fixed): golden lengths', () => {
    assert.deepEqual(cdcLengths(sha256Chain(20_000), P).slice(0, 8), GOLDEN);
  });

  it('refuses an average that is not a power of two', () => {
    assert.throws(() => cdcParams(1000), /power of two/);
    assert.deepEqual(cdcParams(2 ** 20), { min: 2 ** 18, avg: 2 ** 20, max: 2 ** 22 });
  });
});

/** The golden input, made here so that no change to the tests' data helpers can move it: SHA-256 of "1", of that, and so on. */
function sha256Chain(size: number): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update('1').digest();
  for (let off = 0; off < size; off += block.length) {
    block.copy(out, off);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

const GOLDEN = [1343, 1040, 1376, 993, 360, 2022, 537, 1199];

/** cdc.ts's cut rule written plainly in JS, one byte at a time, over its gear table. */
function referenceLengths(data: Uint8Array, p: CdcParams): number[] {
  const bits = Math.log2(p.avg);
  const top = (n: number) => ~((1 << (32 - n)) - 1);
  const [small, large] = [top(bits + 1), top(bits - 1)];
  const out: number[] = [];
  let start = 0;
  while (start < data.length) {
    let h = 0;
    let end = Math.min(data.length, start + p.max);
    for (let i = start + p.min; i < end; i++) {
      h = ((h << 1) + GEAR[data[i]]) | 0;
      if ((h & (i - start < p.avg ? small : large)) === 0) {
        end = i + 1;
        break;
      }
    }
    out.push(end - start);
    start = end;
  }
  return out;
}
