import { type Manifest } from './layout';
import { type Digest } from './object-io';
import { type ResumableGeneration } from './generations';
import type { RetentionPolicy } from './retention';
import { ChunkedUploadSink, type UploadSinkOptions } from './upload-sink';
export interface ChunkSetSinkOptions extends UploadSinkOptions {
    /** The chunk set's name: a key prefix such as `backups/www`. */
    name: string;
    /** Which committed generations stay after the commit (default: the new one only, `{ last: 1 }`). */
    retention?: RetentionPolicy;
    /**
     * Continue this interrupted generation instead of starting a new one: a chunk it holds
     * with the input's size and MD5 is not sent again; from the first one that differs on,
     * chunks are sent as usual. The commit names this generation.
     */
    resume?: ResumableGeneration;
}
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
export declare class ChunkSetSink extends ChunkedUploadSink {
    readonly name: string;
    readonly generation: string;
    private readonly retention;
    private readonly stored;
    /** The first chunk index whose stored copy differed from the input: reuse ends there. */
    private reuseBelow;
    /** The committed manifest, once the sink has finished. */
    manifest?: Manifest;
    /** Problems after the commit (cleanup of old generations); the upload itself succeeded. */
    readonly warnings: string[];
    constructor(opts: ChunkSetSinkOptions);
    protected alreadyStored(index: number, digest: Digest): boolean;
    protected chunkUrl(index: number): string;
    protected putChunk(index: number, chunk: Buffer, digest: Digest): Promise<void>;
    protected commit(): Promise<void>;
    private putManifest;
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
    private settle;
    private generationManifest;
    /**
     * Whether another writer has committed a newer generation meanwhile. NAME/MANIFEST only
     * moves forward: overwriting it with an older generation would point it at chunks that
     * writer's cleanup is entitled to delete (measured: 1 round in 5 of two concurrent
     * uploads lost the set that way). The older upload stands aside, as if committed and
     * replaced at once.
     */
    private superseded;
    protected discard(failure?: Error): Promise<void>;
}
