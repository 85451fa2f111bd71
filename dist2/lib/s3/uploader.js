"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runTimestamp = runTimestamp;
exports.keyPathOf = keyPathOf;
exports.keyPrefixOf = keyPrefixOf;
exports.kindOf = kindOf;
exports.uploadFiles = uploadFiles;
const node_fs_1 = require("node:fs");
const promises_1 = require("node:fs/promises");
const node_path_1 = require("node:path");
const promises_2 = require("node:stream/promises");
const abort_1 = require("../abort");
const slots_1 = require("../slots");
const object_io_1 = require("./object-io");
const errors_1 = require("./errors");
const object_sink_1 = require("./object-sink");
const chunk_options_1 = require("./chunk-options");
/**
 * s3put's engine, the seed's backup.py as streams: paths in (from `find`, or directories
 * walked), each regular file uploaded to prefix + its path, a few at once; everything
 * that is not a regular file reported and left alone (S3 stores bytes, not links or
 * devices: a tar stream through s3sink keeps those).
 */
/** `20261125-163012`: the run's UTC time as backup.py wrote it (`%Y%m%d-%H%M%S`). */
function runTimestamp(now) {
    const iso = now.toISOString();
    return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
}
/**
 * The key part for a local path, as tar names members: `./a//b` is `a/b`, a leading
 * `/` and leading `../` are dropped (backup.py's `lstrip('/')`), so keys never climb
 * above the prefix.
 */
function keyPathOf(path) {
    let p = node_path_1.posix.normalize(path);
    for (;;) {
        const before = p;
        p = p.replace(/^\/+/, '').replace(/^\.\.(\/|$)/, '');
        if (p === before)
            break;
    }
    return p === '.' ? '' : p;
}
/** The key prefix for `s3://bucket/PREFIX`: `PREFIX/` (a directory), or empty for the bucket's root. */
function keyPrefixOf(prefix, timestamp) {
    const base = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    return timestamp ? `${base}${timestamp}/` : base;
}
/** What a path is, when it is not something s3put uploads. */
function kindOf(st) {
    if (st.isFile())
        return null;
    if (st.isDirectory())
        return 'directory';
    if (st.isSymbolicLink())
        return 'symbolic link';
    if (st.isFIFO())
        return 'FIFO';
    if (st.isSocket())
        return 'socket';
    if (st.isCharacterDevice())
        return 'character device';
    if (st.isBlockDevice())
        return 'block device';
    return 'special file';
}
/**
 * Upload every regular file among `paths` (walking directories when asked), `jobs` at
 * a time. Failures are reported and counted, never thrown: the rest are still tried.
 * Memory is about jobs × multipartThreshold (small files are sent from one Buffer,
 * which every retry resends; big ones stream through MultipartObjectSink).
 */
async function uploadFiles(paths, opts) {
    const totals = { uploaded: 0, bytes: 0, skipped: 0, failed: 0 };
    const slots = new slots_1.Slots(Math.max(1, opts.jobs ?? 4));
    return (0, abort_1.withRequestScope)(opts.signal, slots.size, async (signal) => {
        const upload = async (path, size) => {
            const key = opts.prefix + keyPathOf(path);
            try {
                const bytes = await uploadFile(path, key, size, { ...opts, signal });
                totals.uploaded++;
                totals.bytes += bytes;
                opts.onUploaded?.(key, path, bytes);
            }
            catch (err) {
                if (signal.aborted)
                    return;
                totals.failed++;
                opts.onFailure?.(path, err);
            }
        };
        // A file per free slot: the list is read no faster than files go out.
        for await (const { path, size } of regularFiles(paths, opts, totals)) {
            await slots.whenFree();
            if (signal.aborted)
                break;
            void slots.start(() => upload(path, size));
        }
        await slots.drain();
        if (signal.aborted)
            throw signal.reason;
        return totals;
    });
}
async function* regularFiles(paths, opts, totals) {
    for await (const path of paths) {
        let st;
        try {
            st = await (0, promises_1.lstat)(path);
        }
        catch (err) {
            totals.failed++;
            opts.onFailure?.(path, readError(path, err));
            continue;
        }
        const kind = kindOf(st);
        if (kind === null) {
            yield { path, size: st.size };
        }
        else if (kind === 'directory') {
            if (opts.walkDirectories)
                yield* regularFiles(await listDirectory(path, opts, totals), opts, totals);
        }
        else {
            totals.skipped++;
            opts.onSkipped?.(path, kind);
        }
    }
}
async function listDirectory(dir, opts, totals) {
    try {
        return (await (0, promises_1.readdir)(dir)).sort().map((name) => node_path_1.posix.join(dir, name));
    }
    catch (err) {
        totals.failed++;
        opts.onFailure?.(dir, readError(dir, err));
        return [];
    }
}
function readError(path, err) {
    const e = err;
    return new Error(`cannot read ${path}: ${e.code ?? e.message}`, { cause: err });
}
async function uploadFile(path, key, size, opts) {
    if (size > (opts.multipartThreshold ?? chunk_options_1.DEFAULT_CHUNK_SIZE)) {
        const sink = new object_sink_1.MultipartObjectSink({ client: opts.client, bucket: opts.bucket, key, chunkSize: opts.partSize, jobs: 2, signal: opts.signal });
        try {
            await (0, promises_2.pipeline)((0, node_fs_1.createReadStream)(path), sink);
        }
        catch (err) {
            throw err instanceof errors_1.S3OperationError ? err : readError(path, err);
        }
        return sink.bytes;
    }
    let body;
    try {
        body = await (0, promises_1.readFile)(path);
    }
    catch (err) {
        throw readError(path, err);
    }
    await (0, object_io_1.writeObject)(opts.client, opts.bucket, key, body, { signal: opts.signal });
    return body.length;
}
