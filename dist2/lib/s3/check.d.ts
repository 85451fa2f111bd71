import type { S3Client } from '@aws-sdk/client-s3';
import type { Manifest } from './layout';
/** What reading back one generation found. */
export interface GenerationCheck {
    generation: string;
    size: number;
    chunks: number;
    /** The first chunk that failed, and why; absent when every chunk matched its manifest. */
    bad?: {
        chunk: number;
        reason: string;
    };
}
export interface CheckOptions {
    /** GETs in flight at once (default 4). */
    jobs?: number;
    attempts?: number;
    signal?: AbortSignal;
}
/**
 * Read every chunk of a generation and verify its size and SHA-256 against the
 * manifest, writing nothing (restic's `check --read-data` for one snapshot). Memory is
 * about `jobs` chunks; the buffers are dropped as soon as each chunk is checked.
 */
export declare function checkGeneration(client: S3Client, bucket: string, manifest: Manifest, opts?: CheckOptions): Promise<GenerationCheck>;
/** `ok GEN SIZE CHUNKS` or `BAD GEN chunk K: reason`, as `s3source --check` prints it. */
export declare function formatCheck(c: GenerationCheck): string;
