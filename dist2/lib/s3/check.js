"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.checkGeneration = checkGeneration;
exports.formatCheck = formatCheck;
const error_line_1 = require("../error-line");
const source_1 = require("./source");
const slots_1 = require("../slots");
/**
 * Read every chunk of a generation and verify its size and SHA-256 against the
 * manifest, writing nothing (restic's `check --read-data` for one snapshot). Memory is
 * about `jobs` chunks; the buffers are dropped as soon as each chunk is checked.
 */
async function checkGeneration(client, bucket, manifest, opts = {}) {
    const slots = new slots_1.Slots(Math.max(1, opts.jobs ?? 4));
    const result = { generation: manifest.generation, size: manifest.size, chunks: manifest.chunks.length };
    const failures = new Map();
    for (const [chunk, part] of manifest.chunks.entries()) {
        if (failures.size)
            break;
        await slots.whenFree();
        void slots.start(async () => {
            try {
                await (0, source_1.readPart)(client, bucket, part, Buffer.allocUnsafe, opts);
            }
            catch (err) {
                if (opts.signal?.aborted)
                    return;
                failures.set(chunk, (0, error_line_1.errorLine)(err));
            }
        });
    }
    await slots.drain();
    if (opts.signal?.aborted)
        throw opts.signal.reason;
    if (failures.size) {
        const chunk = Math.min(...failures.keys());
        result.bad = { chunk, reason: failures.get(chunk) };
    }
    return result;
}
/** `ok GEN SIZE CHUNKS` or `BAD GEN chunk K: reason`, as `s3source --check` prints it. */
function formatCheck(c) {
    return c.bad ? `BAD ${c.generation} chunk ${c.bad.chunk}: ${c.bad.reason}` : `ok ${c.generation} ${c.size} ${c.chunks}`;
}
