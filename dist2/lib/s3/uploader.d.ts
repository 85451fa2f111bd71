import { type Stats } from 'node:fs';
import type { S3Client } from '@aws-sdk/client-s3';
/**
 * s3put's engine, the seed's backup.py as streams: paths in (from `find`, or directories
 * walked), each regular file uploaded to prefix + its path, a few at once; everything
 * that is not a regular file reported and left alone (S3 stores bytes, not links or
 * devices: a tar stream through s3sink keeps those).
 */
/** `20261125-163012`: the run's UTC time as backup.py wrote it (`%Y%m%d-%H%M%S`). */
export declare function runTimestamp(now: Date): string;
/**
 * The key part for a local path, as tar names members: `./a//b` is `a/b`, a leading
 * `/` and leading `../` are dropped (backup.py's `lstrip('/')`), so keys never climb
 * above the prefix.
 */
export declare function keyPathOf(path: string): string;
/** The key prefix for `s3://bucket/PREFIX`: `PREFIX/` (a directory), or empty for the bucket's root. */
export declare function keyPrefixOf(prefix: string, timestamp?: string): string;
/** What a path is, when it is not something s3put uploads. */
export declare function kindOf(st: Stats): string | null;
export interface UploadFilesOptions {
    client: S3Client;
    bucket: string;
    /** Key prefix, used as given (see keyPrefixOf). */
    prefix: string;
    /** Walk directories (paths given as arguments); from a `find` list they are skipped, find lists their files. */
    walkDirectories?: boolean;
    /** Files uploaded at once (default 4). */
    jobs?: number;
    /** Files larger than this go by multipart upload (default 8 MiB). */
    multipartThreshold?: number;
    /** Part size for multipart uploads (default 8 MiB, at least 5 MiB for most servers). */
    partSize?: number;
    signal?: AbortSignal;
    onUploaded?: (key: string, path: string, size: number) => void;
    onSkipped?: (path: string, kind: string) => void;
    /** A file that could not be read or uploaded; the others still go. */
    onFailure?: (path: string, err: Error) => void;
}
export interface UploadTotals {
    uploaded: number;
    bytes: number;
    skipped: number;
    failed: number;
}
/**
 * Upload every regular file among `paths` (walking directories when asked), `jobs` at
 * a time. Failures are reported and counted, never thrown: the rest are still tried.
 * Memory is about jobs × multipartThreshold (small files are sent from one Buffer,
 * which every retry resends; big ones stream through MultipartObjectSink).
 */
export declare function uploadFiles(paths: AsyncIterable<string> | Iterable<string>, opts: UploadFilesOptions): Promise<UploadTotals>;
