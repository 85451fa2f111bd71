"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ChunkSetSource = exports.ChunkVerificationError = void 0;
exports.resolveSource = resolveSource;
exports.readPart = readPart;
const client_s3_1 = require("@aws-sdk/client-s3");
const node_stream_1 = require("node:stream");
const promises_1 = require("node:stream/promises");
const node_crypto_1 = require("node:crypto");
const abort_1 = require("../abort");
const slots_1 = require("../slots");
const layout_1 = require("./layout");
const lister_1 = require("./lister");
const object_io_1 = require("./object-io");
const direct_get_1 = require("./direct-get");
const retry_1 = require("./retry");
const errors_1 = require("./errors");
const chunk_options_1 = require("./chunk-options");
/** A stored chunk does not match its manifest: corrupt, truncated, or replaced. */
class ChunkVerificationError extends Error {
    exitCode = 1;
}
exports.ChunkVerificationError = ChunkVerificationError;
class TruncatedBody extends Error {
    name = 'IncompleteBody';
}
/**
 * Find what `s3://bucket/name` holds: a chunk set (NAME/MANIFEST), else a plain object
 * (read in ranges), else the legacy s3store layout `NAME-0000000000…`.
 */
async function resolveSource(opts) {
    const { client, bucket, signal } = opts;
    const name = opts.name.replace(/\/+$/, '');
    const url = `s3://${bucket}/${name}`;
    const retry = { attempts: opts.attempts, signal };
    const key = opts.generation ? (0, layout_1.generationManifestKey)(name, opts.generation) : (0, layout_1.manifestKey)(name);
    let manifest;
    try {
        manifest = await (0, object_io_1.readManifest)(client, bucket, key, retry);
    }
    catch (err) {
        if (err instanceof layout_1.ManifestError)
            throw new ChunkVerificationError(`s3://${bucket}/${key}: ${err.message}`);
        throw new errors_1.S3OperationError('cannot read', url, err);
    }
    if (!manifest && opts.generation)
        throw new ChunkVerificationError(`cannot read ${url}: no generation ${opts.generation}`);
    if (manifest)
        return { kind: 'chunk-set', parts: manifest.chunks.map((c) => ({ ...c })), size: manifest.size, manifest };
    try {
        const head = await (0, retry_1.withRetry)(() => client.send(new client_s3_1.HeadObjectCommand({ Bucket: bucket, Key: name }), { abortSignal: signal }), retry);
        const size = head.ContentLength ?? 0;
        const step = opts.chunkSize ?? chunk_options_1.DEFAULT_CHUNK_SIZE;
        const parts = [];
        for (let offset = 0; offset < size; offset += step) {
            parts.push({ key: name, offset, size: Math.min(step, size - offset), etag: head.ETag });
        }
        return { kind: 'object', parts, size };
    }
    catch (err) {
        if (!(0, errors_1.isNotFound)(err))
            throw new errors_1.S3OperationError('cannot read', url, err);
    }
    const parts = [];
    try {
        for await (const page of (0, lister_1.listPages)({ client, bucket, prefix: `${name}-`, signal })) {
            for (const e of page)
                if ('key' in e && (0, layout_1.isLegacyChunkKey)(name, e.key))
                    parts.push({ key: e.key, size: e.size });
        }
    }
    catch (err) {
        throw new errors_1.S3OperationError('cannot list', url, err);
    }
    if (!parts.length)
        throw new ChunkVerificationError(`cannot read ${url}: nothing stored under that name (no chunk set, object or s3store tag)`);
    return { kind: 's3store', parts, size: parts.reduce((n, p) => n + p.size, 0) };
}
/**
 * A Readable of the bytes stored at `s3://bucket/name` (chunk set, plain object or
 * s3store tag), in order, with up to `jobs` GETs prefetched. Each chunk is checked
 * against its manifest size and SHA-256 before a byte of it is pushed.
 *
 * It emits one Buffer per chunk. A consumer that hands each one back with release()
 * once written lets later chunks reuse that memory: without it, every chunk (or every
 * piece the socket delivered) lived long enough to reach V8's old generation, which then
 * collected 100–140 times per GiB (measured: a third of s3source's CPU).
 */
