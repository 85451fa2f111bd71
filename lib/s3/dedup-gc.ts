import type { S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { mapOrdered } from '../slots';
import { withRequestScope } from '../abort';
import { chunkAreaPrefix, manifestKey, newGeneration, parseSetKey } from './layout';
import { listPages, type ListedObject } from './lister';
import { readManifest } from './object-io';
import { deleteKeys } from './delete-objects';
import { Lease, isLive, listLeases } from './dedup-lease';

/**
 * Garbage collection of a deduplicated set: remove the chunks under NAME/chunks/ that
 * no committed generation references. The argument that it is safe against a
 * concurrent upload and a kill -9 anywhere is in s3sink(1), "How it stays consistent";
 * in short, the order here is:
 *
 *   1. write our lease NAME/leases/gc-…        (an upload that starts after sees it and waits)
 *   2. list the leases                          (a live upload lease: do nothing, leave it to the next round)
 *   3. list NAME/, read every manifest          (what is referenced, read after 2)
 *   4. delete what is unreferenced and older than our lease's time minus the grace period
 *   5. delete our lease
 *
 * No step relies on conditional writes. A kill -9 at any step leaves garbage (for the
 * next round) and a lease that expires by itself, never a reference to a missing chunk.
 */

/** What one round of garbage collection did. */
export interface CollectResult {
  /** Chunks deleted, and their bytes. */
  removed: number;
  bytes: number;
  /** Why nothing was collected this round, when nothing was. */
  skipped?: string;
}

export interface CollectOptions {
  /** The collector's lease time, and the grace period: a chunk younger than this is never removed. */
  leaseMs: number;
  signal?: AbortSignal;
}

/** Keys per DeleteObjects batch, and how often the lease is checked while deleting. */
const BATCH = 1000;

/** One round of garbage collection of set `name` (see above). */
export function collectGarbage(client: S3Client, bucket: string, name: string, opts: CollectOptions): Promise<CollectResult> {
  return withRequestScope(opts.signal, 9, (signal) => collect(client, bucket, name, opts.leaseMs, signal));
}

async function collect(client: S3Client, bucket: string, name: string, leaseMs: number, signal: AbortSignal): Promise<CollectResult> {
  const lease = await Lease.acquire(client, bucket, name, 'gc', newGeneration(new Date(), randomBytes(4).toString('hex')), leaseMs, signal);
  try {
    const leases = await listLeases(client, bucket, name, signal);
    const now = leases.find((l) => l.key === lease.key)?.lastModified;
    if (!now) throw new Error(`the listing of s3://${bucket}/${name}/leases/ does not show the lease just written; is the endpoint S3?`);
    const upload = leases.find((l) => l.kind === 'upload' && isLive(l, now));
    if (upload) return { removed: 0, bytes: 0, skipped: `an upload is in progress (${upload.id})` };

    const manifests = [manifestKey(name)];
    const chunks: ListedObject[] = [];
    for await (const page of listPages({ client, bucket, prefix: `${name}/`, signal })) {
      for (const e of page) {
        if (!('key' in e)) continue;
        if (e.key.startsWith(chunkAreaPrefix(name))) chunks.push(e);
        else if (parseSetKey(name, e.key)?.manifest) manifests.push(e.key);
      }
    }
    const referenced = new Set<string>();
    // A manifest that does not parse stops the round: what it references is unknown.
    for await (const m of mapOrdered(manifests, 8, (key) => readManifest(client, bucket, key, { signal }))) {
      for (const c of m?.chunks ?? []) referenced.add(c.key);
    }
    const cutoff = now.getTime() - leaseMs;
    const doomed = chunks.filter((c) => !referenced.has(c.key) && c.lastModified !== undefined && c.lastModified.getTime() < cutoff);
    const expired = leases.filter((l) => l.key !== lease.key && !isLive(l, now)).map((l) => l.key);
    let removed = 0;
    let bytes = 0;
    for (let i = 0; i < doomed.length; i += BATCH) {
      lease.assertHeld();
      const batch = doomed.slice(i, i + BATCH);
      const failed = new Set((await deleteKeys(client, bucket, batch.map((c) => c.key), signal)).map((f) => f.key));
      for (const c of batch) {
        if (failed.has(c.key)) continue;
        removed++;
        bytes += c.size;
      }
    }
    await deleteKeys(client, bucket, expired, signal);
    return { removed, bytes };
  } finally {
    await lease.release();
  }
}
