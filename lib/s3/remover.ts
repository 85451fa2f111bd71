import { DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import { withRetry } from './retry';

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
