import { humanSize } from '../units';
import { quoteForXargs } from '../xargs-quote';
import { formatS3Url } from './client';
import { entryName, type ListEntry } from './lister';
import type { ListedChunkSet } from './sets';
import type { CommittedGeneration } from './generations';

/**
 * How s3ls prints, as pure functions: one line per bucket, key, prefix or chunk set.
 * Keys print as `s3://bucket/key` so the output is itself a list of arguments for s3rm,
 * s3source or another s3ls: quoted as xargs reads them (see quoteForXargs), unless the
 * list is NUL-separated (-0), where every byte but NUL stands for itself.
 */

/** URL only; `-l`; `-l` size, time and URL (`-h` human sizes); or JSON lines. */
export interface FormatOptions {
  long?: boolean;
  human?: boolean;
  json?: boolean;
  /** The lines end in NUL (-0): URLs are written as they are, never quoted. */
  nul?: boolean;
}

/** A URL as a line of a list prints it: raw with -0, else quoted for xargs and s3rm. */
export function listedUrl(bucket: string, key: string, nul = false): string {
  const url = formatS3Url({ bucket, key });
  return nul ? url : quoteForXargs(url);
}

/**
 * A key as part of a one-line message: control characters as JSON escapes them
 * (`\n`, `\u001b`), so a hostile key can neither split an error line nor drive the terminal.
 */
export function oneLine(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

/** `2026-11-25T16:30:12Z`: ISO 8601 in UTC, to the second (what S3 keeps). */
export function isoSecond(d: Date | undefined): string {
  return d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-';
}

const LONG_TIME_WIDTH = 20;
/** `DEEP_ARCHIVE`; the rare longer names (INTELLIGENT_TIERING) push the URL right. */
const LONG_CLASS_WIDTH = 12;

/**
 * One listing line: the URL; with `-l` the size, the modification time, the storage class
 * and the URL last, so a key with blanks stays whole.
 */
export function formatEntry(bucket: string, e: ListEntry, o: FormatOptions = {}): string {
  const url = formatS3Url({ bucket, key: entryName(e) });
  if (o.json) {
    return 'prefix' in e
      ? JSON.stringify({ url, bucket, prefix: e.prefix })
      : JSON.stringify({ url, bucket, key: e.key, size: e.size, lastModified: e.lastModified?.toISOString(), etag: e.etag, storageClass: e.storageClass });
  }
  const listed = listedUrl(bucket, entryName(e), o.nul);
  if (!o.long) return listed;
  const width = o.human ? 6 : 12;
  if ('prefix' in e) return `${'PRE'.padStart(width)}  ${'-'.padEnd(LONG_TIME_WIDTH)}  ${'-'.padEnd(LONG_CLASS_WIDTH)}  ${listed}`;
  const size = o.human ? humanSize(e.size) : String(e.size);
  return `${size.padStart(width)}  ${isoSecond(e.lastModified).padEnd(LONG_TIME_WIDTH)}  ${(e.storageClass ?? '-').padEnd(LONG_CLASS_WIDTH)}  ${listed}`;
}

/** One line for a bucket: `s3://name/`; `-l` creation time first; or JSON. */
export function formatBucket(b: { name: string; created?: Date }, o: FormatOptions = {}): string {
  const url = formatS3Url({ bucket: b.name, key: '' });
  if (o.json) return JSON.stringify({ url, bucket: b.name, created: b.created?.toISOString() });
  return o.long ? `${isoSecond(b.created).padEnd(LONG_TIME_WIDTH)}  ${url}` : url;
}

/**
 * One output line for a set: its URL; `-l`: size, logical and stored bytes (deduplicated
 * sets; `-` for plain ones), created, generation, URL; or JSON.
 */
export function formatChunkSet(bucket: string, s: ListedChunkSet, o: FormatOptions = {}): string {
  const url = formatS3Url({ bucket, key: s.name });
  if (o.json) {
    return JSON.stringify({ url, bucket, name: s.name, generation: s.generation, size: s.size, created: s.created, chunks: s.chunks, logical: s.logical, stored: s.stored, error: s.error });
  }
  const listed = listedUrl(bucket, s.name, o.nul);
  if (!o.long) return listed;
  const width = o.human ? 6 : 12;
  const bytes = (n: number | undefined, none: string) => (n === undefined ? none : o.human ? humanSize(n) : String(n)).padStart(width);
  const created = (s.created ?? '?').replace(/\.\d+Z$/, 'Z');
  const none = s.error ? '?' : '-';
  return `${bytes(s.size, '?')}  ${bytes(s.logical, none)}  ${bytes(s.stored, none)}  ${created.padEnd(LONG_TIME_WIDTH)}  ${(s.generation ?? '?').padEnd(28)}  ${listed}`;
}

/**
 * One committed generation for `s3ls --generations`, tab-separated:
 * `GEN  CREATED  SIZE  CHUNKS  SHA256  current|-` (`-h` human sizes), and with `-l`
 * NEW, the bytes it stored (the rest it shares; a plain generation stores them all); or JSON.
 */
export function formatGeneration(g: CommittedGeneration, o: FormatOptions = {}): string {
  const m = g.manifest;
  const created = m.created.replace(/\.\d+Z$/, 'Z');
  const newBytes = m.newBytes ?? m.size;
  if (o.json) return JSON.stringify({ generation: m.generation, created, size: m.size, chunks: m.chunks.length, sha256: m.sha256, current: g.current, new: newBytes });
  const bytes = (n: number) => (o.human ? humanSize(n) : String(n));
  const row = [m.generation, created, bytes(m.size), m.chunks.length, m.sha256, g.current ? 'current' : '-'];
  return (o.long ? [...row, bytes(newBytes)] : row).join('\t');
}
