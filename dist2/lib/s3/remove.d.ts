import { type S3Client } from '@aws-sdk/client-s3';
import type { S3Address } from './client';
import { type DeleteObjectsOptions } from './delete-objects';
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
export declare function removeTree(opts: RemoveTreeOptions): Promise<{
    deleted: number;
    failed: number;
    requests: number;
}>;
/** Remove an empty bucket: `cannot remove bucket s3://b/: BucketNotEmpty (409)` otherwise. */
export declare function removeBucket(client: S3Client, bucket: string, signal?: AbortSignal): Promise<void>;
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
export declare function removeAll(targets: S3Address[], opts: RemoveAllOptions): Promise<number>;
