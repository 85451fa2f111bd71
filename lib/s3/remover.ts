import { DeleteBucketCommand, DeleteObjectsCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { manifestKey } from './layout';
import { formatS3Url, parseS3Url } from './client';
import { UsageError } from '../cli';
import { listObjects, type ListEntry } from './lister';
import { withRetry } from './retry';
import { S3OperationError, isNotFound } from './errors';

/** S3's limit on keys per DeleteObjects request. */
export const DELETE_BATCH = 1000;

export interface DeleteFailure {
  key: string;
  code: string;
  message: string;
}

/**
 * Delete up to 1000 keys in one DeleteObjects request (Quiet mode: only failures come
 * back). Per-key failures are returned, not thrown: the rest of a batch still goes.
 */
export async function deleteBatch(
  client: S3Client,
  bucket: string,
  keys: string[],
  signal?: AbortSignal,
): Promise<DeleteFailure[]> {
  if (keys.length === 0) return [];
  if (keys.length > DELETE_BATCH) throw new RangeError(`at most ${DELETE_BATCH} keys per batch`);
  const out = await withRetry(
    () =>
      client.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
        }),
        { abortSignal: signal },
      ),
    { signal },
  );
  return (out.Errors ?? []).map((e) => ({ key: e.Key ?? '', code: e.Code ?? 'Error', message: e.Message ?? '' }));
}

/** Delete any number of keys, 1000 per request. */
export async function deleteKeys(
  client: S3Client,
  bucket: string,
  keys: string[],
  signal?: AbortSignal,
): Promise<DeleteFailure[]> {
  const failures: DeleteFailure[] = [];
  for (let i = 0; i < keys.length; i += DELETE_BATCH) {
    failures.push(...(await deleteBatch(client, bucket, keys.slice(i, i + DELETE_BATCH), signal)));
  }
  return failures;
}

/** What `DeleteObjects` accepts: a key in its default bucket, or a key in a named bucket. */
export type DeleteTarget = string | { key: string; bucket?: string };

export interface DeleteObjectsOptions {
  client: S3Client;
  /** Bucket for targets that do not name one. */
  bucket?: string;
  /** DeleteObjects requests in flight at once (default 4). */
  jobs?: number;
  /** Keys per request, at most 1000 (S3's limit). */
  batchSize?: number;
  /** Print, don't delete: each target is reported to `onDeleted` and nothing is sent. */
  dryRun?: boolean;
  signal?: AbortSignal;
  /** Called once per key the server did not delete (the rest of the batch still goes). */
  onFailure?: (failure: DeleteFailure & { bucket: string }) => void;
  /** Called once per key deleted (or, with dryRun, that would be). */
  onDeleted?: (bucket: string, key: string) => void;
}

/**
 * An object-mode Writable that deletes every key written to it, batching up to 1000
 * keys per DeleteObjects request (the s5cmd approach: one request per thousand keys
 * instead of one per key). Keys of several buckets may be mixed; a batch never spans
 * two. Up to `jobs` requests run at once; further writes wait (backpressure), so memory
 * stays jobs × 1000 keys however many are piped in. A key the server refuses is a
 * per-key failure (reported, counted, the stream goes on); a request that fails after
 * its retries (no such bucket, access denied, network) ends the stream with one line.
 * As with `rm -f`, a key that does not exist counts as deleted: that is S3's answer.
 *
 * @example
 * await pipeline(listObjects({ client, bucket, prefix: 'tmp/' }), new DeleteObjects({ client, bucket }));
 */
export class DeleteObjects extends Writable {
  /** Keys deleted so far (with dryRun: that would be). */
  deleted = 0;
  /** Keys the server refused so far. */
  failed = 0;
  /** DeleteObjects requests sent so far. */
  requests = 0;
  private readonly opts: DeleteObjectsOptions;
  private readonly jobs: number;
  private readonly batchSize: number;
  private readonly abort = new AbortController();
  private readonly inflight = new Set<Promise<void>>();
  private batch: string[] = [];
  private batchBucket = '';
  private failure: Error | null = null;
  private waiting: (() => void) | null = null;

  constructor(opts: DeleteObjectsOptions) {
    super({ objectMode: true, highWaterMark: 1000 });
    this.opts = opts;
    this.jobs = Math.max(1, opts.jobs ?? 4);
    this.batchSize = Math.min(DELETE_BATCH, Math.max(1, opts.batchSize ?? DELETE_BATCH));
    if (opts.signal) {
      if (opts.signal.aborted) this.abort.abort(opts.signal.reason);
      else opts.signal.addEventListener('abort', () => this.destroy(opts.signal!.reason as Error), { once: true });
    }
  }

