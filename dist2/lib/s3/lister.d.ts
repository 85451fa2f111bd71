import { type S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
export interface ListedObject {
    key: string;
    size: number;
    lastModified?: Date;
    etag?: string;
}
/** A common prefix from a delimited listing: a "directory", ending in the delimiter. */
export interface ListedPrefix {
    prefix: string;
}
export type ListEntry = ListedObject | ListedPrefix;
export interface ListObjectsOptions {
    client: S3Client;
    bucket: string;
    prefix?: string;
    /** `/` lists one level (common prefixes come back as ListedPrefix); none lists recursively. */
    delimiter?: string;
    /** Keys per request (MaxKeys); the server may return fewer. */
    pageSize?: number;
    signal?: AbortSignal;
}
/** A page chain a correct server never sends: a listing that would lose or repeat keys. */
export declare class ListingError extends Error {
}
/**
 * Pages of ListObjectsV2 as async iteration, one request at a time, in key order.
 * Unlike the SDK paginator it checks the page chain: a truncated page without a token is
 * an error (not a silent end), a token seen before is an error (not an endless loop),
 * and so is a page that starts at or before the last key already yielded (a server
 * going back would repeat keys under fresh tokens).
 */
export declare function listPages(opts: ListObjectsOptions): AsyncGenerator<ListEntry[]>;
/** The name an entry sorts and prints by. */
export declare function entryName(e: ListEntry): string;
/** S3 orders keys by their UTF-8 bytes, which is not JavaScript's UTF-16 order. */
export declare function compareKeys(a: string, b: string): number;
/**
 * An object-mode Readable of ListEntry in key order, fetched page by page: the next
 * page is requested only when the reader has taken every entry of the last one, so
 * memory stays one page whatever the listing's length, and a failure (one line:
 * `cannot list s3://b/p: NoSuchBucket (404)`) arrives after every entry before it.
 * destroy() aborts the request in flight.
 *
 * @example
 * for await (const e of listObjects({ client, bucket: 'b', prefix: 'logs/' })) console.log(e.key);
 */
export declare class ObjectListing extends Readable {
    private readonly abort;
    private readonly pages;
    private readonly url;
    private fetching;
    constructor(opts: ListObjectsOptions);
    [Symbol.asyncIterator](): AsyncIterableIterator<ListEntry>;
    _read(): void;
    _destroy(err: Error | null, cb: (err?: Error | null) => void): void;
}
/** `new ObjectListing(opts)`: the listing as an object-mode Readable of ListEntry. */
export declare function listObjects(opts: ListObjectsOptions): ObjectListing;
/** Every bucket the credentials can see; fails as `cannot list buckets: …`. */
export declare function listBuckets(client: S3Client, signal?: AbortSignal): Promise<{
    name: string;
    created?: Date;
}[]>;
