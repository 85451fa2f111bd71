"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ChunkSetSink = void 0;
const node_crypto_1 = require("node:crypto");
const promises_1 = require("node:timers/promises");
const layout_1 = require("./layout");
const lister_1 = require("./lister");
const object_io_1 = require("./object-io");
const delete_objects_1 = require("./delete-objects");
const generations_1 = require("./generations");
const upload_sink_1 = require("./upload-sink");
const errors_1 = require("./errors");
/**
 * A Writable that stores its input as a new generation of the chunk set `name`:
 * chunks first, then the generation's manifest, then `NAME/MANIFEST` (the commit
 * point), then removal of older generations and orphans of interrupted runs.
 * Until the commit the previous generation stays readable; a failure or destroy()
 * never touches it.
 *
 * @example
 * await pipeline(fs.createReadStream('db.dump'), new ChunkSetSink({ client, bucket, name: 'db' }));
 */
class ChunkSetSink extends upload_sink_1.ChunkedUploadSink {
    name;
    generation;
    retention;
    stored;
    /** The first chunk index whose stored copy differed from the input: reuse ends there. */
    reuseBelow = Infinity;
    /** The committed manifest, once the sink has finished. */
    manifest;
    /** Problems after the commit (cleanup of old generations); the upload itself succeeded. */
    warnings = [];
    constructor(opts) {
        super(opts);
        this.name = opts.name.replace(/\/+$/, '');
        if (!this.name)
            throw new RangeError('a chunk set needs a name');
        this.retention = opts.retention ?? { last: 1 };
        this.generation = opts.resume?.generation ?? (0, layout_1.newGeneration)(new Date(), (0, node_crypto_1.randomBytes)(4).toString('hex'));
        this.stored = opts.resume?.chunks ?? new Map();
    }
    alreadyStored(index, digest) {
        const stored = this.stored.get(index);
        const same = stored !== undefined && stored.size === digest.size && stored.etag?.replace(/"/g, '') === digest.md5;
        if (!same && stored !== undefined)
            this.reuseBelow = Math.min(this.reuseBelow, index);
        return same && index < this.reuseBelow;
    }
    chunkUrl(index) {
        return `s3://${this.bucket}/${(0, layout_1.chunkKey)(this.name, this.generation, index)}`;
    }
    putChunk(index, chunk, digest) {
        return (0, object_io_1.putObjectOnce)(this.client, this.bucket, (0, layout_1.chunkKey)(this.name, this.generation, index), chunk, digest, this.abort.signal);
    }
    async commit() {
        const manifest = {
            format: layout_1.MANIFEST_FORMAT,
            name: this.name,
            generation: this.generation,
            chunkSize: this.chunkSize,
            chunks: this.chunks.map((c, index) => ({ key: (0, layout_1.chunkKey)(this.name, this.generation, index), size: c.size, sha256: c.sha256 })),
            size: this.bytes,
            sha256: this.wholeSha256,
            created: new Date().toISOString(),
        };
        const body = Buffer.from(`${JSON.stringify(manifest, null, 1)}\n`);
        await this.putManifest((0, layout_1.generationManifestKey)(this.name, this.generation), body);
        if (await this.superseded())
            return;
        await this.putManifest((0, layout_1.manifestKey)(this.name), body);
        if (!(await this.settle(body))) {
            await this.discard();
            return;
        }
        this.manifest = manifest;
        try {
            await (0, generations_1.pruneGenerations)(this.client, this.bucket, this.name, this.retention, { signal: this.abort.signal });
        }
        catch (err) {
            this.warnings.push(`committed, but could not remove old generations: ${err.message}`);
        }
    }
    putManifest(key, body) {
        return (0, object_io_1.writeObject)(this.client, this.bucket, key, body, { contentType: 'application/json', attempts: this.attempts, signal: this.abort.signal });
    }
    /**
     * After our PUT of NAME/MANIFEST, make it name the newest complete generation (one with
     * its own GEN/MANIFEST), ours or a concurrent writer's, and tell whether that is ours.
     * The check in superseded() and the PUT are two steps: an older writer's PUT can land
     * after ours, or after a newer writer has committed and removed the older generation
     * as stale, leaving NAME/MANIFEST naming deleted chunks (reproduced with a proxy
     * holding one writer's PUT: both exited 0 and the set was unreadable). Every writer
     * settles after its PUT and each round starts with a read, so the last writer to
     * finish leaves the newest complete generation named.
     *
     * The read also rules out endpoints that are not S3: a 200 with no ETag passes the PUT
     * check (RGW sends none on multipart), and a web server answering every request with
     * an HTML page took whole uploads with exit 0 before this read existed.
     */
    async settle(body) {
        const url = `s3://${this.bucket}/${(0, layout_1.manifestKey)(this.name)}`;
        let current;
        let unreadable;
        for (let round = 0; round < SETTLE_ROUNDS; round++) {
            try {
                current = await (0, generations_1.currentGeneration)(this.client, this.bucket, this.name, this.abort.signal);
                unreadable = undefined;
            }
            catch (err) {
                if (!(err instanceof layout_1.ManifestError))
                    throw new errors_1.S3OperationError('cannot read back', url, err);
                // s3rver overwrites a file in place, so a read racing another writer's PUT of
                // NAME/MANIFEST can see half of it (seen in the concurrent-writer test). S3 and
                // RGW never serve part of an object: a body that stays unreadable is not S3.
                unreadable = err;
                await (0, promises_1.setTimeout)(20 * 2 ** round);
                continue;
            }
            let newest;
            try {
                newest = await (0, generations_1.newestCompleteGeneration)(this.client, this.bucket, this.name, this.generation, this.abort.signal);
            }
            catch (err) {
                if (current?.generation !== this.generation)
                    throw new errors_1.S3OperationError('cannot list', `s3://${this.bucket}/${this.name}/`, err);
                this.warnings.push(`committed, but could not look for a concurrent upload of the same name: ${err.message}`);
                return true;
            }
            if (current && current.generation >= newest) {
                if (current.generation === this.generation)
                    return true;
                this.warnings.push(`not committed: a newer upload (generation ${current.generation}) was committed meanwhile`);
                return false;
            }
            // Missing, or older than the newest complete generation: name that one again.
            try {
                await this.putManifest((0, layout_1.manifestKey)(this.name), newest === this.generation ? body : await this.generationManifest(newest));
            }
            catch (err) {
                if (!(0, errors_1.isNotFound)(err))
                    throw err; // that generation was removed meanwhile: look again
            }
        }
        if (unreadable)
            throw new Error(`cannot write ${url}: read back, it is not our MANIFEST (${unreadable.message}); is the endpoint an S3 server?`);
        const named = current ? `names generation ${current.generation}` : 'is missing';
        throw new Error(`cannot write ${url}: read back ${SETTLE_ROUNDS} times, it still ${named}; is the endpoint an S3 server?`);
    }
    generationManifest(generation) {
        return (0, object_io_1.readObject)(this.client, this.bucket, (0, layout_1.generationManifestKey)(this.name, generation), { signal: this.abort.signal, attempts: this.attempts });
    }
    /**
     * Whether another writer has committed a newer generation meanwhile. NAME/MANIFEST only
     * moves forward: overwriting it with an older generation would point it at chunks that
     * writer's cleanup is entitled to delete (measured: 1 round in 5 of two concurrent
     * uploads lost the set that way). The older upload stands aside, as if committed and
     * replaced at once.
     */
    async superseded() {
        let current;
        try {
            current = await (0, generations_1.currentGeneration)(this.client, this.bucket, this.name, this.abort.signal);
        }
        catch (err) {
            if (!(err instanceof layout_1.ManifestError))
                throw new errors_1.S3OperationError('cannot read', `s3://${this.bucket}/${(0, layout_1.manifestKey)(this.name)}`, err);
        }
        if (!current || current.generation <= this.generation)
            return false;
        this.warnings.push(`not committed: a newer upload (generation ${current.generation}) was committed meanwhile`);
        await this.discard();
        return true;
    }
    async discard(failure) {
        // An upload that failed in transfer (network, server, SIGINT) leaves its chunks for
        // `--resume`; the next upload that commits removes them. A stream refused as
        // incomplete goes at once: its bytes must never be resumed into a backup.
        if (failure && !(failure instanceof upload_sink_1.NotCommitted))
            return;
        // Listed, not taken from this.chunks: a PUT aborted by us may still have landed.
        // A fresh signal: the sink's own is aborted by now, and this is a last short effort.
        const signal = AbortSignal.timeout(5000);
        try {
            // A failure after NAME/MANIFEST landed (its reply or the read-back lost) leaves this
            // generation committed: deleting it then would leave a MANIFEST naming nothing
            // (found by bench/soak.ts). If we cannot tell, keep it: orphans cost only space.
            const current = await (0, generations_1.currentGeneration)(this.client, this.bucket, this.name, signal);
            if (current?.generation === this.generation)
                return;
            const keys = [];
            for await (const page of (0, lister_1.listPages)({ client: this.client, bucket: this.bucket, prefix: `${this.name}/${this.generation}/`, signal })) {
                for (const e of page)
                    if ('key' in e)
                        keys.push(e.key);
            }
            await (0, delete_objects_1.deleteKeys)(this.client, this.bucket, keys, signal);
        }
        catch {
            // Orphans left here are removed by the next successful upload.
        }
    }
}
exports.ChunkSetSink = ChunkSetSink;
/** Rounds of settle() before a NAME/MANIFEST that will not hold our generation is an error. */
const SETTLE_ROUNDS = 5;
