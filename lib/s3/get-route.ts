import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { readBodyInto } from './direct-get';
import { answerError, learnRoute, sendByRoute } from './route';

/**
 * GETs of a bucket signed and sent without the SDK's middleware stack, by the route the
 * first GET of the bucket taught (route.ts). Through client.send() one GET cost ~2 ms of
 * CPU before a byte moved (endpoint rules, schema serialisation, user agent, checksum and
 * retry middleware, then signing, which is 0.06 ms of it), measured: a deduplicated set's
 * 4,096 GETs per GiB spent 8 s of CPU there, four times what hashing and moving its bytes
 * cost. Later GETs change the key's path, Range and If-Match.
 */

/** The route of a bucket's GETs. */
const getRoute = (bucket: string) => `GetObject\n${bucket}`;

/** The range and version condition of one GET. */
export interface GetConditions {
  range?: string;
  ifMatch?: string;
}

/** What a GET into a Buffer answered: the body is in the Buffer (`filled` bytes) or, on the SDK's path over https, `body`. */
export interface GetAnswer {
  contentLength?: number;
  etag?: string;
  lastModified?: Date;
  filled?: number;
  body?: Readable;
}

/**
 * GET `key` into `into`: by the bucket's route once one is learnt, else through the
 * SDK (reading into `into` over plain HTTP, and learning the route). Errors are the
 * SDK's, or shaped like them.
 */
export async function getInto(client: S3Client, bucket: string, key: string, into: Buffer, conditions: GetConditions, signal?: AbortSignal): Promise<GetAnswer> {
  const headers: Record<string, string> = {};
  if (conditions.range) headers.range = conditions.range;
  if (conditions.ifMatch) headers['if-match'] = conditions.ifMatch;
  const res = await sendByRoute(client, getRoute(bucket), key, { headers }, into, signal);
  if (res) {
    if (res.statusCode < 200 || res.statusCode >= 300) throw answerError(res);
    const length = res.headers['content-length'];
    const modified = res.headers['last-modified'];
    return { contentLength: length === undefined ? undefined : Number(length), etag: res.headers.etag, lastModified: modified ? new Date(modified) : undefined, filled: res.filled };
  }
  const get = new GetObjectCommand({ Bucket: bucket, Key: key, Range: conditions.range, IfMatch: conditions.ifMatch });
  const direct = readBodyInto(get, into, client, signal);
  const out = await client.send(get, { abortSignal: signal });
  const filled = direct.filled();
  const sent = direct.sent();
  if (sent) learnRoute(client, getRoute(bucket), key, sent);
  return { contentLength: out.ContentLength, etag: out.ETag, lastModified: out.LastModified, filled, body: filled === undefined ? (out.Body as Readable) : undefined };
}
