import type { S3Client } from '@aws-sdk/client-s3';
/** Chunk size and jobs: what the streams that cut or read chunk sets share. */
export declare const DEFAULT_CHUNK_SIZE: number;
export declare const DEFAULT_JOBS = 4;
export interface ChunkStreamOptions {
    client: S3Client;
    bucket: string;
    /** Requests in flight at once; memory is about (jobs + 1) × chunk size. */
    jobs?: number;
    /** Bytes per chunk, or per ranged GET of a plain object (default 8 MiB). */
    chunkSize?: number;
    /** Attempts per request, all retry layers counted. */
    attempts?: number;
    signal?: AbortSignal;
}
