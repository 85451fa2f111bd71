import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, UploadPartCommand, type S3Client, type StorageClass } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { refuseHtml, verifiesPayloadHash } from './client';
import { S3OperationError, isNotFound } from './errors';
import { parseManifest, type Manifest } from './layout';
import { withRetry, type RetryOptions } from './retry';
import { learnRoute, recordSent } from './route';
import { UPLOAD_PART_QUERY, putByRoute, putObjectRoute, uploadPartRoute } from './put-route';

/**
 * Object I/O for whole objects held in memory: digests, verified PUTs, reads, existence,
 * manifests. Every upload carries end-to-end checks: the body's SHA-256 as the signed
 * payload hash (computed anyway for the manifest, so the signer does not hash the body
 * a second time; AWS and RGW refuse a body that does not match it), and, where the
 * server does not check that, Content-MD5 and the returned ETag compared with the MD5.
 * Once the SDK has sent one PUT of a kind, later ones go by its route (put-route.ts).
 */

/** Size and hex digests of one body: MD5 for Content-MD5 and the ETag check, SHA-256 for manifests and signatures. */
export interface Digest {
  size: number;
  md5: string;
  sha256: string;
}

/** The digest of a body, hashed here (the upload sinks hash large chunks on worker threads). */
export function digestOf(body: Buffer): Digest {
  return {
    size: body.length,
    md5: createHash('md5').update(body).digest('hex'),
    sha256: createHash('sha256').update(body).digest('hex'),
  };
}

/** The server's ETag says it stored other bytes than were sent; retried as transient. */
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

function checkEtag(etag: string | undefined, md5: string | undefined, what: string): void {
  const bare = (etag ?? '').replace(/"/g, '');
  // Some servers (Ceph RGW on multipart) answer with no ETag at all; Content-MD5 was
  // still checked by the server. A different one means the stored bytes differ.
  if (md5 && bare && /^[0-9a-f]{32}$/.test(bare) && bare !== md5) {
    throw new ChecksumMismatch(`${what}: server ETag ${bare} does not match MD5 ${md5}`);
  }
}

/**
 * The MD5 a PUT carries as Content-MD5 and compares with the ETag: none where the
 * server checks the signed SHA-256 instead (see verifiesPayloadHash).
 */
const md5ToSend = (client: S3Client, digest: Digest) => (verifiesPayloadHash(client) ? undefined : digest.md5);

const contentMd5 = (md5: string | undefined) => md5 && Buffer.from(md5, 'hex').toString('base64');

/** What an object is stored as, besides its bytes. */
export interface ObjectAttributes {
  /** Default `application/octet-stream`. */
  contentType?: string;
  /** As the server names it (`STANDARD_IA`, `GLACIER_IR`, RGW's own); default: the server's (STANDARD). */
  storageClass?: string;
}

/** One verified PutObject, no retry: for callers whose retry covers more than the request. */
export async function putObjectOnce(
  client: S3Client,
  bucket: string,
  key: string,
  body: Buffer,
  digest: Digest,
  signal?: AbortSignal,
  attributes: ObjectAttributes = {},
): Promise<void> {
  const md5 = md5ToSend(client, digest);
  const contentType = attributes.contentType ?? 'application/octet-stream';
  const route = putObjectRoute(bucket, contentType, attributes.storageClass);
  const routed = await putByRoute(client, route, key, body, { sha256: digest.sha256, contentMd5: contentMd5(md5) }, signal);
  if (routed) return checkEtag(routed.etag, md5, key);
  const cmd = withPayloadHash(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentLength: body.length,
      ContentMD5: contentMd5(md5),
      ContentType: contentType,
      StorageClass: attributes.storageClass as StorageClass | undefined,
    }),
    digest.sha256,
  );
  const sent = recordSent(cmd);
  const out = await client.send(cmd, { abortSignal: signal });
  learnRoute(client, route, key, sent()!);
  checkEtag(out.ETag, md5, key);
}

