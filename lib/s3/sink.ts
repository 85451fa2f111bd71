import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { MANIFEST_FORMAT, chunkKey, generationManifestKey, manifestKey, newGeneration, ManifestError, type Manifest } from './layout';
import { listPages } from './lister';
import { putObjectOnce, readObject, writeObject, type Digest } from './object-io';
import { deleteKeys } from './delete-objects';
import { currentGeneration, newestCompleteGeneration, pruneGenerations, type ResumableGeneration } from './generations';
import type { RetentionPolicy } from './retention';
import { ChunkedUploadSink, NotCommitted, type UploadSinkOptions } from './upload-sink';
import { S3OperationError, isNotFound } from './errors';

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
export class ChunkSetSink extends ChunkedUploadSink {
  readonly name: string;
  readonly generation: string;
  private readonly retention: RetentionPolicy;
  private readonly stored: ResumableGeneration['chunks'];
  /** The first chunk index whose stored copy differed from the input: reuse ends there. */
  private reuseBelow = Infinity;
  /** The committed manifest, once the sink has finished. */
  manifest?: Manifest;
  /** Problems after the commit (cleanup of old generations); the upload itself succeeded. */
  readonly warnings: string[] = [];

  constructor(opts: ChunkSetSinkOptions) {
    super(opts);
    this.name = opts.name.replace(/\/+$/, '');
    if (!this.name) throw new RangeError('a chunk set needs a name');
    this.retention = opts.retention ?? { last: 1 };
    this.generation = opts.resume?.generation ?? newGeneration(new Date(), randomBytes(4).toString('hex'));
    this.stored = opts.resume?.chunks ?? new Map();
  }

  protected override alreadyStored(index: number, digest: Digest): boolean {
    const stored = this.stored.get(index);
    const same = stored !== undefined && stored.size === digest.size && stored.etag?.replace(/"/g, '') === digest.md5;
    if (!same && stored !== undefined) this.reuseBelow = Math.min(this.reuseBelow, index);
    return same && index < this.reuseBelow;
  }

  protected chunkUrl(index: number): string {
    return `s3://${this.bucket}/${chunkKey(this.name, this.generation, index)}`;
  }

  protected putChunk(index: number, chunk: Buffer, digest: Digest): Promise<void> {
    return putObjectOnce(this.client, this.bucket, chunkKey(this.name, this.generation, index), chunk, digest, this.abort.signal, { storageClass: this.storageClass });
  }

  protected async commit(): Promise<void> {
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      name: this.name,
      generation: this.generation,
      chunkSize: this.chunkSize,
      chunks: this.chunks.map((c, index) => ({ key: chunkKey(this.name, this.generation, index), size: c.size, sha256: c.sha256 })),
      size: this.bytes,
      sha256: this.wholeSha256,
      created: new Date().toISOString(),
    };
    const body = Buffer.from(`${JSON.stringify(manifest, null, 1)}\n`);
    await this.putManifest(generationManifestKey(this.name, this.generation), body);
    if (await this.superseded()) return;
    await this.putManifest(manifestKey(this.name), body);
    if (!(await this.settle(body))) {
      await this.discard();
      return;
    }
    this.manifest = manifest;
    try {
      await pruneGenerations(this.client, this.bucket, this.name, this.retention, { signal: this.abort.signal });
    } catch (err) {
      this.warnings.push(`committed, but could not remove old generations: ${(err as Error).message}`);
    }
  }

