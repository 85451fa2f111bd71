"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.removeTree = removeTree;
exports.removeBucket = removeBucket;
exports.removeAll = removeAll;
const client_s3_1 = require("@aws-sdk/client-s3");
const node_stream_1 = require("node:stream");
const promises_1 = require("node:stream/promises");
const layout_1 = require("./layout");
const lister_1 = require("./lister");
const object_io_1 = require("./object-io");
const retry_1 = require("./retry");
const errors_1 = require("./errors");
const delete_objects_1 = require("./delete-objects");
/**
 * Remove a key and everything under it. When `path` is a chunk set (`path/MANIFEST`
 * exists), its MANIFEST goes first, in a request of its own: an interrupted removal
 * leaves an uncommitted set (invisible to readers), never a manifest whose chunks are gone.
 * Returns the totals of both steps.
 */
async function removeTree(opts) {
    const { client, bucket, signal } = opts;
    const total = { deleted: 0, failed: 0, requests: 0 };
    const run = async (source) => {
        const sink = new delete_objects_1.DeleteObjects(opts);
        await (0, promises_1.pipeline)(node_stream_1.Readable.from(source, { objectMode: true }), sink);
        total.deleted += sink.deleted;
        total.failed += sink.failed;
        total.requests += sink.requests;
    };
    const dir = opts.path === '' || opts.path.endsWith('/');
    const prefix = dir ? opts.path : `${opts.path}/`;
    const first = [];
    if (!dir) {
        if (await (0, object_io_1.objectExists)(client, bucket, opts.path, { signal }))
            first.push(opts.path);
        if (await (0, object_io_1.objectExists)(client, bucket, (0, layout_1.manifestKey)(opts.path), { signal }))
            first.push((0, layout_1.manifestKey)(opts.path));
    }
    if (first.length)
        await run(first);
    const skip = new Set(first);
    await run((async function* () {
        for await (const entry of (0, lister_1.listObjects)({ client, bucket, prefix, pageSize: opts.pageSize, signal })) {
            if ('key' in entry && !skip.has(entry.key))
                yield entry.key;
        }
    })());
    return total;
}
/** Remove an empty bucket: `cannot remove bucket s3://b/: BucketNotEmpty (409)` otherwise. */
async function removeBucket(client, bucket, signal) {
    try {
        await (0, retry_1.withRetry)(() => client.send(new client_s3_1.DeleteBucketCommand({ Bucket: bucket }), { abortSignal: signal }), { signal });
    }
    catch (err) {
        throw new errors_1.S3OperationError('cannot remove bucket', `s3://${bucket}/`, err);
    }
}
/**
 * s3rm's whole job: remove every target, going on to the next after a failure.
 * Returns the number of failures (keys refused plus targets that failed); 0 is success.
 */
async function removeAll(targets, opts) {
    let failed = 0;
    const attempt = async (fn) => {
        try {
            failed += await fn();
        }
        catch (err) {
            if (opts.signal?.aborted)
                throw opts.signal.reason;
            failed++;
            opts.onError?.(err);
        }
    };
    if (opts.mode === 'keys') {
        await attempt(async () => {
            const sink = new delete_objects_1.DeleteObjects(opts);
            await (0, promises_1.pipeline)(node_stream_1.Readable.from(targets, { objectMode: true }), sink);
            return sink.failed;
        });
        return failed;
    }
    for (const t of targets) {
        if (opts.mode === 'tree') {
            await attempt(async () => (await removeTree({ ...opts, bucket: t.bucket, path: t.key })).failed);
            continue;
        }
        await attempt(async () => {
            if (opts.recursive) {
                const { failed: refused } = await removeTree({ ...opts, bucket: t.bucket, path: '' });
                if (refused)
                    return refused;
            }
            if (!opts.dryRun)
                await removeBucket(opts.client, t.bucket, opts.signal);
            opts.onBucketRemoved?.(t.bucket);
            return 0;
        });
    }
    return failed;
}
