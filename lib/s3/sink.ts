import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { COMPRESSED_MANIFEST_FORMAT, MANIFEST_FORMAT, chunkAreaPrefix, chunkKey, dedupChunkKey, generationManifestKey, manifestKey, newGeneration, ManifestError, type DedupInfo, type Manifest } from './layout';
import { listPages } from './lister';
import { putObjectOnce, readObject, writeObject, type Digest } from './object-io';
import { deleteKeys } from './delete-objects';
import { currentGeneration, newestCompleteGeneration, pruneGenerations, type ResumableGeneration } from './generations';
import type { RetentionPolicy } from './retention';
import { ChunkedUploadSink, NotCommitted, type UploadSinkOptions } from './upload-sink';
import { S3OperationError, isNotFound } from './errors';
import { CdcAccumulator } from './cdc';
import { DEFAULT_JOBS } from './chunk-options';
import { Lease, waitForCollectors } from './dedup-lease';
import { knownChunks, storedChunks, type StoredForm } from './dedup-index';
import { compressChunk, writeCodec, type Codec } from './chunk-codec';
import { verifiesPayloadHash } from './client';
import { plural } from '../units';
import type { ChunkDigest } from './hash-pool';

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
  /**
   * Store the set deduplicated: content-defined chunks (these bounds) stored once each
   * under NAME/chunks/, shared by every generation; chunks a committed generation
   * references are not sent again. With `compress`, each new chunk is stored compressed
   * (chunk-codec.ts) when that makes it smaller.
   */
  dedup?: DedupInfo;
  /** With `dedup`: also skip chunks the chunk area holds unreferenced (an interrupted upload's), from one listing. */
  resumeStored?: boolean;
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
  private readonly dedup?: DedupInfo;
  private readonly resumeStored: boolean;
  /** Deduplicated: every chunk known to be stored and referenced, or sent by this upload, by the SHA-256 of its content. */
  private known = new Map<string, StoredForm>();
  /** Deduplicated, resuming: chunks the area holds unreferenced, by key, with their stored size and MD5. */
  private unreferenced = new Map<string, { size: number; md5: string }>();
  /**
   * Deduplicated: how each chunk is stored, by index, known once it is hashed; one this
   * upload sends gets its codec once compressed, and chunks of the same content share it.
   */
  private readonly forms: StoredForm[] = [];
  /** Deduplicated, compressing: the codec new chunks are compressed with. */
  private readonly codec?: Codec;
  private lease?: Lease;
  /** Deduplicated: no generation references a chunk and none is left to resume (a first upload). */
  private areaEmpty = false;
  /** Deduplicated: bytes of the chunks this upload sent, as sent (compressed), the rest being shared. */
  newBytes = 0;
  /** Deduplicated: bytes of the content of the chunks this upload sent, before compression. */
  newContentBytes = 0;
  /** Deduplicated, resuming: chunks not sent because an interrupted upload had stored them. */
  resumed = 0;

  constructor(opts: ChunkSetSinkOptions) {
    const dedup = opts.dedup;
    super({ ...opts, cutter: dedup ? (alloc) => new CdcAccumulator(dedup, alloc) : undefined });
    this.name = opts.name.replace(/\/+$/, '');
    if (!this.name) throw new RangeError('a chunk set needs a name');
    this.retention = opts.retention ?? { last: 1 };
    this.generation = opts.resume?.generation ?? newGeneration(new Date(), randomBytes(4).toString('hex'));
    this.stored = opts.resume?.chunks ?? new Map();
    this.dedup = dedup;
    this.codec = dedup?.compress ? writeCodec() : undefined;
    this.resumeStored = opts.resumeStored === true;
    // Every chunk a write completes starts at once (upload-sink.ts); content-defined
    // chunks can be far smaller than a write, so more than `jobs` requests may share
    // the signal: as many as a 64 KiB pipe write completes, plus the slots.
    if (dedup) setMaxListeners(2 * ((opts.jobs ?? DEFAULT_JOBS) + 2 + Math.ceil(2 ** 16 / dedup.min)), this.abort.signal);
  }

  /**
   * A deduplicated upload takes its lease, waits out any garbage collection in progress
   * and only then reads what is stored: see s3sink(1), "How it stays consistent".
   */
  override _construct(cb: (err?: Error | null) => void): void {
    if (!this.dedup) return cb();
    const { client, bucket, name } = this;
    const signal = this.abort.signal;
    (async () => {
      this.lease = await Lease.acquire(client, bucket, name, 'upload', this.generation, this.dedup!.leaseMs, signal);
      await waitForCollectors(client, bucket, name, this.lease, signal);
      this.known = await knownChunks(client, bucket, name, signal);
      if (this.resumeStored) this.unreferenced = await storedChunks(client, bucket, name, signal);
      this.areaEmpty = this.known.size === 0 && this.unreferenced.size === 0;
    })().then(
      () => cb(),
      (err: unknown) => cb(signal.aborted ? (signal.reason as Error) : new S3OperationError('cannot start an upload to', `s3://${bucket}/${name}`, err)),
    );
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    super._destroy(err, (e) => {
      void (this.lease?.release() ?? Promise.resolve()).then(() => cb(e));
    });
  }

  /**
   * Deduplicated: the SHA-256 here, and the MD5 (Content-MD5 and the ETag check) only
   * when asked for, of a chunk that is sent or compared with an interrupted upload's.
   * Most of a second night's chunks are known, and their MD5 was a third of its hashing
   * (profile of a 1 GiB second upload: 7.8 s in hash updates, one stream and two chunk
   * hashes). Into an empty chunk area every chunk is new: both hashes go to the worker
   * threads (profile of a 1 GiB first upload: 7.4 s of 29 s on the main thread was
   * chunk hashing).
   */
  protected override digest(index: number, chunk: Buffer): Promise<ChunkDigest> {
    if (!this.dedup) return super.digest(index, chunk);
    if (this.areaEmpty) return this.hashes.digest(chunk, { md5: !verifiesPayloadHash(this.client), inlineBelow: POST_ABOVE });
    return this.hashes.digest(chunk, { md5: false, inlineBelow: Infinity });
  }

  protected override alreadyStored(index: number, digest: Digest): boolean {
    if (this.dedup) return this.storedByContent(index, digest);
    const stored = this.stored.get(index);
    const same = stored !== undefined && stored.size === digest.size && stored.etag?.replace(/"/g, '') === digest.md5;
    if (!same && stored !== undefined) this.reuseBelow = Math.min(this.reuseBelow, index);
    return same && index < this.reuseBelow;
  }

  /**
   * Deduplicated: whether a chunk with these bytes is stored (or being sent by this
   * upload) already, compressed or not: a stored chunk serves in whatever codec it has.
   */
  private storedByContent(index: number, digest: Digest): boolean {
    const known = this.known.get(digest.sha256);
    if (known) {
      this.forms[index] = known;
      return true;
    }
    const form: StoredForm = { sha256: digest.sha256 };
    this.known.set(digest.sha256, form);
    this.forms[index] = form;
    return false;
  }

  /**
   * Deduplicated: a new chunk compressed when compressing makes it smaller (its key then
   * names the codec), and sent with the digests of the bytes sent: the signed SHA-256 and
   * the Content-MD5 are of the stored body, as for any PUT. Not sent when an interrupted
   * upload stored the same body (size and MD5) under the same key.
   */
  protected override async encode(index: number, chunk: Buffer, digest: Digest): Promise<{ body: Buffer; digest: Digest } | null> {
    if (!this.dedup) return super.encode(index, chunk, digest);
    const form = this.forms[index];
    let sent = { body: chunk, digest };
    const compressed = this.codec ? await compressChunk(chunk, this.codec) : null;
    if (compressed) {
      Object.assign(form, { codec: this.codec, stored: compressed.length });
      sent = { body: compressed, digest: await this.hashes.digest(compressed, { md5: false, inlineBelow: Infinity }) };
    }
    const left = this.unreferenced.get(dedupChunkKey(this.name, form.sha256, form.codec));
    if (left?.size === sent.digest.size && left.md5 === sent.digest.md5) {
      this.resumed++;
      return null;
    }
    this.newBytes += sent.digest.size;
    this.newContentBytes += digest.size;
    return sent;
  }

  private keyOf(index: number): string {
    if (!this.dedup) return chunkKey(this.name, this.generation, index);
    // Not hashed yet (a failure before): the line names the chunk area.
    const form = this.forms[index];
    return form ? dedupChunkKey(this.name, form.sha256, form.codec) : chunkAreaPrefix(this.name);
  }

  protected chunkUrl(index: number): string {
    return `s3://${this.bucket}/${this.keyOf(index)}`;
  }

  protected putChunk(index: number, body: Buffer, digest: Digest): Promise<void> {
    return putObjectOnce(this.client, this.bucket, this.keyOf(index), body, digest, this.abort.signal, { storageClass: this.storageClass });
  }

  /** Chunk `index` as its manifest entry lists it: content size and SHA-256, and how it is stored. */
  private entryOf(index: number, c: Digest): Manifest['chunks'][number] {
    const form = this.forms[index];
    const entry = { key: this.keyOf(index), size: c.size, sha256: c.sha256 };
    return form?.codec ? { ...entry, codec: form.codec, stored: form.stored } : entry;
  }

  protected async commit(): Promise<void> {
    const chunks = this.chunks.map((c, index) => this.entryOf(index, c));
    const manifest: Manifest = {
      format: chunks.some((c) => c.codec) ? COMPRESSED_MANIFEST_FORMAT : MANIFEST_FORMAT,
      name: this.name,
      generation: this.generation,
      chunkSize: this.chunkSize,
      chunks,
      size: this.bytes,
      sha256: this.wholeSha256,
      created: new Date().toISOString(),
      ...(this.dedup ? { dedup: this.dedup, newBytes: this.newBytes } : {}),
    };
    const body = Buffer.from(`${JSON.stringify(manifest, null, 1)}\n`);
    // Past this check the lease has held since before anything was read: no collector
    // has run meanwhile, so every chunk the manifest names is there.
    this.lease?.assertHeld();
    await this.putManifest(generationManifestKey(this.name, this.generation), body);
    if (await this.superseded()) return;
    await this.putManifest(manifestKey(this.name), body);
    if (!(await this.settle(body))) {
      await this.discard();
      return;
    }
    this.manifest = manifest;
    await this.removePastEnd();
    // Our own lease would make our own collection stand aside.
    await this.lease?.release();
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
        // s3rver (as shipped) writes an object in place: a read racing another writer's
        // PUT of NAME/MANIFEST sees half of it, and two PUTs at once can leave it torn for
        // good, the shorter body over the longer (CI, the concurrent-writer test: both
        // writers read it torn 5 times and failed). So name the newest complete generation
        // again, as if it were missing, after a pause that puts the two writers out of
        // step. S3 and RGW never serve part of an object: a body that stays unreadable is
        // not S3.
        unreadable = err;
        current = undefined;
        await delay(20 * 2 ** round);
      }
      let newest: string;
      try {
        newest = await newestCompleteGeneration(this.client, this.bucket, this.name, this.generation, this.abort.signal);
      } catch (err) {
        if (unreadable) throw this.notOurs(url, unreadable);
        if (current?.generation !== this.generation) throw new S3OperationError('cannot list', `s3://${this.bucket}/${this.name}/`, err);
        this.warnings.push(`committed, but could not look for a concurrent upload of the same name: ${(err as Error).message}`);
        return true;
      }
      if (current && current.generation >= newest) {
        if (current.generation === this.generation) return true;
        this.warnings.push(`not committed: a newer upload (generation ${current.generation}) was committed meanwhile`);
        return false;
      }
      // The last round only reads: a PUT after it would go unchecked.
      if (round === SETTLE_ROUNDS - 1) break;
      // Missing, or older than the newest complete generation: name that one again.
      try {
        await this.putManifest(manifestKey(this.name), newest === this.generation ? body : await this.generationManifest(newest));
      } catch (err) {
        if (!isNotFound(err)) throw err; // that generation was removed meanwhile: look again
      }
    }
    if (unreadable) throw this.notOurs(url, unreadable);
    const named = current ? `names generation ${current.generation}` : 'is missing';
    throw new Error(`cannot write ${url}: read back ${SETTLE_ROUNDS} times, it still ${named}; is the endpoint an S3 server?`);
  }

  private notOurs(url: string, unreadable: ManifestError): Error {
    return new Error(`cannot write ${url}: read back, it is not our MANIFEST (${unreadable.message}); is the endpoint an S3 server?`);
  }

  /**
   * Resumed: chunks the interrupted upload stored past this stream's end (that stream was
   * longer, or cut at a larger size) sit in this generation but in no manifest, and only
   * the generation's own removal would ever delete them.
   */
  private async removePastEnd(): Promise<void> {
    if (this.dedup) return;
    const keys = [...this.stored.keys()].filter((index) => index >= this.chunks.length).map((index) => chunkKey(this.name, this.generation, index));
    if (!keys.length) return;
    let failed: number;
    try {
      failed = (await deleteKeys(this.client, this.bucket, keys, this.abort.signal)).length;
    } catch {
      failed = keys.length;
    }
    if (failed) this.warnings.push(`committed, but could not remove ${plural(failed, 'chunk')} the interrupted upload stored past the stream's end`);
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

/** Deduplicated chunks from this size on are hashed on a worker thread (posting one costs ~50 µs). */
const POST_ABOVE = 2 ** 16;

/** Reads of settle() (each but the last followed by a PUT when needed) before a NAME/MANIFEST that will not hold our generation is an error. */
const SETTLE_ROUNDS = 6;
