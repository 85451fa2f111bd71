import { createReadStream, type Stats } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { putObjectVerified } from './put';
import { withRetry } from './retry';
import { S3OperationError } from './errors';
import { MultipartObjectSink } from './object-sink';
import { DEFAULT_CHUNK_SIZE } from './upload-sink';

/**
 * s3put's engine, the seed's backup.py as streams: paths in (from `find`, or directories
 * walked), each regular file uploaded to prefix + its path, a few at once; everything
 * that is not a regular file reported and left alone (S3 stores bytes, not links or
 * devices: a tar stream through s3sink keeps those).
 */

/** `20261125-163012`: the run's UTC time as backup.py wrote it (`%Y%m%d-%H%M%S`). */
export function runTimestamp(now: Date): string {
  const iso = now.toISOString();
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
}

/**
 * The key part for a local path, as tar names members: `./a//b` is `a/b`, a leading
 * `/` and leading `../` are dropped (backup.py's `lstrip('/')`), so keys never climb
 * above the prefix.
 */
export function keyPathOf(path: string): string {
  let p = posix.normalize(path);
  for (;;) {
    const before = p;
    p = p.replace(/^\/+/, '').replace(/^\.\.(\/|$)/, '');
    if (p === before) break;
  }
  return p === '.' ? '' : p;
}

/** The key prefix for `s3://bucket/PREFIX`: `PREFIX/` (a directory), or empty for the bucket's root. */
export function keyPrefixOf(prefix: string, timestamp?: string): string {
  const base = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  return timestamp ? `${base}${timestamp}/` : base;
}

/** What a path is, when it is not something s3put uploads. */
export function kindOf(st: Stats): string | null {
  if (st.isFile()) return null;
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symbolic link';
  if (st.isFIFO()) return 'FIFO';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'character device';
  if (st.isBlockDevice()) return 'block device';
  return 'special file';
}

/** Items of a newline- or NUL-separated list, as they arrive (a `find` may still be running). */
export async function* splitList(input: AsyncIterable<Buffer | string> | Iterable<Buffer | string>, nul: boolean): AsyncGenerator<string> {
  const sep = nul ? 0 : 0x0a;
  let rest = Buffer.alloc(0);
  for await (const c of input) {
    let buf = rest.length ? Buffer.concat([rest, typeof c === 'string' ? Buffer.from(c) : c]) : typeof c === 'string' ? Buffer.from(c) : c;
    let i: number;
    while ((i = buf.indexOf(sep)) >= 0) {
      if (i > 0) yield buf.subarray(0, i).toString('utf8');
      buf = buf.subarray(i + 1);
    }
    rest = Buffer.from(buf);
  }
  if (rest.length) yield rest.toString('utf8');
}

export interface UploadFilesOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix, used as given (see keyPrefixOf). */
  prefix: string;
  /** Walk directories (paths given as arguments); from a `find` list they are skipped, find lists their files. */
  walkDirectories?: boolean;
  /** Files uploaded at once (default 4). */
  jobs?: number;
  /** Files larger than this go by multipart upload (default 8 MiB). */
  multipartThreshold?: number;
  /** Part size for multipart uploads (default 8 MiB, at least 5 MiB for most servers). */
  partSize?: number;
  signal?: AbortSignal;
  onUploaded?: (key: string, path: string, size: number) => void;
  onSkipped?: (path: string, kind: string) => void;
  /** A file that could not be read or uploaded; the others still go. */
  onFailure?: (path: string, err: Error) => void;
}

export interface UploadTotals {
  uploaded: number;
  bytes: number;
  skipped: number;
  failed: number;
}

/**
 * Upload every regular file among `paths` (walking directories when asked), `jobs` at
 * a time. Failures are reported and counted, never thrown: the rest are still tried.
 * Memory is about jobs × multipartThreshold (small files are sent from one Buffer,
 * which every retry resends; big ones stream through MultipartObjectSink).
 */
export async function uploadFiles(paths: AsyncIterable<string> | Iterable<string>, opts: UploadFilesOptions): Promise<UploadTotals> {
  const totals: UploadTotals = { uploaded: 0, bytes: 0, skipped: 0, failed: 0 };
  const files = regularFiles(paths, opts, totals);
  const worker = async () => {
    for (;;) {
      const next = await files.next();
      if (next.done) return;
      const { path, size } = next.value;
      const key = opts.prefix + keyPathOf(path);
      try {
        const bytes = await uploadFile(path, key, size, opts);
        totals.uploaded++;
        totals.bytes += bytes;
        opts.onUploaded?.(key, path, bytes);
      } catch (err) {
        if (opts.signal?.aborted) throw opts.signal.reason;
        totals.failed++;
        opts.onFailure?.(path, err as Error);
      }
    }
  };
  // The workers share one generator; its next() calls queue, so each file goes once.
  await Promise.all(Array.from({ length: Math.max(1, opts.jobs ?? 4) }, worker));
  return totals;
}

async function* regularFiles(
  paths: AsyncIterable<string> | Iterable<string>,
  opts: UploadFilesOptions,
  totals: UploadTotals,
): AsyncGenerator<{ path: string; size: number }> {
  for await (const path of paths) {
    let st: Stats;
    try {
      st = await lstat(path);
    } catch (err) {
      totals.failed++;
      opts.onFailure?.(path, readError(path, err));
      continue;
    }
    const kind = kindOf(st);
    if (kind === null) {
      yield { path, size: st.size };
    } else if (kind === 'directory') {
      if (opts.walkDirectories) yield* regularFiles(await listDirectory(path, opts, totals), opts, totals);
    } else {
      totals.skipped++;
      opts.onSkipped?.(path, kind);
    }
  }
}

async function listDirectory(dir: string, opts: UploadFilesOptions, totals: UploadTotals): Promise<string[]> {
  try {
    return (await readdir(dir)).sort().map((name) => posix.join(dir, name));
  } catch (err) {
    totals.failed++;
    opts.onFailure?.(dir, readError(dir, err));
    return [];
  }
}

function readError(path: string, err: unknown): Error {
  const e = err as NodeJS.ErrnoException;
  return new Error(`cannot read ${path}: ${e.code ?? e.message}`, { cause: err });
}

async function uploadFile(path: string, key: string, size: number, opts: UploadFilesOptions): Promise<number> {
  const url = `s3://${opts.bucket}/${key}`;
  if (size > (opts.multipartThreshold ?? DEFAULT_CHUNK_SIZE)) {
    const sink = new MultipartObjectSink({ client: opts.client, bucket: opts.bucket, key, chunkSize: opts.partSize, jobs: 2, signal: opts.signal });
    try {
      await pipeline(createReadStream(path), sink);
    } catch (err) {
      throw err instanceof S3OperationError ? err : readError(path, err);
    }
    return sink.bytes;
  }
  let body: Buffer;
  try {
    body = await readFile(path);
  } catch (err) {
    throw readError(path, err);
  }
  const digest = {
    index: 0,
    size: body.length,
    md5: createHash('md5').update(body).digest('hex'),
    sha256: createHash('sha256').update(body).digest('hex'),
  };
  try {
    await withRetry(() => putObjectVerified(opts.client, opts.bucket, key, body, digest, opts.signal), { signal: opts.signal });
  } catch (err) {
    throw new S3OperationError('cannot write', url, err);
  }
  return body.length;
}
