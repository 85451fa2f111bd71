"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const node_stream_1 = require("node:stream");
const promises_1 = require("node:stream/promises");
const chunker_1 = require("../lib/s3/chunker");
// Stream bugs live at chunk boundaries: every input is fed whole, a byte at a time, split
// in two at every position, and in odd write sizes, and must come out cut the same way.
const SIZE = 7;
const MAX_LENGTH = 40;
const ODD_WRITES = [1, 2, 3, 5, 11, 13, 64 * 1024 - 1];
/** Distinct-looking bytes, so a chunk out of place or a byte twice shows in the concatenation. */
function input(length) {
    const b = Buffer.alloc(length);
    for (let i = 0; i < length; i++)
        b[i] = (i * 31 + 7) & 0xff;
    return b;
}
function inPieces(data, piece) {
    const out = [];
    for (let off = 0; off < data.length; off += piece)
        out.push(data.subarray(off, off + piece));
    return out;
}
/** Every way the same bytes are fed, by name. */
function feedings(data) {
    const ways = [
        ['whole', [data]],
        ['byte at a time', inPieces(data, 1)],
    ];
    for (let i = 0; i <= data.length; i++)
        ways.push([`split at ${i}`, [data.subarray(0, i), data.subarray(i)]]);
    for (const w of ODD_WRITES)
        ways.push([`writes of ${w}`, inPieces(data, w)]);
    return ways;
}
function accumulate(writes, sizeOf = () => SIZE) {
    const acc = new chunker_1.ChunkAccumulator(sizeOf);
    const chunks = [];
    for (const w of writes)
        for (const c of acc.push(w))
            chunks.push(Buffer.from(c));
    const last = acc.flush();
    if (last)
        chunks.push(Buffer.from(last));
    return chunks;
}
async function throughChunker(writes, size = SIZE) {
    const chunks = [];
    await (0, promises_1.pipeline)(node_stream_1.Readable.from(writes), (0, chunker_1.createChunker)(size), new node_stream_1.Writable({
        objectMode: true,
        write(chunk, _enc, cb) {
            chunks.push(chunk);
            cb();
        },
    }));
    return chunks;
}
function assertCut(chunks, data, sizeOf, what) {
    strict_1.default.deepEqual(Buffer.concat(chunks), data, `${what}: concatenation`);
    if (data.length === 0) {
        strict_1.default.equal(chunks.length, 0, `${what}: no chunk for empty input`);
        return;
    }
    for (let i = 0; i < chunks.length - 1; i++)
        strict_1.default.equal(chunks[i].length, sizeOf(i), `${what}: chunk ${i} is whole`);
    const last = chunks[chunks.length - 1];
    strict_1.default.ok(last.length > 0 && last.length <= sizeOf(chunks.length - 1), `${what}: last chunk ${last.length} bytes`);
}
(0, node_test_1.describe)('ChunkAccumulator: every split point', () => {
    for (let length = 0; length <= MAX_LENGTH; length++) {
        (0, node_test_1.it)(`${length} bytes in chunks of ${SIZE}, fed every way`, () => {
            const data = input(length);
            const expected = Math.ceil(length / SIZE);
            for (const [how, writes] of feedings(data)) {
                const chunks = accumulate(writes);
                assertCut(chunks, data, () => SIZE, `${length} bytes ${how}`);
                strict_1.default.equal(chunks.length, expected, `${length} bytes ${how}: chunk count`);
            }
        });
    }
    (0, node_test_1.it)('growing sizes (1, 2, 3, ... as multipart parts grow): every chunk i is sizeOf(i) bytes but the last', () => {
        const sizeOf = (i) => i + 1;
        for (let length = 0; length <= MAX_LENGTH; length++) {
            const data = input(length);
            for (const [how, writes] of feedings(data))
                assertCut(accumulate(writes, sizeOf), data, sizeOf, `${length} bytes ${how}`);
        }
        // 1 + 2 + 3 + 4 = 10, then 3 of the 5 of chunk 4.
        strict_1.default.deepEqual(accumulate([input(13)], sizeOf).map((c) => c.length), [1, 2, 3, 4, 3]);
    });
    (0, node_test_1.it)('uneven sizes change only at chunk boundaries, even when a write spans several', () => {
        const sizes = [5, 2, 9, 1, 4];
        const sizeOf = (i) => sizes[i % sizes.length];
        const data = input(MAX_LENGTH);
        for (const [how, writes] of feedings(data)) {
            const chunks = accumulate(writes, sizeOf);
            assertCut(chunks, data, sizeOf, how);
            strict_1.default.deepEqual(chunks.map((c) => c.length), [5, 2, 9, 1, 4, 5, 2, 9, 1, 2], how);
        }
    });
    (0, node_test_1.it)('hands whole chunks inside one write out as views of it, without copying', () => {
        const allocated = [];
        const acc = new chunker_1.ChunkAccumulator(() => SIZE, (n) => {
            allocated.push(n);
            return Buffer.alloc(n);
        });
        const data = input(3 * SIZE + 2);
        const cutting = acc.push(data);
        for (let i = 0; i < 3; i++) {
            const c = cutting.next().value;
            strict_1.default.equal(c.buffer, data.buffer, `chunk ${i} shares the input's memory`);
            strict_1.default.equal(c.byteOffset, data.byteOffset + i * SIZE);
            strict_1.default.equal(c.length, SIZE);
        }
        strict_1.default.deepEqual(allocated, [], 'nothing allocated for whole chunks');
        strict_1.default.equal(cutting.next().done, true);
        strict_1.default.deepEqual(allocated, [SIZE], 'one buffer for the remainder');
        const last = acc.flush();
        strict_1.default.notEqual(last.buffer, data.buffer);
        strict_1.default.deepEqual(last, data.subarray(3 * SIZE));
        strict_1.default.equal(acc.flush(), null, 'flushing twice gives nothing more');
    });
    (0, node_test_1.it)('gathers a chunk from small writes into one buffer, each byte copied once', () => {
        const allocated = [];
        const acc = new chunker_1.ChunkAccumulator(() => SIZE, (n) => {
            const b = Buffer.alloc(n);
            allocated.push(b);
            return b;
        });
        const data = input(2 * SIZE);
        const chunks = [];
        for (const w of inPieces(data, 3))
            chunks.push(...acc.push(w));
        strict_1.default.equal(acc.flush(), null, 'ended on a boundary: no final chunk');
        strict_1.default.equal(chunks.length, 2);
        // 3+3+1 fills chunk 0; 2+3+2 fills chunk 1: one allocation each, the chunk is that buffer.
        strict_1.default.equal(allocated.length, 2);
        strict_1.default.equal(chunks[0], allocated[0]);
        strict_1.default.equal(chunks[1], allocated[1]);
        strict_1.default.deepEqual(Buffer.concat(chunks), data);
    });
    (0, node_test_1.it)('takes a view after a partial chunk is completed within the same write', () => {
        const acc = new chunker_1.ChunkAccumulator(() => SIZE);
        const data = input(3 + 2 * SIZE);
        strict_1.default.deepEqual([...acc.push(data.subarray(0, 3))], []);
        const chunks = [...acc.push(data.subarray(3))];
        strict_1.default.equal(chunks.length, 2);
        strict_1.default.notEqual(chunks[0].buffer, data.buffer, 'the first chunk was gathered');
        strict_1.default.equal(chunks[1].buffer, data.buffer, 'the second lies whole in the write');
        strict_1.default.deepEqual(Buffer.concat([...chunks, acc.flush()]), data);
    });
    (0, node_test_1.it)('an empty write changes nothing', () => {
        const acc = new chunker_1.ChunkAccumulator(() => SIZE);
        strict_1.default.deepEqual([...acc.push(Buffer.alloc(0))], []);
        strict_1.default.equal(acc.flush(), null);
        strict_1.default.deepEqual([...acc.push(input(2))], []);
        strict_1.default.deepEqual([...acc.push(Buffer.alloc(0))], []);
        strict_1.default.deepEqual(acc.flush(), input(2));
    });
});
(0, node_test_1.describe)('createChunker: the Transform', () => {
    for (const length of [0, 1, SIZE - 1, SIZE, SIZE + 1, 3 * SIZE, MAX_LENGTH]) {
        (0, node_test_1.it)(`${length} bytes through the stream, fed every way, cut as the accumulator cuts`, async () => {
            const data = input(length);
            for (const [how, writes] of feedings(data)) {
                const chunks = await throughChunker(writes);
                assertCut(chunks, data, () => SIZE, `${length} bytes ${how}`);
                strict_1.default.equal(chunks.length, Math.ceil(length / SIZE), how);
            }
        });
    }
    (0, node_test_1.it)('emits the final partial chunk at the end without being asked', async () => {
        const chunks = await throughChunker([input(10)], 4);
        strict_1.default.deepEqual(chunks.map((c) => c.length), [4, 4, 2]);
    });
    (0, node_test_1.it)('cuts 1 MiB + 1 in 64 KiB - 1 writes into 64 KiB chunks', async () => {
        const data = Buffer.alloc(2 ** 20 + 1);
        for (let i = 0; i < data.length; i++)
            data[i] = (i * 131) & 0xff;
        const chunks = await throughChunker(inPieces(data, 64 * 1024 - 1), 64 * 1024);
        strict_1.default.equal(chunks.length, 17);
        strict_1.default.ok(chunks.slice(0, 16).every((c) => c.length === 64 * 1024));
        strict_1.default.equal(chunks[16].length, 1);
        strict_1.default.deepEqual(Buffer.concat(chunks), data);
    });
    for (const bad of [0, -1, 1.5, NaN, Infinity]) {
        (0, node_test_1.it)(`rejects chunk size ${bad}`, () => {
            strict_1.default.throws(() => (0, chunker_1.createChunker)(bad), { name: 'RangeError', message: `chunk size must be a positive integer, not ${bad}` });
        });
    }
});