  override _write(target: DeleteTarget, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.failure) return cb(this.failure);
    const key = typeof target === 'string' ? target : target.key;
    const bucket = (typeof target === 'string' ? undefined : target.bucket) ?? this.opts.bucket;
    if (!bucket) return cb(new RangeError(`no bucket for key ${key}`));
    if (this.batch.length && (bucket !== this.batchBucket || this.batch.length >= this.batchSize)) this.flush();
    this.batchBucket = bucket;
    this.batch.push(key);
    if (this.batch.length >= this.batchSize) this.flush();
    this.whenSlotFree(cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.batch.length) this.flush();
    this.drain().then(() => cb(this.failure), cb);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.abort.abort(err ?? new Error('destroyed'));
    void Promise.allSettled([...this.inflight]).then(() => cb(err));
  }

  private whenSlotFree(cb: (err?: Error | null) => void): void {
    if (this.failure) return cb(this.failure);
    if (this.inflight.size < this.jobs) return cb();
    this.waiting = () => this.whenSlotFree(cb);
  }

  private async drain(): Promise<void> {
    while (this.inflight.size) await Promise.race(this.inflight);
  }

  private flush(): void {
    const keys = this.batch;
    const bucket = this.batchBucket;
    this.batch = [];
    const job: Promise<void> = this.send(bucket, keys).then(
      (): void => this.settle(job),
      (err: unknown): void => {
        this.failure ??= this.abort.signal.aborted
          ? (this.abort.signal.reason as Error)
          : new S3OperationError('cannot delete', keys.length === 1 ? `s3://${bucket}/${keys[0]}` : `${keys.length} keys in s3://${bucket}/`, err);
        this.settle(job);
      },
    );
    this.inflight.add(job);
  }

  private settle(job: Promise<void>): void {
    this.inflight.delete(job);
    const w = this.waiting;
    this.waiting = null;
    w?.();
  }

  private async send(bucket: string, keys: string[]): Promise<void> {
    let failures: DeleteFailure[] = [];
    if (!this.opts.dryRun) {
      this.requests++;
      failures = await deleteBatch(this.opts.client, bucket, keys, this.abort.signal);
    }
    const refused = new Set<string>();
    for (const f of failures) {
      refused.add(f.key);
      this.failed++;
      this.opts.onFailure?.({ ...f, bucket });
    }
    for (const key of keys) {
      if (refused.has(key)) continue;
      this.deleted++;
      this.opts.onDeleted?.(bucket, key);
    }
  }
}

/** `new DeleteObjects(opts)`, for `pipeline(listObjects(…), deleteObjects(…))`. */
export function deleteObjects(opts: DeleteObjectsOptions): DeleteObjects {
  return new DeleteObjects(opts);
}

export async function objectExists(client: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await withRetry(() => client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal }), { signal });
    return true;
  } catch (err) {
    if (isNotFound(err)) {
      // HEAD has no body, so a missing bucket looks like a missing key; the listing that
      // follows names the real problem.
      return false;
    }
    throw new S3OperationError('cannot read', `s3://${bucket}/${key}`, err);
  }
}

export interface RemoveTreeOptions extends Omit<DeleteObjectsOptions, 'bucket'> {
  bucket: string;
  /**
   * What to remove, as `rm -r` would: `''` or `dir/` is everything under that prefix;
   * `name` is the key `name` (if any) and everything under `name/`, never `name2`.
   */
  path: string;
  pageSize?: number;
}

/**
 * Remove a key and everything under it. When `path` is a chunk set (`path/MANIFEST`
 * exists), its MANIFEST goes first, in a request of its own: an interrupted removal
 * leaves an uncommitted set (invisible to readers), never a manifest whose chunks are gone.
 * Returns the totals of both steps.
 */
