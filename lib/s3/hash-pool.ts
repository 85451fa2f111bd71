import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { createHash } from 'node:crypto';
import type { Digest } from './object-io';

// Inline, so the pool works from any install layout without a second entry file.
const WORKER = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
parentPort.on('message', ({ id, buffer, offset, length, md5 }) => {
  const view = Buffer.from(buffer, offset, length);
  parentPort.postMessage({
    id,
    md5: md5 ? createHash('md5').update(view).digest('hex') : undefined,
    sha256: createHash('sha256').update(view).digest('hex'),
  });
});
`;

/** Below this, posting to a worker costs more than hashing here. */
const INLINE_BELOW = 1 << 20;

/**
 * SHA-256 (and MD5 where the server needs it) of chunks on worker threads. Measured
 * here: MD5 ~490 MB/s and SHA-256 ~1.1 GB/s on one core, so hashing each chunk twice
 * on the main thread (which also reads stdin, hashes the whole stream and drives HTTP)
 * capped uploads near 250 MB/s.
 * Chunks living in a SharedArrayBuffer are hashed in place, never copied; others are
 * hashed inline. Workers hold the process open only while they have work.
 */
export class HashPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: (d: Hashed) => void; reject: (e: Error) => void; worker: Worker }>();
  private readonly load = new Map<Worker, number>();
  private nextId = 0;

  /** One worker per core beyond the main thread's (which reads, hashes the whole stream and sends). */
  constructor(private readonly size = Math.max(1, availableParallelism() - 1)) {}

  /**
   * The chunk's digest. With `md5: false` (the server checks the signed SHA-256) the MD5
   * is computed only if asked for, here, until release() (after which the chunk's memory
   * holds other bytes): a resumed upload comparing it with stored ETags still gets it.
   * `inlineBelow`: a caller whose main thread is busier (content-defined chunking) posts
   * smaller chunks; Infinity hashes here.
   */
  async digest(chunk: Buffer, opts: { md5: boolean; inlineBelow?: number }): Promise<ChunkDigest> {
    const inline = chunk.length < (opts.inlineBelow ?? INLINE_BELOW) || !(chunk.buffer instanceof SharedArrayBuffer);
    const hashed = inline ? hashHere(chunk, opts.md5) : await this.hashThere(chunk, opts.md5);
    return new ChunkDigest(chunk, hashed.sha256, hashed.md5);
  }

  private hashThere(chunk: Buffer, md5: boolean): Promise<Hashed> {
    const worker = this.leastBusy();
    const id = this.nextId++;
    this.load.set(worker, (this.load.get(worker) ?? 0) + 1);
    worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker });
      worker.postMessage({ id, buffer: chunk.buffer, offset: chunk.byteOffset, length: chunk.length, md5 });
    });
  }

  /** Stop the workers; pending digests fail. */
  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private leastBusy(): Worker {
    if (this.workers.length < this.size && [...this.load.values()].every((n) => n > 0)) this.spawn();
    return this.workers.reduce((a, b) => ((this.load.get(a) ?? 0) <= (this.load.get(b) ?? 0) ? a : b));
  }

  private spawn(): void {
    const worker = new Worker(WORKER, { eval: true });
    this.load.set(worker, 0);
    worker.on('message', ({ id, ...digest }: { id: number } & Hashed) => {
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      this.settled(worker);
      p.resolve(digest);
    });
    worker.on('error', (err) => this.fail(worker, err));
    worker.on('exit', () => this.fail(worker, new Error('hash worker stopped')));
    this.workers.push(worker);
  }

  private settled(worker: Worker): void {
    const n = (this.load.get(worker) ?? 1) - 1;
    this.load.set(worker, n);
    if (n === 0) worker.unref();
  }

  private fail(worker: Worker, err: Error): void {
    for (const [id, p] of this.pending) {
      if (p.worker !== worker) continue;
      this.pending.delete(id);
      p.reject(err);
    }
    this.load.delete(worker);
    const i = this.workers.indexOf(worker);
    if (i >= 0) this.workers.splice(i, 1);
  }
}

interface Hashed {
  sha256: string;
  md5?: string;
}

function hashHere(chunk: Buffer, md5: boolean): Hashed {
  return { sha256: createHash('sha256').update(chunk).digest('hex'), md5: md5 ? createHash('md5').update(chunk).digest('hex') : undefined };
}

/** A chunk's digest, its MD5 computed on first use while the chunk is held. */
export class ChunkDigest implements Digest {
  readonly size: number;
  private chunk: Buffer | null;

  constructor(
    chunk: Buffer,
    readonly sha256: string,
    private md5Hex?: string,
  ) {
    this.size = chunk.length;
    this.chunk = chunk;
  }

  get md5(): string {
    if (this.md5Hex === undefined) {
      if (!this.chunk) throw new Error('the MD5 of a chunk was asked for after its memory was reused');
      this.md5Hex = createHash('md5').update(this.chunk).digest('hex');
    }
    return this.md5Hex;
  }

  /** The chunk's memory is about to hold other bytes. */
  release(): void {
    this.chunk = null;
  }
}

/** A zeroed Buffer other threads can read without a copy. */
export function sharedBuffer(size: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(size));
}
