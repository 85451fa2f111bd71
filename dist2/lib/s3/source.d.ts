import { type S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { type Manifest } from './layout';
import { type RetryOptions } from './retry';
import { type ChunkStreamOptions } from './chunk-options';
/** One piece of the output: a whole object, or a byte range of one. */
export interface SourcePart {
    key: string;
    size: number;
    /** Expected SHA-256 (chunk sets only). */
    sha256?: string;
    /** First byte, for ranged reads of a plain object. */
    offset?: number;
    /** The object's ETag, so a ranged read of an object replaced meanwhile fails (If-Match). */
    etag?: string;
}
/** What `NAME` turned out to be, and the parts to read in order. */
export interface SourcePlan {
    kind: 'chunk-set' | 'object' | 's3store';
    parts: SourcePart[];
    size: number;
    manifest?: Manifest;
}
export interface ChunkSetSourceOptions extends ChunkStreamOptions {
    name: string;
    /** A GEN id: read that committed generation of the chunk set instead of the current one. */
    generation?: string;
}
/** A stored chunk does not match its manifest: corrupt, truncated, or replaced. */
export declare class ChunkVerificationError extends Error {
    readonly exitCode = 1;
}
/**
 * Find what `s3://bucket/name` holds: a chunk set (NAME/MANIFEST), else a plain object
 * (read in ranges), else the legacy s3store layout `NAME-0000000000…`.
 */
export declare function resolveSource(opts: ChunkSetSourceOptions): Promise<SourcePlan>;
/**
 * A Readable of the bytes stored at `s3://bucket/name` (chunk set, plain object or
 * s3store tag), in order, with up to `jobs` GETs prefetched. Each chunk is checked
 * against its manifest size and SHA-256 before a byte of it is pushed.
 *
 * It emits one Buffer per chunk. A consumer that hands each one back with release()
 * once written lets later chunks reuse that memory: without it, every chunk (or every
 * piece the socket delivered) lived long enough to reach V8's old generation, which then
 * collected 100–140 times per GiB (measured: a third of s3source's CPU).
 */
export declare class ChunkSetSource extends Readable {
    private readonly opts;
    private readonly jobs;
    private readonly abort;
    private plan?;
    private chunks?;
    /** Memory of emitted chunks the consumer released, for reuse. */
    private readonly spare;
    private readonly emitted;
    private pumping;
    /** Bytes pushed so far: on failure, how much of the output is good. */
    bytes: number;
    constructor(opts: ChunkSetSourceOptions);
    /** Hand back a Buffer this stream emitted, once nothing refers to it any more. */
    release(chunk: Buffer): void;
    /** What is being read; resolved on the first read. */
    get resolved(): SourcePlan | undefined;
    _read(): void;
    _destroy(err: Error | null, cb: (err?: Error | null) => void): void;
    private pump;
    private takeBuffer;
    private fetchPart;
}
/**
 * One part of a source, whole and verified, into a Buffer from `alloc`; fails as
 * `cannot read s3://b/k: …` (a ChunkVerificationError when the bytes are wrong).
 */
export declare function readPart(client: S3Client, bucket: string, part: SourcePart, alloc: (size: number) => Buffer, opts?: RetryOptions): Promise<Buffer>;
