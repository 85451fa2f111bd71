import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import { destroyOnAbort, requestController } from '../abort';
import { mapOrdered } from '../slots';
import { ManifestError, generationManifestKey, isLegacyChunkKey, manifestKey, type Manifest } from './layout';
import { listPages } from './lister';
import { readManifest } from './object-io';
import { refuseArchived } from './archive-check';
import { getInto } from './get-route';
import { withRetry, type RetryOptions } from './retry';
import { S3OperationError, httpStatus, isNotFound } from './errors';
import { DEFAULT_CHUNK_SIZE, DEFAULT_JOBS, type ChunkStreamOptions } from './chunk-options';
import { decompressChunk, undecodable } from './chunk-codec';

/** One piece of the output: a whole object, or a byte range of one. */
export interface SourcePart {
  key: string;
  size: number;
  /** Expected SHA-256 (chunk sets only), of the content. */
  sha256?: string;
  /** How the stored object is compressed, and its size (a compressed chunk of a deduplicated set). */
  codec?: string;
  stored?: number;
  /** First byte, for ranged reads of a plain object. */
  offset?: number;
  /** The object's ETag, so a ranged read of an object replaced meanwhile fails (If-Match). */
  etag?: string;
  /** Its Last-Modified, checked with the ETag on every ranged response. */
  lastModified?: Date;
}

/** What `NAME` turned out to be, and the parts to read in order. */
export interface SourcePlan {
  kind: 'chunk-set' | 'object' | 's3store';
  parts: SourcePart[];
  size: number;
  manifest?: Manifest;
}

export interface ChunkSetSourceOptions extends ChunkStreamOptions {
  name: string;
  /** A GEN id: read that committed generation of the chunk set instead of the current one. */
  generation?: string;
}

/** A stored chunk does not match its manifest: corrupt, truncated, or replaced. */
export class ChunkVerificationError extends Error {
  readonly exitCode = 1;
}

/** A chunk compressed with a codec this Node or this version cannot decompress: not corrupt, unreadable here. */
export class UndecodableChunk extends Error {
  readonly exitCode = 1;
}

/** Fails, before anything is read, when a part is compressed with a codec that cannot be decompressed here. */
export function assertDecodable(bucket: string, parts: SourcePart[]): void {
  for (const part of parts) {
    const why = part.codec && undecodable(part.codec);
    if (why) throw new UndecodableChunk(`cannot read s3://${bucket}/${part.key}: ${why}`);
  }
}

class TruncatedBody extends Error {
  override readonly name = 'IncompleteBody';
}

/**
 * Find what `s3://bucket/name` holds: a chunk set (NAME/MANIFEST), else a plain object
 * (read in ranges), else the legacy s3store layout `NAME-0000000000…`.
 */
export async function resolveSource(opts: ChunkSetSourceOptions): Promise<SourcePlan> {
  const { client, bucket, signal } = opts;
  const name = opts.name.replace(/\/+$/, '');
  const url = `s3://${bucket}/${name}`;
  const retry = { attempts: opts.attempts, signal };
  const key = opts.generation ? generationManifestKey(name, opts.generation) : manifestKey(name);
  let manifest: Manifest | undefined;
  try {
    manifest = await readManifest(client, bucket, key, retry);
  } catch (err) {
    if (err instanceof ManifestError) throw new ChunkVerificationError(`s3://${bucket}/${key}: ${err.message}`);
    throw new S3OperationError('cannot read', url, err);
  }
  if (!manifest && opts.generation) throw new ChunkVerificationError(`cannot read ${url}: no generation ${opts.generation}`);
  if (manifest) return { kind: 'chunk-set', parts: manifest.chunks.map((c) => ({ ...c })), size: manifest.size, manifest };
  try {
    const head = await withRetry(() => client.send(new HeadObjectCommand({ Bucket: bucket, Key: name }), { abortSignal: signal }), { ...retry, what: url });
    const size = head.ContentLength ?? 0;
    const step = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
    const parts: SourcePart[] = [];
    for (let offset = 0; offset < size; offset += step) {
      parts.push({ key: name, offset, size: Math.min(step, size - offset), etag: head.ETag, lastModified: head.LastModified });
    }
    return { kind: 'object', parts, size };
  } catch (err) {
    if (!isNotFound(err)) throw new S3OperationError('cannot read', url, err);
  }
  const parts: SourcePart[] = [];
  try {
    for await (const page of listPages({ client, bucket, prefix: `${name}-`, signal })) {
      for (const e of page) if ('key' in e && isLegacyChunkKey(name, e.key)) parts.push({ key: e.key, size: e.size });
    }
  } catch (err) {
    throw new S3OperationError('cannot list', url, err);
  }
  if (!parts.length) throw new ChunkVerificationError(`cannot read ${url}: nothing stored under that name (no chunk set, object or s3store tag)`);
  return { kind: 's3store', parts, size: parts.reduce((n, p) => n + p.size, 0) };
}

