import { createReadStream, read } from 'node:fs';
import { promisify } from 'node:util';
import { Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { createHash, type Hash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_CHUNK_SIZE, DEFAULT_JOBS, type ChunkStreamOptions } from './chunk-options';
import { destroyOnAbort, requestController } from '../abort';
import { Slots } from '../slots';
import { ChunkAccumulator } from './chunker';
import { withRetry } from './retry';
import { HashPool, sharedBuffer, type ChunkDigest } from './hash-pool';
import { verifiesPayloadHash } from './client';
import { writeError, type Digest } from './object-io';

export interface UploadSinkOptions extends ChunkStreamOptions {
  /** Storage class of the data objects (chunks, parts) as the server names it; manifests stay STANDARD. */
  storageClass?: string;
  /** A stream shorter than this many bytes is not committed (an empty dump is the classic silent failure). */
  minSize?: number;
  /**
   * Awaited once every chunk is stored, before anything is committed; a rejection leaves
   * nothing committed and fails the sink with that error. It is how `s3sink -- COMMAND`
   * commits only what a producer that exited 0 wrote.
   */
  approve?: () => Promise<void>;
  /** How the stream is cut into chunks, given where to gather them (default: `chunkSize` bytes each). */
  cutter?: (alloc: (size: number) => Buffer) => ChunkCutter;
}

/** Cuts a byte stream into chunks: every chunk a write completes, then the last one. */
export interface ChunkCutter {
  push(data: Buffer): Iterable<Buffer>;
  flush(): Buffer | null;
}

/** The upload was complete but not committed: the stream was too short, or its producer failed. */
export class NotCommitted extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(`not committed: ${message}`);
  }
}

/** Not committed because the stream was shorter than `minSize`. */
export class TooShort extends NotCommitted {}

/**
 * The shared engine of ChunkSetSink and MultipartObjectSink: a byte Writable that cuts
 * its input into chunks and uploads up to `jobs` of them at once, holding the write
 * callback while all slots are busy (that is the backpressure that bounds memory).
 * Each attempt sends the same Buffer again; nothing is re-read from the source.
 */
export abstract class ChunkedUploadSink extends Writable {
  protected readonly client: S3Client;
  protected readonly bucket: string;
  protected readonly chunkSize: number;
  protected readonly attempts?: number;
  protected readonly storageClass?: string;
  /** Aborts every request in flight when the sink is destroyed (the caller's signal destroys it). */
  protected readonly abort: AbortController;
  private readonly approve?: () => Promise<void>;
  private readonly minSize: number;
  private readonly accumulator: ChunkCutter;
  /** Chunks are cut at fixed sizes (sizeOfChunk), not where a cutter finds boundaries. */
  private readonly fixedSizes: boolean;
  private readonly slots: Slots;
  protected readonly hashes = new HashPool();
  /** Chunk buffers whose upload finished, for reuse: at most jobs + 1 ever exist. */
  private readonly spare: Buffer[] = [];
  private readonly wholeHash: Hash = createHash('sha256');
  private nextIndex = 0;
  private failure: Error | null = null;
  /** Bytes accepted so far. */
  bytes = 0;
  /** Chunks fully uploaded so far. */
  uploaded = 0;
  /** Requests retried so far (all chunks). */
  retries = 0;
  /** Chunks not sent because the server already held the same bytes (a resumed upload). */
  reused = 0;
  /** Digests of the uploaded chunks, by index. */
  protected readonly chunks: Digest[] = [];

  constructor(opts: UploadSinkOptions) {
    super({ highWaterMark: 64 * 1024 });
    this.client = opts.client;
    this.bucket = opts.bucket;
    this.slots = new Slots(Math.max(1, opts.jobs ?? DEFAULT_JOBS));
    this.abort = requestController(this.slots.size);
    this.chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
    this.attempts = opts.attempts;
    this.storageClass = opts.storageClass;
    this.approve = opts.approve;
    this.minSize = opts.minSize ?? 0;
    // Chunks are gathered in shared memory so the hash workers read them in place, and
    // reused: a worker frees its view of a SharedArrayBuffer only when it collects
    // garbage, which an idle worker hardly does (measured: 590 MB RSS for 1 GiB without reuse).
    const alloc = (size: number) => this.takeBuffer(size);
    this.accumulator = opts.cutter?.(alloc) ?? new ChunkAccumulator((i) => this.sizeOfChunk(i), alloc);
    this.fixedSizes = opts.cutter === undefined;
    destroyOnAbort(this, opts.signal);
  }

  /** Chunks in flight now. */
  get inFlight(): number {
    return this.slots.busy;
  }

  /** SHA-256 of every byte written, hex; valid after finish. */
  protected wholeSha256 = '';

  /** Size of chunk `index`; constant unless a subclass grows it. */
  protected sizeOfChunk(_index: number): number {
    return this.chunkSize;
  }

  /** The digest chunk `index` is checked and sent with; a subclass may hash less. */
  protected digest(_index: number, chunk: Buffer): Promise<ChunkDigest> {
    return this.hashes.digest(chunk, { md5: !verifiesPayloadHash(this.client) });
  }

  /** Whether chunk `index` is stored already with exactly these bytes, so it need not be sent. */
  protected alreadyStored(_index: number, _digest: Digest): boolean {
    return false;
  }

