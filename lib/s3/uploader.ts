import { createReadStream, type Stats } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { withRequestScope } from '../abort';
import { Slots } from '../slots';
import { writeObject } from './object-io';
import { S3OperationError } from './errors';
import { MultipartObjectSink } from './object-sink';
import { DEFAULT_CHUNK_SIZE } from './chunk-options';

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
  /** Storage class of the objects, as the server names it. */
  storageClass?: string;
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
 * Two paths of one key (`x/f` and `../x/f`) are two files for one key: the second is a
 * failure, never uploaded, and the first keeps the key (the same file named twice goes once).
 * Memory is about jobs × multipartThreshold, plus each key and path of the run (small files are sent from one Buffer,
 * which every retry resends; big ones stream through MultipartObjectSink).
 */
export async function uploadFiles(paths: AsyncIterable<string> | Iterable<string>, opts: UploadFilesOptions): Promise<UploadTotals> {
  const totals: UploadTotals = { uploaded: 0, bytes: 0, skipped: 0, failed: 0 };
  const slots = new Slots(Math.max(1, opts.jobs ?? 4));
  return withRequestScope(opts.signal, slots.size, async (signal) => {
    const upload = async (path: string, key: string, size: number) => {
      try {
        const bytes = await uploadFile(path, key, size, { ...opts, signal });
        totals.uploaded++;
        totals.bytes += bytes;
        opts.onUploaded?.(key, path, bytes);
      } catch (err) {
        if (signal.aborted) return;
        totals.failed++;
        opts.onFailure?.(path, err as Error);
      }
    };
    // Which file each key was given to, and its inode: decided here, in list order, so the
    // first path of a key always wins and the second is refused before it is read.
    const claimed = new Map<string, { path: string; file: string }>();
    // A file per free slot: the list is read no faster than files go out.
    for await (const { path, size, file } of regularFiles(paths, opts, totals)) {
      const key = opts.prefix + keyPathOf(path);
      const first = claimed.get(key);
      if (first?.file === file) {
        totals.skipped++;
        opts.onSkipped?.(path, `the file ${first.path} again:`);
        continue;
      }
      if (first) {
        totals.failed++;
        opts.onFailure?.(path, new Error(`not uploading ${path}: its key ${key} is taken by ${first.path}, a different file`));
        continue;
      }
      claimed.set(key, { path, file });
      await slots.whenFree();
      if (signal.aborted) break;
      void slots.start(() => upload(path, key, size));
    }
    await slots.drain();
    if (signal.aborted) throw signal.reason;
    return totals;
  });
}

async function* regularFiles(
  paths: AsyncIterable<string> | Iterable<string>,
  opts: UploadFilesOptions,
  totals: UploadTotals,
): AsyncGenerator<{ path: string; size: number; file: string }> {
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
      yield { path, size: st.size, file: `${st.dev}:${st.ino}` };
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

/**
 * A file whose length is not what lstat said when it was listed: it was written to
 * meanwhile, or a read came back short (a failing disk or network filesystem can end a
 * read early without an error, and readFile takes that for the end). As tar's "file
 * shrank", it is an error for that file: storing the bytes read would keep a truncated
 * copy under the file's name with exit 0.
 */
class ChangedWhileRead extends Error {
  constructor(path: string, read: number, size: number) {
    super(`cannot read ${path}: ${read} bytes read, but it was ${size} bytes when listed (changed while read?)`);
  }
}

/** Passes the bytes through, and fails at the end when there were not `size` of them. */
function checkedLength(path: string, size: number): Transform {
  let read = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      read += chunk.length;
      done(null, chunk);
    },
    flush(done) {
      done(read === size ? null : new ChangedWhileRead(path, read, size));
    },
  });
}

async function uploadFile(path: string, key: string, size: number, opts: UploadFilesOptions): Promise<number> {
  if (size > (opts.multipartThreshold ?? DEFAULT_CHUNK_SIZE)) {
    const sink = new MultipartObjectSink({ client: opts.client, bucket: opts.bucket, key, chunkSize: opts.partSize, jobs: 2, signal: opts.signal, storageClass: opts.storageClass });
    try {
      await pipeline(createReadStream(path), checkedLength(path, size), sink);
    } catch (err) {
      throw err instanceof S3OperationError || err instanceof ChangedWhileRead ? err : readError(path, err);
    }
    return sink.bytes;
  }
  let body: Buffer;
  try {
    body = await readFile(path);
  } catch (err) {
    throw readError(path, err);
  }
  if (body.length !== size) throw new ChangedWhileRead(path, body.length, size);
  await writeObject(opts.client, opts.bucket, key, body, { signal: opts.signal, storageClass: opts.storageClass });
  return body.length;
}
