import { ListBucketsCommand, ListObjectsV2Command, type S3Client, type _Object } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { destroyOnAbort } from '../abort';
import { withRetry } from './retry';
import { S3OperationError } from './errors';
import { parseListingXml, type ListingObjectXml, type ListingXml } from './listing-xml';

export interface ListedObject {
  key: string;
  size: number;
  lastModified?: Date;
  etag?: string;
  /** As the listing names it (`STANDARD`, `GLACIER`, a server's own); some servers send none. */
  storageClass?: string;
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
export class ListingError extends Error {}

/**
 * Pages of ListObjectsV2 as async iteration, one request at a time, in key order.
 * Unlike the SDK paginator it checks the page chain: a truncated page without a token is
 * an error (not a silent end), a token seen before is an error (not an endless loop),
 * and so is a page that starts at or before the last key already yielded (a server
 * going back would repeat keys under fresh tokens).
 */
export async function* listPages(opts: ListObjectsOptions): AsyncGenerator<ListEntry[]> {
  const seen = new Set<string>();
  let token: string | undefined;
  let last: string | undefined;
  /** The common prefixes after the last key of the page before. */
  let resendable = new Set<string>();
  for (;;) {
    const raw: RawListing = { carriageReturn: false };
    const page = await withRetry(() => {
      const command = new ListObjectsV2Command({
        Bucket: opts.bucket,
        Prefix: opts.prefix || undefined,
        Delimiter: opts.delimiter,
        MaxKeys: opts.pageSize,
        ContinuationToken: token,
        EncodingType: 'url',
      });
      readRawListing(command, raw);
      return opts.client.send(command, { abortSignal: opts.signal });
    }, { signal: opts.signal, what: `listing s3://${opts.bucket}/${opts.prefix ?? ''}` });
    const name = listedName(page.EncodingType, raw.carriageReturn);
    let entries: ListEntry[] = [
      ...(raw.entries?.Contents ?? page.Contents ?? []).map((o) => toListedObject(o, name)),
      ...(raw.entries?.CommonPrefixes ?? page.CommonPrefixes ?? []).map((p) => ({ prefix: name(p.Prefix ?? '') })),
    ];
    // Objects and prefixes arrive as two sorted lists (and s3rver sorts neither by
    // bytes): the reader gets one listing in S3's order.
    if (!isSorted(entries)) entries.sort((a, b) => compareKeys(entryName(a), entryName(b)));
    const twice = entries.findIndex((e, i) => i > 0 && entryName(entries[i - 1]) === entryName(e));
    if (twice > 0) throw new ListingError(`server listed ${JSON.stringify(entryName(entries[twice]))} twice in one page`);
    if (last !== undefined) {
      // s3rver counts only keys toward MaxKeys and resumes after the last key, so the
      // common prefixes after it come again at the start of the next page. Only those are
      // skipped: dropping every prefix at or before `last` hid a server going back to a page
      // of prefixes (pages out of order: s3ls left them out and exited 0).
      const from = entries.findIndex((e) => !('prefix' in e && resendable.has(e.prefix)));
      entries = from < 0 ? [] : entries.slice(from);
      // A server that resends an earlier page under a fresh token would repeat keys
      // without repeating a token: key order catches that, and costs nothing.
      if (entries.length && compareKeys(entryName(entries[0]), last) <= 0) {
        throw new ListingError(
          `server went back to ${JSON.stringify(entryName(entries[0]))} after ${JSON.stringify(last)}; listing would repeat keys`,
        );
      }
    }
    if (entries.length) last = entryName(entries[entries.length - 1]);
    resendable = new Set();
    for (let i = entries.length - 1; i >= 0 && 'prefix' in entries[i]; i--) resendable.add(entryName(entries[i]));
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

function isSorted(entries: ListEntry[]): boolean {
  for (let i = 1; i < entries.length; i++) if (compareKeys(entryName(entries[i - 1]), entryName(entries[i])) > 0) return false;
  return true;
}

/** S3 orders keys by their UTF-8 bytes, which is not JavaScript's UTF-16 order. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function toListedObject(o: ListingObjectXml | _Object, name: (listed: string) => string): ListedObject {
  return { key: name(o.Key ?? ''), size: o.Size ?? 0, lastModified: o.LastModified, etag: o.ETag, storageClass: o.StorageClass };
}

/**
 * How a page's names become keys. Listings ask for `encoding-type=url` because XML
 * cannot carry every key: a parser turns a raw CR (or CRLF) into LF, and XML 1.0 has no
 * way at all to write most control characters. A server that honours it says so
 * (EncodingType url: RGW, AWS) and its names are decoded as AWS encodes them (`+` is a
 * blank). One that ignores it (s3rver) sends names raw, which are exact unless the body
 * held a raw CR: then a key has already changed, and the page is refused.
 */
export function listedName(encodingType: string | undefined, rawCarriageReturn: boolean): (listed: string) => string {
  if (encodingType === 'url') {
    return (listed) => {
      try {
        return decodeURIComponent(listed.replace(/\+/g, ' '));
      } catch {
        throw new ListingError(`server sent a key that is not URL-encoded: ${JSON.stringify(listed)}`);
      }
    };
  }
  if (rawCarriageReturn) {
    throw new ListingError('server ignored encoding-type=url and sent a carriage return in a key, which XML parsing turns into a line feed; refusing to list changed keys');
  }
  return (listed) => listed;
}

/** What the raw XML of one listing answer told, before the SDK's parser saw it. */
interface RawListing {
  /** The body held a CR, which XML parsing normalises away. */
  carriageReturn: boolean;
  /** Its entries, read by parseListingXml; undefined when the SDK parsed the whole page. */
  entries?: ListingXml;
}

/**
 * Read the raw XML of a listing answer: note whether it holds a CR, before XML parsing
 * normalises it away (the one loss a server ignoring encoding-type leaves no other trace
 * of), and read its entries with parseListingXml, handing the SDK the rest.
 */
function readRawListing(command: ListObjectsV2Command, raw: RawListing): void {
  command.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      const response = out.response as { statusCode?: number; body?: unknown };
      raw.entries = undefined;
      if (response.body && (response.statusCode ?? 0) < 300) {
        const pieces: Buffer[] = [];
        for await (const piece of response.body as AsyncIterable<Buffer>) pieces.push(piece);
        const body = Buffer.concat(pieces);
        raw.carriageReturn = body.includes(0x0d);
        raw.entries = parseListingXml(body.toString('utf8'));
        response.body = raw.entries ? Buffer.from(raw.entries.rest) : body;
      }
      return out;
    },
    // Below the deserializer, which calls it and parses what it returns.
    { step: 'deserialize', priority: 'low', name: 'pipekitRawCarriageReturn' },
  );
}

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
export class ObjectListing extends Readable {
  private readonly abort = new AbortController();
  private readonly pages: AsyncGenerator<ListEntry[]>;
  private readonly url: string;
  private fetching = false;