  /**
   * The bytes chunk `index` is stored as, and their digest: the chunk itself unless a
   * subclass compresses it; null when exactly those bytes are stored already (nothing is sent).
   */
  protected encode(_index: number, chunk: Buffer, digest: Digest): Promise<{ body: Buffer; digest: Digest } | null> {
    return Promise.resolve({ body: chunk, digest });
  }

  /** Upload what chunk `index` is stored as (one attempt); throw to retry when transient. */
  protected abstract putChunk(index: number, body: Buffer, digest: Digest): Promise<void>;

  /** `s3://bucket/key` of chunk `index`, for error lines. */
  protected abstract chunkUrl(index: number): string;

  /** Make the upload visible: runs once, after every chunk is stored. */
  protected abstract commit(): Promise<void>;

  /** Best-effort removal of what this upload stored, after `failure` or when it stands aside. Never throws. */
  protected abstract discard(failure?: Error): Promise<void>;

  /**
   * Upload the regular file open on `fd` (standard input redirected from a file) from
   * its current offset to its end, then finish as end() does; resolves once committed,
   * rejects as pipeline() would. Each chunk is read straight into its buffer in one read
   * as large as the chunk, instead of arriving as a stream of Buffers that are allocated,
   * then copied together. The next chunk is read while `jobs` are in flight, so jobs + 1
   * buffers exist. Content-defined chunks (a cutter) read through a stream as before.
   * Not for pipes: a read waiting in the thread pool on an idle writer would keep the
   * process from exiting, even on a signal; and a pipe gives at most 64 KiB per read anyway.
   */
  async uploadFrom(fd: number): Promise<void> {
    if (!this.fixedSizes) {
      await pipeline(createReadStream('', { fd, autoClose: false, highWaterMark: 2 ** 20 }), this);
      return;
    }
    // Listening from the start: a failed upload destroys the sink with its error, which rejects this.
    const done = finished(this);
    try {
      while (!this.destroyed) {
        const size = this.sizeOfChunk(this.nextIndex);
        const chunk = this.takeBuffer(size);
        const filled = await fill(fd, chunk);
        if (this.destroyed) break;
        if (filled) {
          this.bytes += filled;
          this.wholeHash.update(chunk.subarray(0, filled));
          // Read (and hashed whole) while every slot was busy: it goes the moment one frees.
          await this.slots.whenFree();
          if (this.destroyed) break;
          this.startUpload(filled === size ? chunk : chunk.subarray(0, filled));
        }
        if (filled < size) {
          this.end();
          break;
        }
      }
    } catch (err) {
      this.destroy(err as Error);
    }
    await done;
  }

  override _write(data: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.bytes += data.length;
    this.wholeHash.update(data);
    for (const chunk of this.accumulator.push(data)) this.startUpload(chunk);
    this.slots.whenFree().then(() => cb(), cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    const last = this.accumulator.flush();
    if (last) this.startUpload(last);
    this.wholeSha256 = this.wholeHash.digest('hex');
    this.slots
      .drain()
      .then(async () => {
        if (this.failure) throw this.failure;
        await this.approve?.();
        if (this.bytes < this.minSize) throw new TooShort(`the stream is ${this.bytes} bytes, shorter than the minimum of ${this.minSize}`);
        await this.commit();
      })
      .then(() => cb(), cb);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.abort.abort(err ?? new Error('destroyed'));
    this.slots
      .drain()
      .then(() => this.hashes.close())
      .then(() => (err ? this.discard(err) : undefined))
      .then(() => cb(err));
  }

  private takeBuffer(size: number): Buffer {
    const reuse = this.spare.pop();
    if (reuse?.length === size) return reuse;
    this.spare.length = 0; // the chunk size grew (multipart): older buffers are no use
    return sharedBuffer(size);
  }

  private recycle(chunk: Buffer): void {
    if (chunk.buffer instanceof SharedArrayBuffer) this.spare.push(Buffer.from(chunk.buffer));
  }

  private async uploadOne(index: number, chunk: Buffer): Promise<ChunkDigest> {
    const digest = await this.digest(index, chunk);
    const encoded = this.alreadyStored(index, digest) ? null : await this.encode(index, chunk, digest);
    if (!encoded) {
      this.reused++;
      return digest;
    }
    await withRetry(() => this.putChunk(index, encoded.body, encoded.digest), {
      attempts: this.attempts,
      signal: this.abort.signal,
      what: this.chunkUrl(index),
      onRetry: () => this.retries++,
    });
    return digest;
  }

  private startUpload(chunk: Buffer): void {
    const index = this.nextIndex++;
    this.slots.start(() => this.uploadOne(index, chunk)).then(
      (digest) => {
        digest.release();
        this.recycle(chunk);
        this.chunks[index] = digest;
        this.uploaded++;
      },
      (err: unknown) => {
        if (!this.failure) {
          this.failure = this.abort.signal.aborted
            ? (this.abort.signal.reason as Error)
            : writeError(this.chunkUrl(index), err, this.storageClass);
        }
        this.destroy(this.failure);
      },
    );
  }
}

const readAt = promisify(read);

/** Read `fd` into `buf` until it is full or the file ends; the bytes read. */
async function fill(fd: number, buf: Buffer): Promise<number> {
  let filled = 0;
  while (filled < buf.length) {
    const { bytesRead } = await readAt(fd, buf, filled, buf.length - filled, null);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}
