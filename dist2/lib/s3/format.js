"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.isoSecond = isoSecond;
exports.formatEntry = formatEntry;
exports.formatBucket = formatBucket;
exports.formatChunkSet = formatChunkSet;
exports.formatGeneration = formatGeneration;
const units_1 = require("../units");
const client_1 = require("./client");
const lister_1 = require("./lister");
/** `2026-11-25T16:30:12Z`: ISO 8601 in UTC, to the second (what S3 keeps). */
function isoSecond(d) {
    return d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-';
}
const LONG_TIME_WIDTH = 20;
/**
 * One listing line: the URL; with `-l` the size, the modification time and the URL last,
 * so a key with blanks stays whole.
 */
function formatEntry(bucket, e, o = {}) {
    const url = (0, client_1.formatS3Url)({ bucket, key: (0, lister_1.entryName)(e) });
    if (o.json) {
        return 'prefix' in e
            ? JSON.stringify({ url, bucket, prefix: e.prefix })
            : JSON.stringify({ url, bucket, key: e.key, size: e.size, lastModified: e.lastModified?.toISOString(), etag: e.etag });
    }
    if (!o.long)
        return url;
    const width = o.human ? 6 : 12;
    if ('prefix' in e)
        return `${'PRE'.padStart(width)}  ${'-'.padEnd(LONG_TIME_WIDTH)}  ${url}`;
    const size = o.human ? (0, units_1.humanSize)(e.size) : String(e.size);
    return `${size.padStart(width)}  ${isoSecond(e.lastModified).padEnd(LONG_TIME_WIDTH)}  ${url}`;
}
/** One line for a bucket: `s3://name/`; `-l` creation time first; or JSON. */
function formatBucket(b, o = {}) {
    const url = (0, client_1.formatS3Url)({ bucket: b.name, key: '' });
    if (o.json)
        return JSON.stringify({ url, bucket: b.name, created: b.created?.toISOString() });
    return o.long ? `${isoSecond(b.created).padEnd(LONG_TIME_WIDTH)}  ${url}` : url;
}
/** One output line for a set: its URL; `-l`: size, created, generation, URL; or JSON. */
function formatChunkSet(bucket, s, o = {}) {
    const url = (0, client_1.formatS3Url)({ bucket, key: s.name });
    if (o.json)
        return JSON.stringify({ url, bucket, name: s.name, generation: s.generation, size: s.size, created: s.created, chunks: s.chunks, error: s.error });
    if (!o.long)
        return url;
    const size = s.size === undefined ? '?' : o.human ? (0, units_1.humanSize)(s.size) : String(s.size);
    const created = (s.created ?? '?').replace(/\.\d+Z$/, 'Z');
    return `${size.padStart(o.human ? 6 : 12)}  ${created.padEnd(LONG_TIME_WIDTH)}  ${(s.generation ?? '?').padEnd(28)}  ${url}`;
}
/**
 * One committed generation for `s3ls --generations`, tab-separated:
 * `GEN  CREATED  SIZE  CHUNKS  SHA256  current|-` (`-h` human sizes); or JSON.
 */
function formatGeneration(g, o = {}) {
    const m = g.manifest;
    const created = m.created.replace(/\.\d+Z$/, 'Z');
    if (o.json)
        return JSON.stringify({ generation: m.generation, created, size: m.size, chunks: m.chunks.length, sha256: m.sha256, current: g.current });
    const size = o.human ? (0, units_1.humanSize)(m.size) : String(m.size);
    return [m.generation, created, size, m.chunks.length, m.sha256, g.current ? 'current' : '-'].join('\t');
}
