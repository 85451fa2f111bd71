import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mapOrdered } from '../slots';
import { withRetry, type RetryOptions } from './retry';
import { S3OperationError } from './errors';
import type { SourcePlan } from './source';

/**
 * Objects in an archive class (S3 Glacier Flexible Retrieval, Deep Archive, and the
 * archive tiers of Intelligent-Tiering) cannot be read until restored: a GET answers
 * 403 InvalidObjectState. A restore must not find that out after 20 GB of output, so
 * the first and last objects are looked at before a byte is written.
 */

/** What a HEAD says about an object's storage. */
export interface StorageState {
  StorageClass?: string;
  Restore?: string;
  ArchiveStatus?: string;
}

/** Classes whose objects need a restore before a GET, as AWS names them. */
const ARCHIVE_CLASSES = new Set(['GLACIER', 'DEEP_ARCHIVE']);

/**
 * Whether an object looks archived and not restored. Only a sign: servers other than AWS
 * may name a class of their own GLACIER, so a GET confirms it (see refuseArchived).
 */
export function looksArchived(state: StorageState): boolean {
  if (!state.ArchiveStatus && !ARCHIVE_CLASSES.has(state.StorageClass ?? '')) return false;
  // `ongoing-request="false", expiry-date="…"`: a restored copy is there to read.
  return !/ongoing-request="false"/.test(state.Restore ?? '');
}

/** The class a user would restore from: the archive tier of Intelligent-Tiering, or the class. */
function archiveName(state: StorageState): string {
  return state.ArchiveStatus ? `INTELLIGENT_TIERING ${state.ArchiveStatus}` : (state.StorageClass ?? 'an archive class');
}

/** Part of a source is archived: what to restore, in one line. */
export class ArchivedError extends Error {
  readonly exitCode = 1;
}

export interface ArchiveCheckOptions extends RetryOptions {
  /** HEADs at once, when every object must be counted. */
  jobs?: number;
}

/**
 * Throws ArchivedError when the source's objects must be restored before they can be
 * read: the first and last are looked at (a generation's chunks are written together and
 * age into a lifecycle rule's class together); if either is archived, every one is, to
 * say how many to restore.
 */
export async function refuseArchived(client: S3Client, bucket: string, url: string, plan: SourcePlan, opts: ArchiveCheckOptions = {}): Promise<void> {
  const keys = [...new Set(plan.parts.map((p) => p.key))];
  if (!keys.length) return;
  const ends = [...new Set([keys[0], keys[keys.length - 1]])];
  const endStates = await Promise.all(ends.map((key) => headState(client, bucket, key, opts)));
  const archivedEnd = ends.find((_, i) => looksArchived(endStates[i]));
  if (archivedEnd === undefined || !(await getRefused(client, bucket, archivedEnd, opts))) return;
  const classes = new Set<string>();
  let archived = 0;
  for await (const state of mapOrdered(keys, Math.max(1, opts.jobs ?? 4), (key) => headState(client, bucket, key, opts))) {
    if (!looksArchived(state)) continue;
    archived++;
    classes.add(archiveName(state));
  }
  const where = plan.manifest ? `${url} generation ${plan.manifest.generation}` : url;
  const cls = [...classes].join(', ');
  const which = plan.kind === 'object' ? `the object is in ${cls}` : `${archived} of ${keys.length} chunks ${archived === 1 ? 'is' : 'are'} in ${cls}`;
  throw new ArchivedError(`cannot read ${where}: ${which}; restore the objects first (s3 restore-object), then read again`);
}

async function headState(client: S3Client, bucket: string, key: string, opts: RetryOptions): Promise<StorageState> {
  try {
    return await withRetry(() => client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: opts.signal }), opts);
  } catch (err) {
    throw new S3OperationError('cannot read', `s3://${bucket}/${key}`, err);
  }
}

/** Whether a GET of one byte is refused as InvalidObjectState: the server's own word that a restore is needed. */
async function getRefused(client: S3Client, bucket: string, key: string, opts: RetryOptions): Promise<boolean> {
  try {
    const out = await withRetry(
      () => client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: 'bytes=0-0' }), { abortSignal: opts.signal }),
      opts,
    );
    await out.Body?.transformToByteArray();
    return false;
  } catch (err) {
    if ((err as { name?: string }).name === 'InvalidObjectState') return true;
    throw new S3OperationError('cannot read', `s3://${bucket}/${key}`, err);
  }
}
