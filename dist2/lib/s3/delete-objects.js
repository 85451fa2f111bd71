"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DeleteObjects = exports.DELETE_BATCH = void 0;
exports.deleteBatch = deleteBatch;
exports.deleteKeys = deleteKeys;
exports.deleteObjects = deleteObjects;
const client_s3_1 = require("@aws-sdk/client-s3");
const node_stream_1 = require("node:stream");
const abort_1 = require("../abort");
const slots_1 = require("../slots");
const retry_1 = require("./retry");
const errors_1 = require("./errors");
/** S3's limit on keys per DeleteObjects request. */
exports.DELETE_BATCH = 1000;
/**
 * Delete up to 1000 keys in one DeleteObjects request (Quiet mode: only failures come
 * back). Per-key failures are returned, not thrown: the rest of a batch still goes.
 */
async function deleteBatch(client, bucket, keys, signal) {
    if (keys.length === 0)
        return [];
    if (keys.length > exports.DELETE_BATCH)
        throw new RangeError(`at most ${exports.DELETE_BATCH} keys per batch`);
    const out = await (0, retry_1.withRetry)(() => client.send(new client_s3_1.DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
    }), { abortSignal: signal }), { signal });
    return (out.Errors ?? []).map((e) => ({ key: e.Key ?? '', code: e.Code ?? 'Error', message: e.Message ?? '' }));
}
/** Delete any number of keys, 1000 per request. */
async function deleteKeys(client, bucket, keys, signal) {
    const failures = [];
    for (let i = 0; i < keys.length; i += exports.DELETE_BATCH) {
        failures.push(...(await deleteBatch(client, bucket, keys.slice(i, i + exports.DELETE_BATCH), signal)));
    }
    return failures;
}
/**
 * An object-mode Writable that deletes every key written to it, batching up to 1000
 * keys per DeleteObjects request (the s5cmd approach: one request per thousand keys
 * instead of one per key). Keys of several buckets may be mixed; a batch never spans
 * two. Up to `jobs` requests run at once; further writes wait (backpressure), so memory
 * stays jobs × 1000 keys however many are piped in. A key the server refuses is a
 * per-key failure (reported, counted, the stream goes on); a request that fails after
 * its retries (no such bucket, access denied, network) ends the stream with one line.
 * As with `rm -f`, a key that does not exist counts as deleted: that is S3's answer.
 *
 * @example
 * await pipeline(listObjects({ client, bucket, prefix: 'tmp/' }), new DeleteObjects({ client, bucket }));
 */
class DeleteObjects extends node_stream_1.Writable {
    /** Keys deleted so far (with dryRun: that would be). */
    deleted = 0;
    /** Keys the server refused so far. */
    failed = 0;
    /** DeleteObjects requests sent so far. */
    requests = 0;
    opts;
    slots;
    batchSize;
    abort;
    batch = [];
    batchBucket = '';
    failure = null;
    constructor(opts) {
        super({ objectMode: true, highWaterMark: 1000 });
        this.opts = opts;
        this.slots = new slots_1.Slots(Math.max(1, opts.jobs ?? 4));
        this.abort = (0, abort_1.requestController)(this.slots.size);
        this.batchSize = Math.min(exports.DELETE_BATCH, Math.max(1, opts.batchSize ?? exports.DELETE_BATCH));
        (0, abort_1.destroyOnAbort)(this, opts.signal);
    }
    _write(target, _enc, cb) {
        if (this.failure)
            return cb(this.failure);
        const key = typeof target === 'string' ? target : target.key;
        const bucket = (typeof target === 'string' ? undefined : target.bucket) ?? this.opts.bucket;
        if (!bucket)
            return cb(new RangeError(`no bucket for key ${key}`));
        if (this.batch.length && (bucket !== this.batchBucket || this.batch.length >= this.batchSize))
            this.flush();
        this.batchBucket = bucket;
        this.batch.push(key);
        if (this.batch.length >= this.batchSize)
            this.flush();
        this.slots.whenFree().then(() => cb(this.failure), cb);
    }
    _final(cb) {
        if (this.batch.length)
            this.flush();
        this.slots.drain().then(() => cb(this.failure), cb);
    }
    _destroy(err, cb) {
        this.abort.abort(err ?? new Error('destroyed'));
        void this.slots.drain().then(() => cb(err));
    }
    flush() {
        const keys = this.batch;
        const bucket = this.batchBucket;
        this.batch = [];
        this.slots.start(() => this.send(bucket, keys)).catch((err) => {
            this.failure ??= this.abort.signal.aborted
                ? this.abort.signal.reason
                : new errors_1.S3OperationError('cannot delete', keys.length === 1 ? `s3://${bucket}/${keys[0]}` : `${keys.length} keys in s3://${bucket}/`, err);
        });
    }
    async send(bucket, keys) {
        let failures = [];
        if (!this.opts.dryRun) {
            this.requests++;
            failures = await deleteBatch(this.opts.client, bucket, keys, this.abort.signal);
        }
        const refused = new Set();
        for (const f of failures) {
            refused.add(f.key);
            this.failed++;
            this.opts.onFailure?.({ ...f, bucket });
        }
        for (const key of keys) {
            if (refused.has(key))
                continue;
            this.deleted++;
            this.opts.onDeleted?.(bucket, key);
        }
    }
}
exports.DeleteObjects = DeleteObjects;
/** `new DeleteObjects(opts)`, for `pipeline(listObjects(…), deleteObjects(…))`. */
function deleteObjects(opts) {
    return new DeleteObjects(opts);
}