/**
 * A Readable of the bytes stored at `s3://bucket/name` (chunk set, plain object or
 * s3store tag), in order, with up to `jobs` GETs prefetched (more for a chunk set's
 * small chunks, see readAhead). Each chunk is checked against its manifest size and
 * SHA-256 before a byte of it is pushed.
 *
 * It emits one Buffer per chunk. A consumer that hands each one back with release()
 * once written lets later chunks reuse that memory: without it, every chunk (or every
 * piece the socket delivered) lived long enough to reach V8's old generation, which then
 * collected 100–140 times per GiB (measured: a third of s3source's CPU).
 */
export class ChunkSetSource extends Readable {
  private readonly opts: ChunkSetSourceOptions;
  private readonly jobs: number;
  private readonly abort: AbortController;
  private plan?: SourcePlan;
  private chunks?: AsyncGenerator<Buffer>;
  /** Memory of emitted chunks the consumer released, for reuse. */
  private readonly spare: ArrayBuffer[] = [];
  private readonly emitted = new WeakSet<ArrayBufferLike>();
  private pumping = false;
  /** Bytes pushed so far: on failure, how much of the output is good. */
  bytes = 0;

  constructor(opts: ChunkSetSourceOptions) {
    super({ highWaterMark: 64 * 1024 });
    this.opts = opts;
    this.jobs = Math.max(1, opts.jobs ?? DEFAULT_JOBS);
    this.abort = requestController(this.jobs * AHEAD_MAX);
    destroyOnAbort(this, opts.signal);
  }

  /** Hand back a Buffer this stream emitted, once nothing refers to it any more. */
  release(chunk: Buffer): void {
    if (!this.emitted.delete(chunk.buffer)) return;
    this.spare.push(chunk.buffer as ArrayBuffer);
  }

  /** What is being read; resolved on the first read. */
  get resolved(): SourcePlan | undefined {
    return this.plan;
  }

  override _read(): void {
    if (this.pumping) return;
    this.pumping = true;
    this.pump().catch((err: Error) => this.destroy(err));
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.abort.abort(err ?? new Error('destroyed'));
    cb(err);
  }

