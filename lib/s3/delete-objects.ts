import { DeleteObjectCommand, DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import { Writable } from 'node:stream';
import { destroyOnAbort, requestController } from '../abort';
import { Slots } from '../slots';
import { withRetry } from './retry';
import { S3OperationError, httpStatus, isTransient } from './errors';
import { oneLine } from './format';

/** S3's limit on keys per DeleteObjects request. */
export const DELETE_BATCH = 1000;

export interface DeleteFailure {
  key: string;
  code: string;
  message: string;
}

/**
 * Characters XML 1.0 cannot carry, not even as `&#1;`: a key holding one makes a whole
 * DeleteObjects body malformed (RGW: a bare 400 for the batch). S3 stores such keys and
 * names them in a URL path without trouble, so they go one DELETE each, as `aws s3 rm` does.
 */
const NOT_XML = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether a key can be named in a DeleteObjects request body (XML 1.0 character data). */
export function fitsInXml(key: string): boolean {
  return !NOT_XML.test(key);
}

/** Requests deleteBatch sends for these keys: one DeleteObjects, plus a DELETE per key XML cannot carry. */
export function requestsFor(keys: string[]): number {
  const single = keys.filter((k) => !fitsInXml(k)).length;
  return single + (single < keys.length ? 1 : 0);
}

/**
 * Delete up to 1000 keys in one DeleteObjects request (Quiet mode: only failures come
 * back), and each key XML cannot carry by a DELETE of its own. Per-key failures are
 * returned, not thrown: the rest of a batch still goes.
 */
export async function deleteBatch(
  client: S3Client,
  bucket: string,
  keys: string[],
  signal?: AbortSignal,
): Promise<DeleteFailure[]> {
  if (keys.length > DELETE_BATCH) throw new RangeError(`at most ${DELETE_BATCH} keys per batch`);
  const batch = keys.filter(fitsInXml);
  const failures: DeleteFailure[] = [];
  for (const key of keys) if (!fitsInXml(key)) failures.push(...(await deleteSingle(client, bucket, key, signal)));
  if (!batch.length) return failures;
  const out = await withRetry(
    () =>
      client.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
        { abortSignal: signal },
      ),
    { signal, what: `a delete of ${keys.length} ${keys.length === 1 ? 'key' : 'keys'} in s3://${bucket}` },
  );
  return [...failures, ...(out.Errors ?? []).map((e) => ({ key: e.Key ?? '', code: e.Code ?? 'Error', message: e.Message ?? '' }))];
}

/** One DELETE; a 4xx refusal of this key is its failure, anything else fails the request. */
async function deleteSingle(client: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<DeleteFailure[]> {
  try {
    await withRetry(() => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal }), { signal });
    return [];
  } catch (err) {
    const e = err as { name?: string; Code?: string };
    const status = httpStatus(err);
    if (signal?.aborted || isTransient(err) || !status || e.name === 'NoSuchBucket') throw err;
    return [{ key, code: e.Code ?? e.name ?? `HTTP ${status}`, message: serverText(err) ?? '' }];
  }
}

/** The server's own words for a failed request (its <Message>), when it sent any. */
export function serverText(err: unknown): string | undefined {
  const e = err as { name?: string; message?: string } | undefined;
  const text = e?.message;
  return text && text !== e?.name && !/^Unknown(Error)?$/.test(text) ? text : undefined;
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
  private readonly slots: Slots;
  private readonly batchSize: number;
  private readonly abort: AbortController;
  private batch: string[] = [];
  private batchBucket = '';
  private failure: Error | null = null;

  constructor(opts: DeleteObjectsOptions) {
    super({ objectMode: true, highWaterMark: 1000 });
    this.opts = opts;
    this.slots = new Slots(Math.max(1, opts.jobs ?? 4));
    this.abort = requestController(this.slots.size);
    this.batchSize = Math.min(DELETE_BATCH, Math.max(1, opts.batchSize ?? DELETE_BATCH));
    destroyOnAbort(this, opts.signal);
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
    this.slots.whenFree().then(() => cb(this.failure), cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.batch.length) this.flush();
    this.slots.drain().then(() => cb(this.failure), cb);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.abort.abort(err ?? new Error('destroyed'));
    void this.slots.drain().then(() => cb(err));
  }

  private flush(): void {
    const keys = this.batch;
    const bucket = this.batchBucket;
    this.batch = [];
    this.slots.start(() => this.send(bucket, keys)).catch((err: unknown) => {
      if (this.failure) return;
      if (this.abort.signal.aborted) {
        this.failure = this.abort.signal.reason as Error;
        return;
      }
      const what = keys.length === 1 ? oneLine(`s3://${bucket}/${keys[0]}`) : `${keys.length} keys in s3://${bucket}/`;
      this.failure = new S3OperationError('cannot delete', what, err);
      // A bad request's code (or a bare `HTTP 400`) does not say what the server disliked.
      if (httpStatus(err) === 400) this.failure.message += `: ${serverText(err) ?? 'the server sent no error text'}`;
    });
  }

  private async send(bucket: string, keys: string[]): Promise<void> {
    let failures: DeleteFailure[] = [];
    if (!this.opts.dryRun) {
      this.requests += requestsFor(keys);
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

