import type { S3Client } from '@aws-sdk/client-s3';
/** One chunk set found under a prefix, as its current MANIFEST describes it. */
export interface ListedChunkSet {
    /** The set's name (the key prefix before `/MANIFEST`). */
    name: string;
    /** The committed generation, its total size and creation time; absent when `error` is set. */
    generation?: string;
    size?: number;
    created?: string;
    chunks?: number;
    /** Why the MANIFEST could not be read or trusted, as one line. */
    error?: string;
}
/**
 * The set name a key is the commit point of: `NAME/MANIFEST` where NAME's last segment
 * is not a generation (`NAME/GEN/MANIFEST` is a generation's own copy, not a set).
 */
export declare function setNameOfManifestKey(key: string): string | null;
export interface ListChunkSetsOptions {
    client: S3Client;
    bucket: string;
    prefix?: string;
    pageSize?: number;
    /** MANIFESTs fetched at once (default 8); output order stays key order. */
    jobs?: number;
    signal?: AbortSignal;
}
/**
 * Every chunk set under a prefix, in name order: one recursive listing (streamed, never
 * held whole), and a GET of each set's MANIFEST, a few at a time. A MANIFEST that is
 * missing by the time it is read, or does not parse, yields an entry with `error`.
 */
export declare function listChunkSets(opts: ListChunkSetsOptions): AsyncGenerator<ListedChunkSet>;
