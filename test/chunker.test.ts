import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ChunkAccumulator, createChunker } from '../lib/s3/chunker';

// Stream bugs live at chunk boundaries: every input is fed whole, a byte at a time, split
// in two at every position, and in odd write sizes, and must come out cut the same way.

const SIZE = 7;
const MAX_LENGTH = 40;
const ODD_WRITES = [1, 2, 3, 5, 11, 13, 64 * 1024 - 1];

/** Distinct-looking bytes, so a chunk out of place or a byte twice shows in the concatenation. */
function input(length: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

function inPieces(data: Buffer, piece: number): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < data.length; off += piece) out.push(data.subarray(off, off + piece));
  return out;
}

/** Every way the same bytes are fed, by name. */
function feedings(data: Buffer): [string, Buffer[]][] {
  const ways: [string, Buffer[]][] = [
    ['whole', [data]],
    ['byte at a time', inPieces(data, 1)],
  ];
  for (let i = 0; i <= data.length; i++) ways.push([`split at ${i}`, [data.subarray(0, i), data.subarray(i)]]);
  for (const w of ODD_WRITES) ways.push([`writes of ${w}`, inPieces(data, w)]);
  return ways;
}

function accumulate(writes: Buffer[], sizeOf: (i: number) => number = () => SIZE): Buffer[] {
  const acc = new ChunkAccumulator(sizeOf);
  const chunks: Buffer[] = [];
  for (const w of writes) for (const c of acc.push(w)) chunks.push(Buffer.from(c));
  const last = acc.flush();
  if (last) chunks.push(Buffer.from(last));
  return chunks;
}

async function throughChunker(writes: Buffer[], size = SIZE): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  await pipeline(
    Readable.from(writes),
    createChunker(size),
    new Writable({
      objectMode: true,
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk);
        cb();
      },
    }),
  );
  return chunks;
}

function assertCut(chunks: Buffer[], data: Buffer, sizeOf: (i: number) => number, what: string): void {
  assert.deepEqual(Buffer.concat(chunks), data, `${what}: concatenation`);
  if (data.length === 0) {
    assert.equal(chunks.length, 0, `${what}: no chunk for empty input`);
    return;
  }
  for (let i = 0; i < chunks.length - 1; i++) assert.equal(chunks[i].length, sizeOf(i), `${what}: chunk ${i} is whole`);
  const last = chunks[chunks.length - 1];
  assert.ok(last.length > 0 && last.length <= sizeOf(chunks.length - 1), `${what}: last chunk ${last.length} bytes`);
}

