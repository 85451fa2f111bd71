import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import {
  MANIFEST_FORMAT,
  chunkKey,
  generationManifestKey,
  isGeneration,
  manifestKey,
  newGeneration,
  parseManifest,
  parseSetKey,
  ManifestError,
  type Manifest,
} from './layout';
import { listPages } from './lister';
import { putObjectVerified } from './put';
import { deleteKeys, objectExists } from './remover';
import { withRetry } from './retry';
import { ChunkedUploadSink, type UploadSinkOptions, type UploadedChunk } from './upload-sink';
import { S3OperationError, isNotFound } from './errors';

export interface ChunkSetSinkOptions extends UploadSinkOptions {
  /** The chunk set's name: a key prefix such as `backups/www`. */
  name: string;
  /** Committed generations to keep, the new one included (default 1). */
  keep?: number;
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
  private readonly keep: number;
  /** The committed manifest, once the sink has finished. */
  manifest?: Manifest;
  /** Problems after the commit (cleanup of old generations); the upload itself succeeded. */
  readonly warnings: string[] = [];

  constructor(opts: ChunkSetSinkOptions) {
    super(opts);
    this.name = opts.name.replace(/\/+$/, '');
    if (!this.name) throw new RangeError('a chunk set needs a name');
    this.keep = Math.max(1, opts.keep ?? 1);
    this.generation = newGeneration(new Date(), randomBytes(4).toString('hex'));
  }

  protected chunkUrl(index: number): string {
    return `s3://${this.bucket}/${chunkKey(this.name, this.generation, index)}`;
  }

  protected putChunk(index: number, chunk: Buffer, digest: UploadedChunk): Promise<void> {
    return putObjectVerified(this.client, this.bucket, chunkKey(this.name, this.generation, index), chunk, digest, this.abort.signal);
  }

