import { Transform } from 'node:stream';
/**
 * Cuts a byte stream into fixed-size Buffers, copying each byte at most once and always
 * emitting the final partial chunk.
 *
 * Written instead of the `stream-chunker` package: measured here, stream-chunker 1.2.8
 * re-concatenates its whole buffer on every write (204 MB/s at 64 KiB writes, 48 MB/s at
 * 16 KiB — quadratic in chunk size / write size) and drops the last partial chunk
 * unless `flush: true` is given. bench/chunker.ts prints the comparison.
 */
export declare class ChunkAccumulator {
    private readonly sizeOf;
    private readonly alloc;
    private buf;
    private filled;
    private index;
    /**
     * `sizeOf(i)` is the size of chunk i (constant for chunk sets, growing for multipart);
     * `alloc` makes the buffer a chunk is gathered in.
     */
    constructor(sizeOf: (index: number) => number, alloc?: (size: number) => Buffer);
    /** Take `data`; yield every chunk it completes. */
    push(data: Buffer): Generator<Buffer>;
    /** The final partial chunk, or null when the stream ended on a chunk boundary. */
    flush(): Buffer | null;
    private emit;
}
/** A Transform from bytes to Buffers of exactly `size` bytes (the last one may be shorter). */
export declare function createChunker(size: number): Transform;
