"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ObjectListing = exports.ListingError = void 0;
exports.listPages = listPages;
exports.entryName = entryName;
exports.compareKeys = compareKeys;
exports.listObjects = listObjects;
exports.listBuckets = listBuckets;
const client_s3_1 = require("@aws-sdk/client-s3");
const node_stream_1 = require("node:stream");
const abort_1 = require("../abort");
const retry_1 = require("./retry");
const errors_1 = require("./errors");
/** A page chain a correct server never sends: a listing that would lose or repeat keys. */
class ListingError extends Error {
}
exports.ListingError = ListingError;
/**
 * Pages of ListObjectsV2 as async iteration, one request at a time, in key order.
 * Unlike the SDK paginator it checks the page chain: a truncated page without a token is
 * an error (not a silent end), a token seen before is an error (not an endless loop),
 * and so is a page that starts at or before the last key already yielded (a server
 * going back would repeat keys under fresh tokens).
 */
async function* listPages(opts) {
    const seen = new Set();
    let token;
    let last;
    /** The common prefixes after the last key of the page before. */
    let resendable = new Set();
    for (;;) {
        const page = await (0, retry_1.withRetry)(() => opts.client.send(new client_s3_1.ListObjectsV2Command({
            Bucket: opts.bucket,
            Prefix: opts.prefix || undefined,
            Delimiter: opts.delimiter,
            MaxKeys: opts.pageSize,
            ContinuationToken: token,
        }), { abortSignal: opts.signal }), { signal: opts.signal });
        let entries = [
            ...(page.Contents ?? []).map(toListedObject),
            ...(page.CommonPrefixes ?? []).map((p) => ({ prefix: p.Prefix ?? '' })),
        ];
        // Objects and prefixes arrive as two sorted lists (and s3rver sorts neither by
        // bytes): the reader gets one listing in S3's order.
        if (!isSorted(entries))
            entries.sort((a, b) => compareKeys(entryName(a), entryName(b)));
        const twice = entries.findIndex((e, i) => i > 0 && entryName(entries[i - 1]) === entryName(e));
        if (twice > 0)
            throw new ListingError(`server listed ${JSON.stringify(entryName(entries[twice]))} twice in one page`);
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
                throw new ListingError(`server went back to ${JSON.stringify(entryName(entries[0]))} after ${JSON.stringify(last)}; listing would repeat keys`);
            }
        }
        if (entries.length)
            last = entryName(entries[entries.length - 1]);
        resendable = new Set();
        for (let i = entries.length - 1; i >= 0 && 'prefix' in entries[i]; i--)
            resendable.add(entryName(entries[i]));
        yield entries;
        if (!page.IsTruncated)
            return;
        const next = page.NextContinuationToken;
        if (!next)
            throw new ListingError('listing truncated but the server sent no continuation token');
        if (seen.has(next))
            throw new ListingError('server repeated a continuation token; listing would loop');
        seen.add(next);
        token = next;
    }
}
/** The name an entry sorts and prints by. */
function entryName(e) {
    return 'prefix' in e ? e.prefix : e.key;
}
function isSorted(entries) {
    for (let i = 1; i < entries.length; i++)
        if (compareKeys(entryName(entries[i - 1]), entryName(entries[i])) > 0)
            return false;
    return true;
}
/** S3 orders keys by their UTF-8 bytes, which is not JavaScript's UTF-16 order. */
function compareKeys(a, b) {
    return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
function toListedObject(o) {
    return { key: o.Key ?? '', size: o.Size ?? 0, lastModified: o.LastModified, etag: o.ETag };
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
class ObjectListing extends node_stream_1.Readable {
    abort = new AbortController();
    pages;
    url;
    fetching = false;
    constructor(opts) {
        // highWaterMark 1: _read is called again only once the buffer is empty.
        super({ objectMode: true, highWaterMark: 1 });
        this.url = `s3://${opts.bucket}/${opts.prefix ?? ''}`;
        this.pages = listPages({ ...opts, signal: this.abort.signal });
        (0, abort_1.destroyOnAbort)(this, opts.signal);
    }
    [Symbol.asyncIterator]() {
        return super[Symbol.asyncIterator]();
    }
    _read() {
        if (this.fetching)
            return;
        this.fetching = true;
        this.pages.next().then((page) => {
            this.fetching = false;
            if (this.destroyed)
                return;
            if (page.done) {
                this.push(null);
                return;
            }
            for (const e of page.value)
                this.push(e);
            // An empty page pushes nothing, so nothing would call _read again.
            if (!page.value.length)
                this._read();
        }, (err) => {
            this.fetching = false;
            this.destroy(this.abort.signal.aborted ? this.abort.signal.reason : new errors_1.S3OperationError('cannot list', this.url, err));
        });
    }
    _destroy(err, cb) {
        this.abort.abort(err ?? new Error('listing destroyed'));
        cb(err);
    }
}
exports.ObjectListing = ObjectListing;
/** `new ObjectListing(opts)`: the listing as an object-mode Readable of ListEntry. */
function listObjects(opts) {
    return new ObjectListing(opts);
}
/** Every bucket the credentials can see; fails as `cannot list buckets: …`. */
async function listBuckets(client, signal) {
    try {
        const out = await (0, retry_1.withRetry)(() => client.send(new client_s3_1.ListBucketsCommand({}), { abortSignal: signal }), { signal });
        return (out.Buckets ?? []).map((b) => ({ name: b.Name ?? '', created: b.CreationDate }));
    }
    catch (err) {
        throw new errors_1.S3OperationError('cannot list', 'buckets', err);
    }
}
