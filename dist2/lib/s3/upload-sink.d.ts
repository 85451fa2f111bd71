import { Writable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { type ChunkStreamOptions } from './chunk-options';
import type { Digest } from './object-io';
export interface UploadSinkOptions extends ChunkStreamOptions {
    /** Called after each retry, for progress/diagnostics. */
    onRetry?: (err: unknown, attempt: number) => void;
    /** A stream shorter than this many bytes is not committed (an empty dump is the classic silent failure). */
    minSize?: number;
    /**
     * Awaited once every chunk is stored, before anything is committed; a rejection leaves
     * nothing committed and fails the sink with that error. It is how `s3sink -- COMMAND`
     * commits only what a producer that exited 0 wrote.
     */
    approve?: () => Promise<void>;
}
/** The upload was complete but not committed: the stream was too short, or its producer failed. */
export declare class NotCommitted extends Error {
    readonly exitCode: number;
    constructor(message: string, exitCode?: number);
}
/** Not committed because the stream was shorter than `minSize`. */
export declare class TooShort extends NotCommitted {
}
/**
 * The shared engine of ChunkSetSink and MultipartObjectSink: a byte Writable that cuts
 * its input into chunks and uploads up to `jobs` of them at once, holding the write
 * callback while all slots are busy (that is the backpressure that bounds memory).
 * Each attempt sends the same Buffer again; nothing is re-read from the source.
 */
export declare abstract class ChunkedUploadSink extends Writable {
    protected readonly client: S3Client;
    protected readonly bucket: string;
    protected readonly chunkSize: number;
    protected readonly attempts?: number;
    /** Aborts every request in flight when the sink is destroyed (the caller's signal destroys it). */
    protected readonly abort: AbortController;
    private readonly onRetry?;
    private readonly approve?;
    private readonly minSize;
    private readonly accumulator;
    private readonly slots;
    private readonly hashes;
    /** Chunk buffers whose upload finished, for reuse: at most jobs + 1 ever exist. */
    private readonly spare;
    private readonly wholeHash;
    private nextIndex;
    private failure;
    /** Bytes accepted so far. */
    bytes: number;
    /** Chunks fully uploaded so far. */
    uploaded: number;
    /** Requests retried so far (all chunks). */
    retries: number;
    /** Chunks not sent because the server already held the same bytes (a resumed upload). */
    reused: number;
    /** Digests of the uploaded chunks, by index. */
    protected readonly chunks: Digest[];
    constructor(opts: UploadSinkOptions);
    /** Chunks in flight now. */
    get inFlight(): number;
    /** SHA-256 of every byte written, hex; valid after finish. */
    protected wholeSha256: string;
    /** Size of chunk `index`; constant unless a subclass grows it. */
    protected sizeOfChunk(_index: number): number;
    /** Whether chunk `index` is stored already with exactly these bytes, so it need not be sent. */
    protected alreadyStored(_index: number, _digest: Digest): boolean;
    /** Upload one chunk (one attempt); throw to retry when transient. */
    protected abstract putChunk(index: number, chunk: Buffer, digest: Digest): Promise<void>;
    /** `s3://bucket/key` of chunk `index`, for error lines. */
    protected abstract chunkUrl(index: number): string;
    /** Make the upload visible: runs once, after every chunk is stored. */
    protected abstract commit(): Promise<void>;
    /** Best-effort removal of what this upload stored, after `failure` or when it stands aside. Never throws. */
    protected abstract discard(failure?: Error): Promise<void>;
    _write(data: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void;
    _final(cb: (err?: Error | null) => void): void;
    _destroy(err: Error | null, cb: (err?: Error | null) => void): void;
    private takeBuffer;
    private recycle;
    private uploadOne;
    private startUpload;
}