class ChunkSetSource extends node_stream_1.Readable {
    opts;
    jobs;
    abort;
    plan;
    chunks;
    /** Memory of emitted chunks the consumer released, for reuse. */
    spare = [];
    emitted = new WeakSet();
    pumping = false;
    /** Bytes pushed so far: on failure, how much of the output is good. */
    bytes = 0;
    constructor(opts) {
        super({ highWaterMark: 64 * 1024 });
        this.opts = opts;
        this.jobs = Math.max(1, opts.jobs ?? chunk_options_1.DEFAULT_JOBS);
        this.abort = (0, abort_1.requestController)(this.jobs);
        (0, abort_1.destroyOnAbort)(this, opts.signal);
    }
    /** Hand back a Buffer this stream emitted, once nothing refers to it any more. */
    release(chunk) {
        if (!this.emitted.delete(chunk.buffer))
            return;
        this.spare.push(chunk.buffer);
    }
    /** What is being read; resolved on the first read. */
    get resolved() {
        return this.plan;
    }
    _read() {
        if (this.pumping)
            return;
        this.pumping = true;
        this.pump().catch((err) => this.destroy(err));
    }
    _destroy(err, cb) {
        this.abort.abort(err ?? new Error('destroyed'));
        cb(err);
    }
    async pump() {
        this.plan ??= await resolveSource({ ...this.opts, signal: this.abort.signal });
        this.chunks ??= (0, slots_1.mapOrdered)(this.plan.parts, this.jobs, (part) => this.fetchPart(part));
        for (;;) {
            const next = await this.chunks.next();
            if (this.destroyed)
                return;
            if (next.done) {
                this.push(null);
                return;
            }
            this.bytes += next.value.length;
            this.emitted.add(next.value.buffer);
            if (!this.push(next.value)) {
                this.pumping = false;
                return;
            }
        }
    }
    takeBuffer(size) {
        const i = this.spare.findIndex((b) => b.byteLength >= size);
        if (i < 0)
            return Buffer.allocUnsafeSlow(size);
        return Buffer.from(this.spare.splice(i, 1)[0], 0, size);
    }
    fetchPart(part) {
        const { client, bucket, attempts } = this.opts;
        return readPart(client, bucket, part, (size) => this.takeBuffer(size), { attempts, signal: this.abort.signal });
    }
}
exports.ChunkSetSource = ChunkSetSource;
/**
 * One part of a source, whole and verified, into a Buffer from `alloc`; fails as
 * `cannot read s3://b/k: …` (a ChunkVerificationError when the bytes are wrong).
 */
async function readPart(client, bucket, part, alloc, opts = {}) {
    const url = `s3://${bucket}/${part.key}`;
    try {
        return await (0, retry_1.withRetry)(() => getOnce(client, bucket, part, alloc, opts.signal), opts);
    }
    catch (err) {
        if (err instanceof ChunkVerificationError || opts.signal?.aborted)
            throw err;
        const missing = (0, errors_1.isNotFound)(err) ? ' (chunk missing)' : '';
        throw new errors_1.S3OperationError('cannot read', url + missing, err);
    }
}
/**
 * One GET into a Buffer of the expected size, each piece copied and hashed as it
 * arrives (so it dies young): a body cut short is retried, a wrong size or SHA-256 is not.
 */
async function getOnce(client, bucket, part, alloc, signal) {
    const url = `s3://${bucket}/${part.key}`;
    const range = part.offset !== undefined ? `bytes=${part.offset}-${part.offset + part.size - 1}` : undefined;
    const buf = alloc(part.size);
    const direct = (0, direct_get_1.readBodyInto)(new client_s3_1.GetObjectCommand({ Bucket: bucket, Key: part.key, Range: range, IfMatch: range ? part.etag : undefined }), buf, (0, direct_get_1.clientTimeouts)(client), signal);
    const out = await client.send(direct.cmd, { abortSignal: signal });
    const declared = out.ContentLength;
    if (declared !== undefined && declared !== part.size) {
        throw new ChunkVerificationError(`chunk ${url} is ${declared} bytes, expected ${part.size}`);
    }
    const read = direct.filled();
    if (read !== undefined) {
        if (read !== part.size)
            throw new TruncatedBody(`body of ${part.key} ended after ${read} of ${part.size} bytes`);
        verify(url, part, buf);
        return buf;
    }
    const hash = part.sha256 ? (0, node_crypto_1.createHash)('sha256') : undefined;
    let filled = 0;
    // 'data' rather than for-await: the async iterator's read() concatenates whatever the
    // socket buffered meanwhile, one more copy of most bytes.
    const body = out.Body;
    body.on('data', (piece) => {
        if (filled + piece.length > part.size) {
            body.destroy(new ChunkVerificationError(`chunk ${url} is longer than ${part.size} bytes`));
            return;
        }
        hash?.update(piece);
        buf.set(piece, filled);
        filled += piece.length;
    });
    await (0, promises_1.finished)(body);
    if (filled !== part.size)
        throw new TruncatedBody(`body of ${part.key} ended after ${filled} of ${part.size} bytes`);
    checkSha256(url, part, hash?.digest('hex'));
    return buf;
}
function verify(url, part, buf) {
    checkSha256(url, part, part.sha256 && (0, node_crypto_1.createHash)('sha256').update(buf).digest('hex'));
}
function checkSha256(url, part, sha) {
    if (sha !== part.sha256) {
        throw new ChunkVerificationError(`chunk ${url} is corrupt: SHA-256 ${sha?.slice(0, 12)}… does not match the manifest`);
    }
}