  constructor(opts: ListObjectsOptions) {
    // highWaterMark 1: _read is called again only once the buffer is empty.
    super({ objectMode: true, highWaterMark: 1 });
    this.url = `s3://${opts.bucket}/${opts.prefix ?? ''}`;
    this.pages = listPages({ ...opts, signal: this.abort.signal });
    destroyOnAbort(this, opts.signal);
  }

  override [Symbol.asyncIterator](): AsyncIterableIterator<ListEntry> {
    return super[Symbol.asyncIterator]();
  }

  override _read(): void {
    if (this.fetching) return;
    this.fetching = true;
    this.pages.next().then(
      (page) => {
        this.fetching = false;
        if (this.destroyed) return;
        if (page.done) {
          this.push(null);
          return;
        }
        for (const e of page.value) this.push(e);
        // An empty page pushes nothing, so nothing would call _read again.
        if (!page.value.length) this._read();
      },
      (err: unknown) => {
        this.fetching = false;
        this.destroy(this.abort.signal.aborted ? (this.abort.signal.reason as Error) : new S3OperationError('cannot list', this.url, err));
      },
    );
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.abort.abort(err ?? new Error('listing destroyed'));
    cb(err);
  }
}

/**
 * The listing a page (one request's entries) at a time, failing as ObjectListing does
 * (`cannot list s3://b/p: …`, after every page before it): for a reader that handles a
 * page at once, such as s3ls writing each page with one write instead of one per key.
 */
export async function* listEntryPages(opts: ListObjectsOptions): AsyncGenerator<ListEntry[]> {
  try {
    yield* listPages(opts);
  } catch (err) {
    throw opts.signal?.aborted ? (opts.signal.reason as Error) : new S3OperationError('cannot list', `s3://${opts.bucket}/${opts.prefix ?? ''}`, err);
  }
}

/** `new ObjectListing(opts)`: the listing as an object-mode Readable of ListEntry. */
export function listObjects(opts: ListObjectsOptions): ObjectListing {
  return new ObjectListing(opts);
}

/** Every bucket the credentials can see; fails as `cannot list buckets: …`. */
export async function listBuckets(client: S3Client, signal?: AbortSignal): Promise<{ name: string; created?: Date }[]> {
  try {
    const out = await withRetry(() => client.send(new ListBucketsCommand({}), { abortSignal: signal }), { signal, what: 'the bucket listing' });
    return (out.Buckets ?? []).map((b) => ({ name: b.Name ?? '', created: b.CreationDate }));
  } catch (err) {
    throw new S3OperationError('cannot list', 'buckets', err);
  }
}
