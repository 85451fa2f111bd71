"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.seededBytes = seededBytes;
exports.oddPieces = oddPieces;
exports.repeatingStream = repeatingStream;
exports.sha256 = sha256;
exports.mulberry32 = mulberry32;
const node_stream_1 = require("node:stream");
const node_crypto_1 = require("node:crypto");
/** Random bytes that are the same for the same seed (tests must be repeatable). */
function seededBytes(size, seed = 1) {
    const out = Buffer.allocUnsafe(size);
    let block = (0, node_crypto_1.createHash)('sha256').update(String(seed)).digest();
    for (let off = 0; off < size; off += block.length) {
        block.copy(out, off, 0, Math.min(block.length, size - off));
        block = (0, node_crypto_1.createHash)('sha256').update(block).digest();
    }
    return out;
}
/** `data` as a Readable of pieces with awkward sizes (1 byte, primes, larger than a chunk…). */
function oddPieces(data, sizes = [1, 7, 4093, 65537, 3, 1 << 20, 12345]) {
    let off = 0;
    let i = 0;
    return new node_stream_1.Readable({
        read() {
            if (off >= data.length) {
                this.push(null);
                return;
            }
            const n = sizes[i++ % sizes.length];
            this.push(data.subarray(off, off + n));
            off += n;
        },
    });
}
/**
 * A Readable of `total` bytes made of one random block repeated: a big stream without
 * holding it in memory.
 */
function repeatingStream(total, blockSize = 1 << 20) {
    const block = (0, node_crypto_1.randomBytes)(blockSize);
    let sent = 0;
    return new node_stream_1.Readable({
        read() {
            if (sent >= total) {
                this.push(null);
                return;
            }
            const n = Math.min(blockSize, total - sent);
            sent += n;
            this.push(n === blockSize ? block : block.subarray(0, n));
        },
    });
}
function sha256(data) {
    return (0, node_crypto_1.createHash)('sha256').update(data).digest('hex');
}
/** mulberry32: a tiny deterministic PRNG, so a fault-rate or soak run repeats for its seed. */
function mulberry32(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