export async function removeTree(opts: RemoveTreeOptions): Promise<{ deleted: number; failed: number; requests: number }> {
  const { client, bucket, signal } = opts;
  const total = { deleted: 0, failed: 0, requests: 0 };
  const run = async (source: AsyncIterable<string> | string[]) => {
    const sink = new DeleteObjects(opts);
    await pipeline(Readable.from(source, { objectMode: true }), sink);
    total.deleted += sink.deleted;
    total.failed += sink.failed;
    total.requests += sink.requests;
  };
  const dir = opts.path === '' || opts.path.endsWith('/');
  const prefix = dir ? opts.path : `${opts.path}/`;
  const first: string[] = [];
  if (!dir) {
    if (await objectExists(client, bucket, opts.path, signal)) first.push(opts.path);
    if (await objectExists(client, bucket, manifestKey(opts.path), signal)) first.push(manifestKey(opts.path));
  }
  if (first.length) await run(first);
  const skip = new Set(first);
  await run(
    (async function* () {
      for await (const e of listObjects({ client, bucket, prefix, pageSize: opts.pageSize, signal })) {
        const entry = e as ListEntry;
        if ('key' in entry && !skip.has(entry.key)) yield entry.key;
      }
    })(),
  );
  return total;
}

/** Remove an empty bucket: `cannot remove bucket s3://b/: BucketNotEmpty (409)` otherwise. */
export async function removeBucket(client: S3Client, bucket: string, signal?: AbortSignal): Promise<void> {
  try {
    await withRetry(() => client.send(new DeleteBucketCommand({ Bucket: bucket }), { abortSignal: signal }), { signal });
  } catch (err) {
    throw new S3OperationError('cannot remove bucket', `s3://${bucket}/`, err);
  }
}

/** What s3rm removes: single keys, trees (`-r`), or buckets (`--bucket`). */
export type RemoveMode = 'keys' | 'tree' | 'bucket';

export interface RemoveTarget {
  bucket: string;
  key: string;
}

/**
 * Turn s3rm's list (`s3://bucket/key`, or bare keys with a default bucket) into targets,
 * checking every item before anything is removed: one bad item (a key split at a blank
 * by plain `xargs`, say) refuses the whole list rather than removing part of it.
 */
export function resolveTargets(items: string[], mode: RemoveMode, defaultBucket?: string): RemoveTarget[] {
  return items.map((item) => {
    let t: RemoveTarget;
    if (item.startsWith('s3://')) {
      try {
        t = parseS3Url(item);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
    } else if (defaultBucket) {
      t = { bucket: defaultBucket, key: item };
    } else {
      throw new UsageError(`not an s3:// address: ${JSON.stringify(item)} (give s3://BUCKET/KEY, or -b BUCKET for bare keys)`);
    }
    if (mode === 'keys' && t.key === '') {
      throw new UsageError(`${formatS3Url(t)} names no key; use -r to remove everything under it, --bucket to remove the bucket`);
    }
    if (mode === 'bucket' && t.key !== '') throw new UsageError(`--bucket takes s3://BUCKET, not a key: ${item}`);
    return t;
  });
}

export interface RemoveAllOptions extends Omit<DeleteObjectsOptions, 'bucket'> {
  mode: RemoveMode;
  /** With mode `bucket`: empty each bucket first. */
  recursive?: boolean;
  pageSize?: number;
  onBucketRemoved?: (bucket: string) => void;
  /** A failure that stopped one target (no such bucket, bucket not empty, network). */
  onError?: (err: unknown) => void;
}

/**
 * s3rm's whole job: remove every target, going on to the next after a failure.
 * Returns the number of failures (keys refused plus targets that failed); 0 is success.
 */
export async function removeAll(targets: RemoveTarget[], opts: RemoveAllOptions): Promise<number> {
  let failed = 0;
  const attempt = async (fn: () => Promise<number>) => {
    try {
      failed += await fn();
    } catch (err) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      failed++;
      opts.onError?.(err);
    }
  };
  if (opts.mode === 'keys') {
    await attempt(async () => {
      const sink = new DeleteObjects(opts);
      await pipeline(Readable.from(targets, { objectMode: true }), sink);
      return sink.failed;
    });
    return failed;
  }
  for (const t of targets) {
    if (opts.mode === 'tree') {
      await attempt(async () => (await removeTree({ ...opts, bucket: t.bucket, path: t.key })).failed);
      continue;
    }
    await attempt(async () => {
      if (opts.recursive) {
        const { failed: refused } = await removeTree({ ...opts, bucket: t.bucket, path: '' });
        if (refused) return refused;
      }
      if (!opts.dryRun) await removeBucket(opts.client, t.bucket, opts.signal);
      opts.onBucketRemoved?.(t.bucket);
      return 0;
    });
  }
  return failed;
}
