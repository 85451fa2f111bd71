import { Readable } from 'node:stream';
/** Random bytes that are the same for the same seed (tests must be repeatable). */
export declare function seededBytes(size: number, seed?: number): Buffer;
/** `data` as a Readable of pieces with awkward sizes (1 byte, primes, larger than a chunk…). */
export declare function oddPieces(data: Buffer, sizes?: number[]): Readable;
/**
 * A Readable of `total` bytes made of one random block repeated: a big stream without
 * holding it in memory.
 */
export declare function repeatingStream(total: number, blockSize?: number): Readable;
export declare function sha256(data: Buffer): string;
/** mulberry32: a tiny deterministic PRNG, so a fault-rate or soak run repeats for its seed. */
export declare function mulberry32(seed: number): () => number;
