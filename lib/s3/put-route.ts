import type { S3Client } from '@aws-sdk/client-s3';
import { refuseHtml } from './client';
import { answerError, sendByRoute } from './route';

/**
 * PUTs of chunks and parts signed and sent without the SDK's middleware stack, by the
 * route the first PUT of their kind taught (route.ts), the body written from the chunk's
 * own Buffer on direct-get.ts's connections. Through client.send() a PUT cost
 * ~2-2.5 ms of CPU before a byte moved; a deduplicated upload makes ~3,300 chunk PUTs
 * per GiB, so ~8 s of CPU per GiB went there (a plain one makes 128, of 8 MiB).
 * Measured, s3sink of 256 MiB of random bytes, whole-process CPU per GiB, medians of 3
 * alternating runs: --dedup 22.5 -> 15.8 s on s3rver and 20.6 -> 13.1 s on Ceph RGW;
 * plain 8.2 -> 7.8 s and 6.3 -> 5.8 s. Later PUTs change the key's path, their
 * length, Content-MD5 and SHA-256 (the chunk's, computed anyway, so the signer never
 * hashes the body); the content type and storage class are part of the route's name,
 * and the SSE headers are the client's, the same for all its requests. TLS endpoints
 * and --bwlimit clients keep the SDK's path (route.ts learns nothing from them).
 */

/** A route name for PutObject: each content type and storage class has its own. */
export const putObjectRoute = (bucket: string, contentType: string, storageClass: string | undefined) => `PutObject\n${bucket}\n${contentType}\n${storageClass ?? ''}`;
/** A route name for UploadPart; its upload id and part number are each request's own. */
export const uploadPartRoute = (bucket: string) => `UploadPart\n${bucket}`;
export const UPLOAD_PART_QUERY = ['uploadId', 'partNumber'] as const;

/** What a body PUT sets for itself: the body's hex SHA-256, its base64 MD5 where one is sent, its query (a part's). */
export interface PutParts {
  sha256: string;
  contentMd5?: string;
  query?: Record<string, string>;
}

const NO_BODY = Buffer.alloc(0);

/**
 * PUT `body` as `key` by the route `name`: the answer's ETag, or undefined when there is
 * no such route yet (send it through the SDK, which teaches one). Errors are shaped as
 * the SDK's, a 2xx HTML page refused as it refuses one.
 */
export async function putByRoute(client: S3Client, name: string, key: string, body: Buffer, parts: PutParts, signal?: AbortSignal): Promise<{ etag?: string } | undefined> {
  const headers: Record<string, string> = { 'content-length': String(body.length), 'x-amz-content-sha256': parts.sha256 };
  if (parts.contentMd5) headers['content-md5'] = parts.contentMd5;
  const res = await sendByRoute(client, name, key, { headers, query: parts.query, body }, NO_BODY, signal);
  if (!res) return undefined;
  if (res.statusCode < 200 || res.statusCode >= 300) throw answerError(res);
  refuseHtml(res.headers['content-type']);
  return { etag: res.headers.etag };
}
