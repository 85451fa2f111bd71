import { type ListEntry } from './lister';
import type { ListedChunkSet } from './sets';
import type { CommittedGeneration } from './generations';
/**
 * How s3ls prints, as pure functions: one line per bucket, key, prefix or chunk set.
 * Keys print as `s3://bucket/key` so the output is itself a list of arguments for s3rm,
 * s3source or another s3ls.
 */
/** URL only; `-l`; `-l` size, time and URL (`-h` human sizes); or JSON lines. */
export interface FormatOptions {
    long?: boolean;
    human?: boolean;
    json?: boolean;
}
/** `2026-11-25T16:30:12Z`: ISO 8601 in UTC, to the second (what S3 keeps). */
export declare function isoSecond(d: Date | undefined): string;
/**
 * One listing line: the URL; with `-l` the size, the modification time and the URL last,
 * so a key with blanks stays whole.
 */
export declare function formatEntry(bucket: string, e: ListEntry, o?: FormatOptions): string;
/** One line for a bucket: `s3://name/`; `-l` creation time first; or JSON. */
export declare function formatBucket(b: {
    name: string;
    created?: Date;
}, o?: FormatOptions): string;
/** One output line for a set: its URL; `-l`: size, created, generation, URL; or JSON. */
export declare function formatChunkSet(bucket: string, s: ListedChunkSet, o?: FormatOptions): string;
/**
 * One committed generation for `s3ls --generations`, tab-separated:
 * `GEN  CREATED  SIZE  CHUNKS  SHA256  current|-` (`-h` human sizes); or JSON.
 */
export declare function formatGeneration(g: CommittedGeneration, o?: FormatOptions): string;