describe('ChunkAccumulator: every split point', () => {
  for (let length = 0; length <= MAX_LENGTH; length++) {
    it(`${length} bytes in chunks of ${SIZE}, fed every way`, () => {
      const data = input(length);
      const expected = Math.ceil(length / SIZE);
      for (const [how, writes] of feedings(data)) {
        const chunks = accumulate(writes);
        assertCut(chunks, data, () => SIZE, `${length} bytes ${how}`);
        assert.equal(chunks.length, expected, `${length} bytes ${how}: chunk count`);
      }
    });
  }

  it('growing sizes (1, 2, 3, ... as multipart parts grow): every chunk i is sizeOf(i) bytes but the last', () => {
    const sizeOf = (i: number) => i + 1;
    for (let length = 0; length <= MAX_LENGTH; length++) {
      const data = input(length);
      for (const [how, writes] of feedings(data)) assertCut(accumulate(writes, sizeOf), data, sizeOf, `${length} bytes ${how}`);
    }
    // 1 + 2 + 3 + 4 = 10, then 3 of the 5 of chunk 4.
    assert.deepEqual(
      accumulate([input(13)], sizeOf).map((c) => c.length),
      [1, 2, 3, 4, 3],
    );
  });

  it('uneven sizes change only at chunk boundaries, even when a write spans several', () => {
    const sizes = [5, 2, 9, 1, 4];
    const sizeOf = (i: number) => sizes[i % sizes.length];
    const data = input(MAX_LENGTH);
    for (const [how, writes] of feedings(data)) {
      const chunks = accumulate(writes, sizeOf);
      assertCut(chunks, data, sizeOf, how);
      assert.deepEqual(
        chunks.map((c) => c.length),
        [5, 2, 9, 1, 4, 5, 2, 9, 1, 2],
        how,
      );
    }
  });

  it('hands whole chunks inside one write out as views of it, without copying', () => {
    const allocated: number[] = [];
    const acc = new ChunkAccumulator(
      () => SIZE,
      (n) => {
        allocated.push(n);
        return Buffer.alloc(n);
      },
    );
    const data = input(3 * SIZE + 2);
    const cutting = acc.push(data);
    for (let i = 0; i < 3; i++) {
      const c = cutting.next().value as Buffer;
      assert.equal(c.buffer, data.buffer, `chunk ${i} shares the input's memory`);
      assert.equal(c.byteOffset, data.byteOffset + i * SIZE);
      assert.equal(c.length, SIZE);
    }
    assert.deepEqual(allocated, [], 'nothing allocated for whole chunks');
    assert.equal(cutting.next().done, true);
    assert.deepEqual(allocated, [SIZE], 'one buffer for the remainder');
    const last = acc.flush()!;
    assert.notEqual(last.buffer, data.buffer);
    assert.deepEqual(last, data.subarray(3 * SIZE));
    assert.equal(acc.flush(), null, 'flushing twice gives nothing more');
  });

  it('gathers a chunk from small writes into one buffer, each byte copied once', () => {
    const allocated: Buffer[] = [];
    const acc = new ChunkAccumulator(
      () => SIZE,
      (n) => {
        const b = Buffer.alloc(n);
        allocated.push(b);
        return b;
      },
    );
    const data = input(2 * SIZE);
    const chunks: Buffer[] = [];
    for (const w of inPieces(data, 3)) chunks.push(...acc.push(w));
    assert.equal(acc.flush(), null, 'ended on a boundary: no final chunk');
    assert.equal(chunks.length, 2);
    // 3+3+1 fills chunk 0; 2+3+2 fills chunk 1: one allocation each, the chunk is that buffer.
    assert.equal(allocated.length, 2);
    assert.equal(chunks[0], allocated[0]);
    assert.equal(chunks[1], allocated[1]);
    assert.deepEqual(Buffer.concat(chunks), data);
  });

  it('takes a view after a partial chunk is completed within the same write', () => {
    const acc = new ChunkAccumulator(() => SIZE);
    const data = input(3 + 2 * SIZE);
    assert.deepEqual([...acc.push(data.subarray(0, 3))], []);
    const chunks = [...acc.push(data.subarray(3))];
    assert.equal(chunks.length, 2);
    assert.notEqual(chunks[0].buffer, data.buffer, 'the first chunk was gathered');
    assert.equal(chunks[1].buffer, data.buffer, 'the second lies whole in the write');
    assert.deepEqual(Buffer.concat([...chunks, acc.flush()!]), data);
  });

  it('an empty write changes nothing', () => {
    const acc = new ChunkAccumulator(() => SIZE);
    assert.deepEqual([...acc.push(Buffer.alloc(0))], []);
    assert.equal(acc.flush(), null);
    assert.deepEqual([...acc.push(input(2))], []);
    assert.deepEqual([...acc.push(Buffer.alloc(0))], []);
    assert.deepEqual(acc.flush(), input(2));
  });
});

describe('createChunker: the Transform', () => {
  for (const length of [0, 1, SIZE - 1, SIZE, SIZE + 1, 3 * SIZE, MAX_LENGTH]) {
    it(`${length} bytes through the stream, fed every way, cut as the accumulator cuts`, async () => {
      const data = input(length);
      for (const [how, writes] of feedings(data)) {
        const chunks = await throughChunker(writes);
        assertCut(chunks, data, () => SIZE, `${length} bytes ${how}`);
        assert.equal(chunks.length, Math.ceil(length / SIZE), how);
      }
    });
  }

  it('emits the final partial chunk at the end without being asked', async () => {
    const chunks = await throughChunker([input(10)], 4);
    assert.deepEqual(
      chunks.map((c) => c.length),
      [4, 4, 2],
    );
  });

  it('cuts 1 MiB + 1 in 64 KiB - 1 writes into 64 KiB chunks', async () => {
    const data = Buffer.alloc(2 ** 20 + 1);
    for (let i = 0; i < data.length; i++) data[i] = (i * 131) & 0xff;
    const chunks = await throughChunker(inPieces(data, 64 * 1024 - 1), 64 * 1024);
    assert.equal(chunks.length, 17);
    assert.ok(chunks.slice(0, 16).every((c) => c.length === 64 * 1024));
    assert.equal(chunks[16].length, 1);
    assert.deepEqual(Buffer.concat(chunks), data);
  });

  for (const bad of [0, -1, 1.5, NaN, Infinity]) {
    it(`rejects chunk size ${bad}`, () => {
      assert.throws(() => createChunker(bad), { name: 'RangeError', message: `chunk size must be a positive integer, not ${bad}` });
    });
  }
});