  private async pump(): Promise<void> {
    if (!this.plan) {
      const { client, bucket, name, jobs, attempts } = this.opts;
      const plan = await resolveSource({ ...this.opts, signal: this.abort.signal });
      // A restore that cannot decompress a chunk at its end fails before its first byte.
      assertDecodable(bucket, plan.parts);
      await refuseArchived(client, bucket, `s3://${bucket}/${name.replace(/\/+$/, '')}`, plan, { jobs, attempts, signal: this.abort.signal });
      this.plan = plan;
    }
    if (!this.chunks) {
      // A plain object's ranges keep -j: their size is the user's -s, and the prefetch what they asked for.
      const { kind, parts } = this.plan;
      const ahead = kind === 'chunk-set' ? readAhead(this.jobs, parts.reduce((n, p) => Math.max(n, p.size + (p.stored ?? 0)), 0)) : this.jobs;
      this.chunks = mapOrdered(parts, ahead, (part) => this.fetchPart(part));
    }
    for (;;) {
      const next = await this.chunks.next();
      if (this.destroyed) return;
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

  private takeBuffer(size: number): Buffer {
    const i = this.spare.findIndex((b) => b.byteLength >= size);
    if (i < 0) return Buffer.allocUnsafeSlow(size);
    return Buffer.from(this.spare.splice(i, 1)[0], 0, size);
  }

  private fetchPart(part: SourcePart): Promise<Buffer> {
    const { client, bucket, attempts } = this.opts;
    return readPart(client, bucket, part, (size) => this.takeBuffer(size), { attempts, signal: this.abort.signal });
  }
}

/** GETs in flight per job at most, for sets of small chunks. */
const AHEAD_MAX = 8;

/**
 * GETs in flight for parts of at most `largest` bytes: `jobs` for parts of the default
 * chunk size and up, more for smaller ones (a deduplicated set's ~256 KiB), as many as
 * fit the memory `jobs` parts of the default size would take, at most AHEAD_MAX per job.
 * A small GET's time is mostly the round trip, not its bytes: measured on RGW, a
 * deduplicated restore took 13.1 s at 4 in flight and 11.2 s at 32.
 */
export function readAhead(jobs: number, largest: number): number {
  const fit = Math.floor(((jobs + 1) * DEFAULT_CHUNK_SIZE) / Math.max(1, largest)) - 1;
  return Math.max(jobs, Math.min(jobs * AHEAD_MAX, fit));
}

/**
 * One part of a source, whole and verified, into a Buffer from `alloc` (a compressed
 * chunk: decompressed into a Buffer of its own); fails as `cannot read s3://b/k: …`
 * (a ChunkVerificationError when the bytes are wrong, an UndecodableChunk when its codec
 * cannot be decompressed here).
 */
export async function readPart(
  client: S3Client,
  bucket: string,
  part: SourcePart,
  alloc: (size: number) => Buffer,
  opts: RetryOptions = {},
): Promise<Buffer> {
  const url = `s3://${bucket}/${part.key}`;
  if (part.codec) assertDecodable(bucket, [part]);
  // A compressed chunk is fetched as stored (its size, no SHA-256), and verified once decompressed.
  const fetched = part.codec ? { key: part.key, size: part.stored ?? 0 } : part;
  let body: Buffer;
  try {
    body = await withRetry(() => getOnce(client, bucket, fetched, alloc, opts.signal), { what: url, ...opts });
  } catch (err) {
    if (err instanceof ChunkVerificationError || opts.signal?.aborted) throw err;
    const missing = isNotFound(err) ? ' (chunk missing)' : '';
    throw new S3OperationError('cannot read', url + missing, err);
  }
  return part.codec ? decompressed(url, part, body) : body;
}

/** A compressed chunk's content, checked against its manifest size and SHA-256 before anyone sees a byte. */
async function decompressed(url: string, part: SourcePart, body: Buffer): Promise<Buffer> {
  let content: Buffer;
  try {
    content = await decompressChunk(body, part.codec!, part.size);
  } catch (err) {
    throw new ChunkVerificationError(`chunk ${url} is corrupt: it does not decompress with ${part.codec} (${(err as Error).message})`);
  }
  if (content.length !== part.size) throw new ChunkVerificationError(`chunk ${url} is corrupt: it decompresses to ${content.length} bytes, expected ${part.size}`);
  verify(url, part, content);
  return content;
}

/**
 * One GET into a Buffer of the expected size, each piece copied and hashed as it
 * arrives (so it dies young): a body cut short is retried, a wrong size or SHA-256 is not.
 */
async function getOnce(client: S3Client, bucket: string, part: SourcePart, alloc: (size: number) => Buffer, signal?: AbortSignal): Promise<Buffer> {
  const url = `s3://${bucket}/${part.key}`;
  const range = part.offset !== undefined ? `bytes=${part.offset}-${part.offset + part.size - 1}` : undefined;
  const buf = alloc(part.size);
  const out = await getInto(client, bucket, part.key, buf, { range, ifMatch: range ? part.etag : undefined }, signal).catch((err: unknown) => {
    throw httpStatus(err) === 412 ? new ChunkVerificationError(`${url} was replaced during the read (If-Match failed)`) : err;
  });
  // Not every server honours If-Match (s3rver ignores it): the version is compared here too.
  if (range) checkSameVersion(url, part, out.etag, out.lastModified);
  const declared = out.contentLength;
  if (declared !== undefined && declared !== part.size) {
    throw new ChunkVerificationError(`chunk ${url} is ${declared} bytes, expected ${part.size}`);
  }
  const read = out.filled;
  if (read !== undefined) {
    if (read !== part.size) throw new TruncatedBody(`body of ${part.key} ended after ${read} of ${part.size} bytes`);
    verify(url, part, buf);
    return buf;
  }
  const hash = part.sha256 ? createHash('sha256') : undefined;
  let filled = 0;
  // 'data' rather than for-await: the async iterator's read() concatenates whatever the
  // socket buffered meanwhile, one more copy of most bytes.
  const body = out.body!;
  body.on('data', (piece: Buffer) => {
    if (filled + piece.length > part.size) {
      body.destroy(new ChunkVerificationError(`chunk ${url} is longer than ${part.size} bytes`));
      return;
    }
    hash?.update(piece);
    buf.set(piece, filled);
    filled += piece.length;
  });
  await finished(body);
  if (filled !== part.size) throw new TruncatedBody(`body of ${part.key} ended after ${filled} of ${part.size} bytes`);
  checkSha256(url, part, hash?.digest('hex'));
  return buf;
}

function verify(url: string, part: SourcePart, buf: Buffer): void {
  checkSha256(url, part, part.sha256 && createHash('sha256').update(buf).digest('hex'));
}

function checkSha256(url: string, part: SourcePart, sha: string | undefined): void {
  if (sha !== part.sha256) {
    throw new ChunkVerificationError(`chunk ${url} is corrupt: SHA-256 ${sha?.slice(0, 12)}… does not match the manifest`);
  }
}

/** A ranged response from another version of the object than the first response described. */
function checkSameVersion(url: string, part: SourcePart, etag: string | undefined, lastModified: Date | undefined): void {
  if (etag && part.etag && etag !== part.etag) {
    throw new ChunkVerificationError(`${url} was replaced during the read (ETag ${part.etag} became ${etag})`);
  }
  if (lastModified && part.lastModified && lastModified.getTime() !== part.lastModified.getTime()) {
    throw new ChunkVerificationError(`${url} was replaced during the read (Last-Modified ${part.lastModified.toISOString()} became ${lastModified.toISOString()})`);
  }
}
