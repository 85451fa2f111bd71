import { DeleteBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Address } from './client';
import { manifestKey } from './layout';
import { listObjects } from './lister';
import { withRetry } from './retry';
import { S3OperationError } from './errors';
import { DeleteObjects, type DeleteObjectsOptions } from './delete-objects';

/** Removal of trees and buckets (s3rm's -r, --bucket, --all), over DeleteObjects. */

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
    // Here, not on import: `s3rm KEY...` never asks whether a key exists, and object-io
    // brings route, direct-get and put-route with it (issue 16: start-up of a batch).
    const { objectExists } = require('./object-io') as typeof import('./object-io');
    if (await objectExists(client, bucket, opts.path, { signal })) first.push(opts.path);
    if (await objectExists(client, bucket, manifestKey(opts.path), { signal })) first.push(manifestKey(opts.path));
  }
  if (first.length) await run(first);
  const skip = new Set(first);
  await run(
    (async function* () {
      for await (const entry of listObjects({ client, bucket, prefix, pageSize: opts.pageSize, signal })) {
        if ('key' in entry && !skip.has(entry.key)) yield entry.key;
      }
    })(),
  );
  return total;
}

/** Remove an empty bucket: `cannot remove bucket s3://b/: BucketNotEmpty (409)` otherwise. */
export async function removeBucket(client: S3Client, bucket: string, signal?: AbortSignal): Promise<void> {
  try {
    await withRetry(() => client.send(new DeleteBucketCommand({ Bucket: bucket }), { abortSignal: signal }), { signal, what: `s3://${bucket}` });
  } catch (err) {
    throw new S3OperationError('cannot remove bucket', `s3://${bucket}/`, err);
  }
}

/** What s3rm removes: single keys, trees (`-r`), or buckets (`--bucket`). */
export type RemoveMode = 'keys' | 'tree' | 'bucket';

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
export async function removeAll(targets: S3Address[], opts: RemoveAllOptions): Promise<number> {
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
