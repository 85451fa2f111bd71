"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.benchChunker = benchChunker;
/**
 * Our chunker against the `stream-chunker` package on the same input, in one process:
 * MB/s for 64 KiB and 16 KiB writes into 8 MiB chunks, and the ratio. Also checks the
 * claim that made us write our own: stream-chunker drops the last partial chunk unless
 * `flush: true`. Target: ours >= 3 GB/s and >= 10x stream-chunker.
 * The Transform hands each consumer fresh chunk memory, so its figure swings with page
 * faults and garbage collection (1.8–4.7 GB/s here from one run to the next); the line
 * after it is the same cutting as s3sink does it, into reused buffers, without streams.
 *
 *   node dist/bench/chunker.js      # BENCH_CHUNKER_MIB=256 to change the input size
 */
const node_stream_1 = require("node:stream");
const promises_1 = require("node:stream/promises");
const node_crypto_1 = require("node:crypto");
const stream_chunker_1 = __importDefault(require("stream-chunker"));
const chunker_1 = require("../lib/s3/chunker");
const MiB = 2 ** 20;
const CHUNK = 8 * MiB;
function writes(total, size) {
    const block = (0, node_crypto_1.randomBytes)(size);
    let sent = 0;
    return new node_stream_1.Readable({
        read() {
            if (sent >= total)
                return void this.push(null);
            const n = Math.min(size, total - sent);
            sent += n;
            this.push(block.subarray(0, n));
        },
    });
}
async function measure(make, total, writeSize) {
    let out = 0;
    const sink = new node_stream_1.Writable({
        objectMode: true,
        write(chunk, _enc, cb) {
            out += chunk.length;
            cb();
        },
    });
    const t0 = process.hrtime.bigint();
    await (0, promises_1.pipeline)(writes(total, writeSize), make(), sink);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    return { mbps: total / 1e6 / s, out };
}
/** MB/s of ChunkAccumulator cutting `total` bytes of `writeSize` writes into buffers it gets back, as ChunkedUploadSink uses it. */
function measureReused(total, writeSize) {
    const block = (0, node_crypto_1.randomBytes)(writeSize);
    const spare = [];
    const acc = new chunker_1.ChunkAccumulator(() => CHUNK, (size) => spare.pop() ?? Buffer.allocUnsafeSlow(size));
    const t0 = process.hrtime.bigint();
    for (let sent = 0; sent < total; sent += writeSize)
        for (const chunk of acc.push(block))
            spare.push(chunk);
    return total / 1e6 / (Number(process.hrtime.bigint() - t0) / 1e9);
}
async function benchChunker() {
    const ours = Number(process.env.BENCH_CHUNKER_MIB ?? 1024) * MiB;
    // stream-chunker is quadratic in (chunk size / write size): a smaller input keeps the run short.
    const theirs = Math.min(ours, 64 * MiB);
    process.stdout.write(`chunker: ${ours / MiB} MiB (stream-chunker: ${theirs / MiB} MiB) into ${CHUNK / MiB} MiB chunks\n`);
    for (const writeSize of [64 * 1024, 16 * 1024]) {
        const a = await measure(() => (0, chunker_1.createChunker)(CHUNK), ours, writeSize);
        const b = await measure(() => (0, stream_chunker_1.default)(CHUNK, { flush: true }), theirs, writeSize);
        process.stdout.write(`  ${writeSize / 1024} KiB writes: pipekit ${a.mbps.toFixed(0)} MB/s, stream-chunker ${b.mbps.toFixed(0)} MB/s, ratio ${(a.mbps / b.mbps).toFixed(1)}x; ` +
            `into reused buffers (as in s3sink) ${measureReused(ours, writeSize).toFixed(0)} MB/s\n`);
    }
    const odd = 3 * MiB + 123;
    const dropped = await measure(() => (0, stream_chunker_1.default)(MiB), odd, 64 * 1024);
    const kept = await measure(() => (0, chunker_1.createChunker)(MiB), odd, 64 * 1024);
    process.stdout.write(`  last partial chunk, ${odd} bytes in: stream-chunker (no flush) emits ${dropped.out}, pipekit ${kept.out}\n`);
}
if (require.main === module) {
    benchChunker().catch((err) => {
        process.stderr.write(`bench chunker: ${err.message}\n`);
        process.exit(1);
    });
}
