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
 * Here every file of an object is written to a temporary name beside it and renamed
 * into place, from mkdir again if the directory went meanwhile, and a DELETE's clean-up
 * of empty directories gives way to a PUT in them. Temporary names do not end in
 * `._S3rver_object`, so listings never show them.
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
  deleteObject(bucket: string, key: string): Promise<void>;
}

let sequence = 0;
const code = (err: unknown) => (err as NodeJS.ErrnoException).code;

/** A new file at a temporary name beside `path`, its directory made (again) as needed. */
async function openBeside(path: string): Promise<{ tmp: string; handle: Awaited<ReturnType<typeof open>> }> {
  for (let attempt = 0; ; attempt++) {
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}-${++sequence}.tmp`;
    try {
      return { tmp, handle: await open(tmp, 'wx') };
    } catch (err) {
      if (code(err) !== 'ENOENT' || attempt >= 20) throw err;
    }
  }
}

/** Write `content` to `path` whole: readers see the old file or the new one, never part. */
async function replaceFile(path: string, content: Buffer | string | NodeJS.ReadableStream, onData?: (b: Buffer) => void): Promise<number> {
  const { tmp, handle } = await openBeside(path);
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
    // The directory holds `tmp`, so a DELETE's clean-up cannot remove it before this.
    await rename(tmp, path);
    return size;
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Patch s3rver's FilesystemStore in this process (before the server starts). */
export function makeS3rverReplaceWhole(): void {
  const proto = (require('s3rver/lib/stores/filesystem') as { prototype: FilesystemStore }).prototype;
  const allowed = (require('s3rver/lib/models/object') as { ALLOWED_METADATA: string[] }).ALLOWED_METADATA;

  proto.putMetadata = async function (bucket, key, metadata, md5) {
    const json: Record<string, string> = {};
    for (const [k, v] of Object.entries(metadata)) if (allowed.includes(k) || k.startsWith('x-amz-meta-')) json[k] = v;
    if (md5) await replaceFile(this.getResourcePath(bucket, key, 'object.md5'), md5);
    await replaceFile(this.getResourcePath(bucket, key, 'metadata.json'), JSON.stringify(json, null, 2));
  };

  proto.putObject = async function (object) {
    const md5 = createHash('md5');
    const size = await replaceFile(this.getResourcePath(object.bucket, object.key, 'object'), object.content, (b) => md5.update(b));
    const digest = md5.digest('hex');
    await this.putMetadata(object.bucket, object.key, object.metadata, digest);
    return { size, md5: digest };
  };

  proto.deleteObject = async function (bucket, key) {
    for (const resource of ['object', 'object.md5', 'metadata.json']) {
      await unlink(this.getResourcePath(bucket, key, resource)).catch((err) => {
        if (code(err) !== 'ENOENT') throw err;
      });
    }
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
