import { ListBucketsCommand, ListObjectsV2Command, type S3Client, type _Object } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { withRetry } from './retry';

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

export class ListingError extends Error {}

/**
 * Pages of ListObjectsV2 as async iteration, one request at a time, in key order.
 * Unlike the SDK paginator it checks the page chain: a truncated page without a token is
 * an error (not a silent end), and a token seen before is an error (not an endless loop).
 */
export async function* listPages(opts: ListObjectsOptions): AsyncGenerator<ListEntry[]> {
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    const page = await withRetry(
      () =>
        opts.client.send(
          new ListObjectsV2Command({
            Bucket: opts.bucket,
            Prefix: opts.prefix || undefined,
            Delimiter: opts.delimiter,
            MaxKeys: opts.pageSize,
            ContinuationToken: token,
          }),
          { abortSignal: opts.signal },
        ),
      { signal: opts.signal },
    );
    const entries: ListEntry[] = [
      ...(page.Contents ?? []).map(toListedObject),
      ...(page.CommonPrefixes ?? []).map((p) => ({ prefix: p.Prefix ?? '' })),
    ];
    // Objects and prefixes arrive as two sorted lists; the user wants one sorted listing.
    if (page.CommonPrefixes?.length) entries.sort((a, b) => compareKeys(entryName(a), entryName(b)));
    yield entries;
    if (!page.IsTruncated) return;
    const next = page.NextContinuationToken;
    if (!next) throw new ListingError('listing truncated but the server sent no continuation token');
    if (seen.has(next)) throw new ListingError('server repeated a continuation token; listing would loop');
    seen.add(next);
    token = next;
  }
}

/** The name an entry sorts and prints by. */
export function entryName(e: ListEntry): string {
  return 'prefix' in e ? e.prefix : e.key;
}

/** S3 orders keys by their UTF-8 bytes, which is not JavaScript's UTF-16 order. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function toListedObject(o: _Object): ListedObject {
  return { key: o.Key ?? '', size: o.Size ?? 0, lastModified: o.LastModified, etag: o.ETag };
}

/** An object-mode Readable of ListEntry, page by page with backpressure. */
export function listObjects(opts: ListObjectsOptions): Readable {
  return Readable.from(
    (async function* () {
      for await (const page of listPages(opts)) yield* page;
    })(),
    { objectMode: true, highWaterMark: opts.pageSize ?? 1000 },
  );
}

/** Every bucket the credentials can see. */
export async function listBuckets(client: S3Client, signal?: AbortSignal): Promise<{ name: string; created?: Date }[]> {
  const out = await withRetry(() => client.send(new ListBucketsCommand({}), { abortSignal: signal }), { signal });
  return (out.Buckets ?? []).map((b) => ({ name: b.Name ?? '', created: b.CreationDate }));
}
