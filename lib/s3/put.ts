import { PutObjectCommand, UploadPartCommand, type S3Client } from '@aws-sdk/client-s3';
import type { UploadedChunk } from './upload-sink';

/**
 * Uploads of one in-memory Buffer with end-to-end checks: Content-MD5 (the server
 * rejects a body that does not match), the body's SHA-256 as the signed payload hash
 * (we computed it anyway for the manifest, so the signer does not hash the body a second
 * time, and servers that verify it do), and the returned ETag compared with the MD5.
 */

export class ChecksumMismatch extends Error {
  override readonly name = 'ChecksumMismatch';
}

type BuildArgs = { request: unknown };
interface BuildStack {
  add(
    mw: (next: (args: BuildArgs) => Promise<unknown>) => (args: BuildArgs) => Promise<unknown>,
    opts: { step: 'build'; name: string },
  ): void;
}

function withPayloadHash<C extends { middlewareStack: unknown }>(cmd: C, sha256: string): C {
  (cmd.middlewareStack as BuildStack).add(
    (next) => async (args) => {
      const req = args.request as { headers?: Record<string, string> };
      if (req.headers) req.headers['x-amz-content-sha256'] = sha256;
      return next(args);
    },
    { step: 'build', name: 'pipekitPayloadHash' },
  );
  return cmd;
}

function checkEtag(etag: string | undefined, digest: UploadedChunk, what: string): void {
  const bare = (etag ?? '').replace(/"/g, '');
  // Some servers (Ceph RGW on multipart) answer with no ETag at all; Content-MD5 was
  // still checked by the server. A different one means the stored bytes differ.
  if (bare && /^[0-9a-f]{32}$/.test(bare) && bare !== digest.md5) {
    throw new ChecksumMismatch(`${what}: server ETag ${bare} does not match MD5 ${digest.md5}`);
  }
}

export async function putObjectVerified(
  client: S3Client,
  bucket: string,
  key: string,
  body: Buffer,
  digest: UploadedChunk,
  signal?: AbortSignal,
  contentType = 'application/octet-stream',
): Promise<void> {
  const cmd = withPayloadHash(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentLength: body.length,
      ContentMD5: Buffer.from(digest.md5, 'hex').toString('base64'),
      ContentType: contentType,
    }),
    digest.sha256,
  );
  const out = await client.send(cmd, { abortSignal: signal });
  checkEtag(out.ETag, digest, key);
}

export async function uploadPartVerified(
  client: S3Client,
  bucket: string,
  key: string,
  uploadId: string,
  partNumber: number,
  body: Buffer,
  digest: UploadedChunk,
  signal?: AbortSignal,
): Promise<string> {
  const cmd = withPayloadHash(
    new UploadPartCommand({
      Bucket: bucket,
      Key: key,
      UploadId: uploadId,
      PartNumber: partNumber,
      Body: body,
      ContentLength: body.length,
      ContentMD5: Buffer.from(digest.md5, 'hex').toString('base64'),
    }),
    digest.sha256,
  );
  const out = await client.send(cmd, { abortSignal: signal });
  checkEtag(out.ETag, digest, `${key} part ${partNumber}`);
  return out.ETag ?? `"${digest.md5}"`;
}