  protected async commit(): Promise<void> {
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      name: this.name,
      generation: this.generation,
      chunkSize: this.chunkSize,
      chunks: this.chunks.map((c) => ({ key: chunkKey(this.name, this.generation, c.index), size: c.size, sha256: c.sha256 })),
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
      await removeStaleGenerations(this.client, this.bucket, this.name, this.keep, this.abort.signal);
    } catch (err) {
      this.warnings.push(`committed, but could not remove old generations: ${(err as Error).message}`);
    }
  }

  private async putManifest(key: string, body: Buffer): Promise<void> {
    const digest: UploadedChunk = {
      index: -1,
      size: body.length,
      md5: createHash('md5').update(body).digest('hex'),
      sha256: createHash('sha256').update(body).digest('hex'),
    };
    try {
      await withRetry(
        () => putObjectVerified(this.client, this.bucket, key, body, digest, this.abort.signal, 'application/json'),
        { attempts: this.attempts, signal: this.abort.signal },
      );
    } catch (err) {
      throw new S3OperationError('cannot write', `s3://${this.bucket}/${key}`, err);
    }
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
    for (let round = 0; round < SETTLE_ROUNDS; round++) {
      try {
        current = await currentGeneration(this.client, this.bucket, this.name, this.abort.signal);
      } catch (err) {
        if (err instanceof ManifestError) throw new Error(`cannot write ${url}: read back, it is not our MANIFEST (${err.message}); is the endpoint an S3 server?`);
        throw new S3OperationError('cannot read back', url, err);
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
    const named = current ? `names generation ${current.generation}` : 'is missing';
    throw new Error(`cannot write ${url}: read back ${SETTLE_ROUNDS} times, it still ${named}; is the endpoint an S3 server?`);
  }

  private generationManifest(generation: string): Promise<Buffer> {
    return readObject(this.client, this.bucket, generationManifestKey(this.name, generation), this.abort.signal, this.attempts);
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

  protected async discard(): Promise<void> {
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

/**
 * The newest generation of `name` that is complete (its GEN/MANIFEST exists), if newer
 * than `since`; else `since`. One delimited listing, and a HEAD per newer generation.
 */
async function newestCompleteGeneration(
  client: S3Client,
  bucket: string,
  name: string,
  since: string,
  signal?: AbortSignal,
): Promise<string> {
  const newer: string[] = [];
  for await (const page of listPages({ client, bucket, prefix: `${name}/`, delimiter: '/', signal })) {
    for (const e of page) {
      const gen = 'prefix' in e ? e.prefix.slice(name.length + 1, -1) : '';
      if (isGeneration(gen) && gen > since) newer.push(gen);
    }
  }
  for (const gen of newer.sort().reverse()) {
    if (await objectExists(client, bucket, generationManifestKey(name, gen), signal)) return gen;
  }
  return since;
}

/** A small object, whole. The body is read inside the retry: a body cut short is as transient as a reset. */
async function readObject(client: S3Client, bucket: string, key: string, signal?: AbortSignal, attempts?: number): Promise<Buffer> {
  return withRetry(async () => {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    return Buffer.from(await out.Body!.transformToByteArray());
  }, { signal, attempts });
}

/** The generation `NAME/MANIFEST` names now, or undefined when there is none. */
export async function currentGeneration(
  client: S3Client,
  bucket: string,
  name: string,
  signal?: AbortSignal,
): Promise<Manifest | undefined> {
  try {
    return parseManifest((await readObject(client, bucket, manifestKey(name), signal)).toString());
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * Delete every generation older than the current one except the `keep` newest
 * committed ones, and uncommitted (orphaned) ones older than the current. Generations
 * newer than the current are left alone: another writer may be uploading them. The
 * current MANIFEST is re-read here, not assumed to be ours, for the same reason.
 */
export async function removeStaleGenerations(
  client: S3Client,
  bucket: string,
  name: string,
  keep: number,
  signal?: AbortSignal,
): Promise<number> {
  const current = await currentGeneration(client, bucket, name, signal);
  if (!current) return 0;
  const gens = new Map<string, { chunks: string[]; manifest?: string }>();
  for await (const page of listPages({ client, bucket, prefix: `${name}/`, signal })) {
    for (const entry of page) {
      if (!('key' in entry)) continue;
      const parsed = parseSetKey(name, entry.key);
      if (!parsed) continue;
      const g = gens.get(parsed.generation) ?? { chunks: [] };
      if (parsed.manifest) g.manifest = entry.key;
      else g.chunks.push(entry.key);
      gens.set(parsed.generation, g);
    }
  }
  const kept = new Set(
    [...gens]
      .filter(([gen, g]) => g.manifest && gen <= current.generation)
      .map(([gen]) => gen)
      .sort()
      .reverse()
      .slice(0, keep),
  );
  kept.add(current.generation);
  const stale = [...gens].filter(([gen]) => gen < current.generation && !kept.has(gen)).map(([, g]) => g);
  // Manifests before chunks: an interrupted cleanup leaves an uncommitted orphan (removed
  // next time), never a manifest that claims chunks which are gone.
  const chunkKeys = stale.flatMap((g) => g.chunks);
  const manifestKeys = stale.flatMap((g) => (g.manifest ? [g.manifest] : []));
  // Another writer may have committed between our read of the MANIFEST and now: then what
  // we judged stale may be current. Leave it all to the next run.
  const again = await currentGeneration(client, bucket, name, signal);
  if (again?.generation !== current.generation) return 0;
  for (const keys of [manifestKeys, chunkKeys]) {
    let failures = await deleteKeys(client, bucket, keys, signal);
    // A per-key failure can be a server's own race (s3rver removes emptied directories
    // while deleting a batch in parallel): ask once more for just those keys.
    if (failures.length) failures = await deleteKeys(client, bucket, failures.map((f) => f.key), signal);
    if (failures.length) throw new Error(`${failures.length} keys not deleted (first: ${failures[0].key}: ${failures[0].code})`);
  }
  return chunkKeys.length + manifestKeys.length;
}