/** One verified UploadPart, no retry; resolves with the part's ETag. */
export async function uploadPartOnce(
  client: S3Client,
  bucket: string,
  key: string,
  uploadId: string,
  partNumber: number,
  body: Buffer,
  digest: Digest,
  signal?: AbortSignal,
): Promise<string> {
  const md5 = md5ToSend(client, digest);
  const route = uploadPartRoute(bucket);
  const query = { uploadId, partNumber: String(partNumber) };
  const routed = await putByRoute(client, route, key, body, { sha256: digest.sha256, contentMd5: contentMd5(md5), query }, signal);
  let etag = routed?.etag;
  if (!routed) {
    const cmd = withPayloadHash(
      new UploadPartCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: partNumber,
        Body: body,
        ContentLength: body.length,
        ContentMD5: contentMd5(md5),
      }),
      digest.sha256,
    );
    const sent = recordSent(cmd);
    etag = (await client.send(cmd, { abortSignal: signal })).ETag;
    learnRoute(client, route, key, sent()!, UPLOAD_PART_QUERY);
  }
  checkEtag(etag, md5, `${key} part ${partNumber}`);
  return etag ?? `"${digest.md5}"`;
}

export interface WriteObjectOptions extends RetryOptions, ObjectAttributes {
  /** The body's digest when the caller has it already. */
  digest?: Digest;
}

/**
 * `cannot write URL: REASON`; when the server refused the storage class asked for, the
 * line names it (the server's own message does not).
 */
export function writeError(url: string, err: unknown, storageClass?: string): S3OperationError {
  const failure = new S3OperationError('cannot write', url, err);
  const name = (err as { name?: string }).name;
  if (storageClass && name === 'InvalidStorageClass') failure.message += `: the server refused storage class ${storageClass}`;
  // RGW refuses a class it does not know as a bare InvalidArgument.
  if (storageClass && name === 'InvalidArgument') failure.message += `: is storage class ${storageClass} defined on the server?`;
  return failure;
}

/** A verified PUT of a whole body, retried; fails as `cannot write s3://bucket/key: …`. */
export async function writeObject(client: S3Client, bucket: string, key: string, body: Buffer, opts: WriteObjectOptions = {}): Promise<void> {
  const digest = opts.digest ?? digestOf(body);
  const url = `s3://${bucket}/${key}`;
  try {
    await withRetry(() => putObjectOnce(client, bucket, key, body, digest, opts.signal, opts), { what: url, ...opts });
  } catch (err) {
    throw writeError(url, err, opts.storageClass);
  }
}

/**
 * A small object, whole. The body is read inside the retry: a body cut short is as
 * transient as a reset. Errors are the SDK's, so callers can tell a missing key apart.
 */
export function readObject(client: S3Client, bucket: string, key: string, opts: RetryOptions = {}): Promise<Buffer> {
  return withRetry(async () => {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: opts.signal });
    return Buffer.from(await out.Body!.transformToByteArray());
  }, { what: `s3://${bucket}/${key}`, ...opts });
}

/** HEAD: whether `key` exists; other failures as `cannot read s3://bucket/key: …`. */
export async function objectExists(client: S3Client, bucket: string, key: string, opts: RetryOptions = {}): Promise<boolean> {
  try {
    await withRetry(() => client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: opts.signal }), { what: `s3://${bucket}/${key}`, ...opts });
    return true;
  } catch (err) {
    // HEAD has no body, so a missing bucket looks like a missing key; the listing that
    // usually follows names the real problem.
    if (isNotFound(err)) return false;
    throw new S3OperationError('cannot read', `s3://${bucket}/${key}`, err);
  }
}

/**
 * A manifest, parsed and validated, or undefined when the key is not there. Throws
 * ManifestError for a body that is not a valid manifest, and the SDK's error otherwise.
 * Manifests are stored as JSON: an HTML page in their place is a web server, not S3
 * (the client lets HTML through for GETs only, since objects may be pages).
 */
export async function readManifest(client: S3Client, bucket: string, key: string, opts: RetryOptions = {}): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await withRetry(async () => {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: opts.signal });
      refuseHtml(out.ContentType);
      return out.Body!.transformToString();
    }, { what: `s3://${bucket}/${key}`, ...opts });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  return parseManifest(text);
}
