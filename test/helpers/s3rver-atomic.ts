import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm, rmdir, readdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * s3rver 3.7.1's FilesystemStore, made to replace objects whole, as S3 does. As shipped
 * it writes an object's file in place, with no error handler on the write:
 * - two PUTs of one key at once leave the shorter body over the longer, for good
 *   (measured: 144 of 200 pairs of concurrent PUTs of NAME/MANIFEST left it torn);
 * - a DELETE that empties a key's "directory" removes it between another PUT's mkdirp
 *   and open, and the unhandled ENOENT killed the server (dedup's two-writers test: one
 *   lease PUT beside another lease's DELETE), or its clean-up failed with a 500.
 * Here an object's files are written to temporary files at the store's root (a file
 * there is no bucket, and no listing walks it), then renamed into place, from mkdir
 * again if a DELETE's clean-up removed the directory meanwhile; that clean-up gives way
 * to a PUT. A GET stats the object, reads its metadata and opens it in three steps, so
 * those steps and the renames of the same key take turns: a GET gets one version whole,
 * with its own ETag and Content-Length (from reading its code: 400 GETs beside PUTs of
 * their key never hit that window here).
 */

interface StoredObject {
  bucket: string;
  key: string;
  content: Buffer | NodeJS.ReadableStream;
  metadata: Record<string, string>;
}

interface FilesystemStore {
  rootDirectory: string;
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  getBucketPath(bucket: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void>;
  putObject(object: StoredObject): Promise<{ size: number; md5: string }>;
  getObject(bucket: string, key: string, options?: unknown): Promise<unknown>;
  deleteObject(bucket: string, key: string): Promise<void>;
}

type Content = Buffer | string | NodeJS.ReadableStream;

let sequence = 0;
const code = (err: unknown) => (err as NodeJS.ErrnoException).code;

/** One key's turns, taken in order: a GET's steps, a PUT's renames, a DELETE's unlinks. */
const turns = new Map<string, Promise<unknown>>();
function inTurn<T>(key: string, step: () => Promise<T>): Promise<T> {
  const run = (turns.get(key) ?? Promise.resolve()).then(step);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  turns.set(key, settled);
  void settled.then(() => {
    if (turns.get(key) === settled) turns.delete(key);
  });
  return run;
}

/** `content` in a new file at `root`, `onData` seeing its bytes: the file's path and size. */
async function writeTemporary(root: string, content: Content, onData?: (b: Buffer) => void): Promise<{ tmp: string; size: number }> {
  const tmp = join(root, `.tmp-${process.pid}-${++sequence}`);
  const handle = await open(tmp, 'wx');
  let size = 0;
  try {
    if (typeof content === 'string' || Buffer.isBuffer(content)) {
      const body = Buffer.from(content);
      onData?.(body);
      size = body.length;
      await handle.writeFile(body);
      await handle.close();
    } else {
      const count = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          onData?.(chunk);
          size += chunk.length;
          cb(null, chunk);
        },
      });
      await pipeline(content, count, handle.createWriteStream());
    }
    return { tmp, size };
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Rename `tmp` to `path`, making its directory again while a DELETE's clean-up removes it. */
async function renameInto(tmp: string, path: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await mkdir(dirname(path), { recursive: true });
    try {
      return await rename(tmp, path);
    } catch (err) {
      if (code(err) !== 'ENOENT' || attempt >= 20) throw err;
    }
  }
}

/** Patch s3rver's FilesystemStore in this process (before the server starts). */
export function makeS3rverReplaceWhole(): void {
  const proto = (require('s3rver/lib/stores/filesystem') as { prototype: FilesystemStore }).prototype;
  const allowed = (require('s3rver/lib/models/object') as { ALLOWED_METADATA: string[] }).ALLOWED_METADATA;
  const getObject = proto.getObject;

  /** Put an object's files (resource name → written temporary file) in place in one turn. */
  async function replace(store: FilesystemStore, bucket: string, key: string, files: [string, { tmp: string }][]): Promise<void> {
    try {
      await inTurn(store.getResourcePath(bucket, key, 'object'), async () => {
        for (const [resource, { tmp }] of files) await renameInto(tmp, store.getResourcePath(bucket, key, resource));
      });
    } finally {
      for (const [, { tmp }] of files) await rm(tmp, { force: true });
    }
  }

  const metadataJson = (metadata: Record<string, string>) => {
    const json: Record<string, string> = {};
    for (const [k, v] of Object.entries(metadata)) if (allowed.includes(k) || k.startsWith('x-amz-meta-')) json[k] = v;
    return JSON.stringify(json, null, 2);
  };

  proto.putMetadata = async function (bucket, key, metadata, md5) {
    const files: [string, { tmp: string }][] = [];
    if (md5) files.push(['object.md5', await writeTemporary(this.rootDirectory, md5)]);
    files.push(['metadata.json', await writeTemporary(this.rootDirectory, metadataJson(metadata))]);
    await replace(this, bucket, key, files);
  };

  proto.putObject = async function (object) {
    const hash = createHash('md5');
    const body = await writeTemporary(this.rootDirectory, object.content, (b) => hash.update(b));
    const md5 = hash.digest('hex');
    await replace(this, object.bucket, object.key, [
      ['object', body],
      ['object.md5', await writeTemporary(this.rootDirectory, md5)],
      ['metadata.json', await writeTemporary(this.rootDirectory, metadataJson(object.metadata))],
    ]);
    return { size: body.size, md5 };
  };

  // Settles once the body's file is open: later renames do not change what it reads.
  proto.getObject = function (bucket, key, options) {
    return inTurn(this.getResourcePath(bucket, key, 'object'), () => getObject.call(this, bucket, key, options));
  };

  proto.deleteObject = async function (bucket, key) {
    await inTurn(this.getResourcePath(bucket, key, 'object'), async () => {
      for (const resource of ['object', 'object.md5', 'metadata.json']) {
        await unlink(this.getResourcePath(bucket, key, resource)).catch((err) => {
          if (code(err) !== 'ENOENT') throw err;
        });
      }
    });
    const parts = key.split('/').slice(0, -1);
    while (parts.length) {
      const dir = join(this.getBucketPath(bucket), ...parts);
      try {
        if ((await readdir(dir)).length) return;
        await rmdir(dir);
      } catch (err) {
        // Gone already (another DELETE), or a PUT wrote into it meanwhile: either is fine.
        if (code(err) === 'ENOENT' || code(err) === 'ENOTEMPTY') return;
        throw err;
      }
      parts.pop();
    }
  };
}