  private putManifest(key: string, body: Buffer): Promise<void> {
    return writeObject(this.client, this.bucket, key, body, { contentType: 'application/json', attempts: this.attempts, signal: this.abort.signal });
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
  private async settle(body: Buffer): Promise<boolean> {
    const url = `s3://${this.bucket}/${manifestKey(this.name)}`;
    let current: Manifest | undefined;
    let unreadable: ManifestError | undefined;
    for (let round = 0; round < SETTLE_ROUNDS; round++) {
      try {
        current = await currentGeneration(this.client, this.bucket, this.name, this.abort.signal);
        unreadable = undefined;
      } catch (err) {
        if (!(err instanceof ManifestError)) throw new S3OperationError('cannot read back', url, err);
        // s3rver overwrites a file in place, so a read racing another writer's PUT of
        // NAME/MANIFEST can see half of it (seen in the concurrent-writer test). S3 and
        // RGW never serve part of an object: a body that stays unreadable is not S3.
        unreadable = err;
        await delay(20 * 2 ** round);
        continue;
      }
      let newest: string;
      try {
        newest = await newestCompleteGeneration(this.client, this.bucket, this.name, this.generation, this.abort.signal);
      } catch (err) {
        if (current?.generation !== this.generation) throw new S3OperationError('cannot list', `s3://${this.bucket}/${this.name}/`, err);
        this.warnings.push(`committed, but could not look for a concurrent upload of the same name: ${(err as Error).message}`);
        return true;
      }
      if (current && current.generation >= newest) {
        if (current.generation === this.generation) return true;
        this.warnings.push(`not committed: a newer upload (generation ${current.generation}) was committed meanwhile`);
        return false;
      }
      // Missing, or older than the newest complete generation: name that one again.
      try {
        await this.putManifest(manifestKey(this.name), newest === this.generation ? body : await this.generationManifest(newest));
      } catch (err) {
        if (!isNotFound(err)) throw err; // that generation was removed meanwhile: look again
      }
    }
    if (unreadable) throw new Error(`cannot write ${url}: read back, it is not our MANIFEST (${unreadable.message}); is the endpoint an S3 server?`);
    const named = current ? `names generation ${current.generation}` : 'is missing';
    throw new Error(`cannot write ${url}: read back ${SETTLE_ROUNDS} times, it still ${named}; is the endpoint an S3 server?`);
  }

  private generationManifest(generation: string): Promise<Buffer> {
    return readObject(this.client, this.bucket, generationManifestKey(this.name, generation), { signal: this.abort.signal, attempts: this.attempts });
  }

  /**
   * Whether another writer has committed a newer generation meanwhile. NAME/MANIFEST only
   * moves forward: overwriting it with an older generation would point it at chunks that
   * writer's cleanup is entitled to delete (measured: 1 round in 5 of two concurrent
   * uploads lost the set that way). The older upload stands aside, as if committed and
   * replaced at once.
   */
  private async superseded(): Promise<boolean> {
    let current: Manifest | undefined;
    try {
      current = await currentGeneration(this.client, this.bucket, this.name, this.abort.signal);
    } catch (err) {
      if (!(err instanceof ManifestError)) throw new S3OperationError('cannot read', `s3://${this.bucket}/${manifestKey(this.name)}`, err);
    }
    if (!current || current.generation <= this.generation) return false;
    this.warnings.push(`not committed: a newer upload (generation ${current.generation}) was committed meanwhile`);
    await this.discard();
    return true;
  }

  protected async discard(failure?: Error): Promise<void> {
    // An upload that failed in transfer (network, server, SIGINT) leaves its chunks for
    // `--resume`; the next upload that commits removes them. A stream refused as
    // incomplete goes at once: its bytes must never be resumed into a backup.
    if (failure && !(failure instanceof NotCommitted)) return;
    // Listed, not taken from this.chunks: a PUT aborted by us may still have landed.
    // A fresh signal: the sink's own is aborted by now, and this is a last short effort.
    const signal = AbortSignal.timeout(5000);
    try {
      // A failure after NAME/MANIFEST landed (its reply or the read-back lost) leaves this
      // generation committed: deleting it then would leave a MANIFEST naming nothing
      // (found by bench/soak.ts). If we cannot tell, keep it: orphans cost only space.
      const current = await currentGeneration(this.client, this.bucket, this.name, signal);
      if (current?.generation === this.generation) return;
      const keys: string[] = [];
      for await (const page of listPages({ client: this.client, bucket: this.bucket, prefix: `${this.name}/${this.generation}/`, signal })) {
        for (const e of page) if ('key' in e) keys.push(e.key);
      }
      await deleteKeys(this.client, this.bucket, keys, signal);
    } catch {
      // Orphans left here are removed by the next successful upload.
    }
  }
}

/** Rounds of settle() before a NAME/MANIFEST that will not hold our generation is an error. */
const SETTLE_ROUNDS = 5;
