"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.setNameOfManifestKey = setNameOfManifestKey;
exports.listChunkSets = listChunkSets;
const abort_1 = require("../abort");
const slots_1 = require("../slots");
const layout_1 = require("./layout");
const lister_1 = require("./lister");
const object_io_1 = require("./object-io");
const errors_1 = require("./errors");
/**
 * The set name a key is the commit point of: `NAME/MANIFEST` where NAME's last segment
 * is not a generation (`NAME/GEN/MANIFEST` is a generation's own copy, not a set).
 */
function setNameOfManifestKey(key) {
    if (!key.endsWith('/MANIFEST'))
        return null;
    const name = key.slice(0, -'/MANIFEST'.length);
    if (!name)
        return null;
    const last = name.slice(name.lastIndexOf('/') + 1);
    return (0, layout_1.isGeneration)(last) ? null : name;
}
/**
 * Every chunk set under a prefix, in name order: one recursive listing (streamed, never
 * held whole), and a GET of each set's MANIFEST, a few at a time. A MANIFEST that is
 * missing by the time it is read, or does not parse, yields an entry with `error`.
 */
async function* listChunkSets(opts) {
    const jobs = Math.max(1, opts.jobs ?? 8);
    const scope = new abort_1.RequestScope(opts.signal, jobs + 1);
    const { client, bucket, prefix, pageSize } = opts;
    const signal = scope.signal;
    async function* manifests() {
        for await (const entry of (0, lister_1.listObjects)({ client, bucket, prefix, pageSize, signal })) {
            if (!('key' in entry))
                continue;
            const name = setNameOfManifestKey(entry.key);
            if (name !== null)
                yield { name, key: entry.key };
        }
    }
    try {
        yield* (0, slots_1.mapOrdered)(manifests(), jobs, ({ name, key }) => readSet(client, bucket, name, key, signal));
    }
    finally {
        scope.close();
    }
}
async function readSet(client, bucket, name, key, signal) {
    try {
        const m = await (0, object_io_1.readManifest)(client, bucket, key, { signal });
        if (!m)
            return { name, error: 'removed meanwhile' };
        return { name, generation: m.generation, size: m.size, created: m.created, chunks: m.chunks.length };
    }
    catch (err) {
        // Never reject: this promise may wait in the queue, and the listing reports an abort.
        return { name, error: signal.aborted ? 'interrupted' : (0, errors_1.describeError)(err) };
    }
}
