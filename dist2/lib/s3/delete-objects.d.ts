import { type S3Client } from '@aws-sdk/client-s3';
import { Writable } from 'node:stream';
/** S3's limit on keys per DeleteObjects request. */
export declare const DELETE_BATCH = 1000;
export interface DeleteFailure {
    key: string;
    code: string;
    message: string;
}
/**
 * Delete up to 1000 keys in one DeleteObjects request (Quiet mode: only failures come
 * back). Per-key failures are returned, not thrown: the rest of a batch still goes.
 */
export declare function deleteBatch(client: S3Client, bucket: string, keys: string[], signal?: AbortSignal): Promise<DeleteFailure[]>;
/** Delete any number of keys, 1000 per request. */
export declare function deleteKeys(client: S3Client, bucket: string, keys: string[], signal?: AbortSignal): Promise<DeleteFailure[]>;
/** What `DeleteObjects` accepts: a key in its default bucket, or a key in a named bucket. */
export type DeleteTarget = string | {
    key: string;
    bucket?: string;
};
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
    onFailure?: (failure: DeleteFailure & {
        bucket: string;
    }) => void;
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
export declare class DeleteObjects extends Writable {
    /** Keys deleted so far (with dryRun: that would be). */
    deleted: number;
    /** Keys the server refused so far. */
    failed: number;
    /** DeleteObjects requests sent so far. */
    requests: number;
    private readonly opts;
    private readonly slots;
    private readonly batchSize;
    private readonly abort;
    private batch;
    private batchBucket;
    private failure;
    constructor(opts: DeleteObjectsOptions);
    _write(target: DeleteTarget, _enc: BufferEncoding, cb: (err?: Error | null) => void): void;
    _final(cb: (err?: Error | null) => void): void;
    _destroy(err: Error | null, cb: (err?: Error | null) => void): void;
    private flush;
    private send;
}
/** `new DeleteObjects(opts)`, for `pipeline(listObjects(…), deleteObjects(…))`. */
export declare function deleteObjects(opts: DeleteObjectsOptions): DeleteObjects;
