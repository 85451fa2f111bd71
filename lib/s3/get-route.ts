import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { SignatureV4 } from '@smithy/signature-v4';
import { clientTimeouts, directRequest, readBodyInto, uriEscape, type DirectResponse, type SignedRequest, type Timeouts } from './direct-get';

/**
 * GETs of a bucket signed and sent without the SDK's middleware stack. Through
 * client.send() one GET cost ~2 ms of CPU before a byte moved (endpoint rules, schema
 * serialisation, user agent, checksum and retry middleware, then signing, which is
 * 0.06 ms of it), measured: a deduplicated set's 4,096 GETs per GiB spent 8 s of CPU
 * there, four times what hashing and moving its bytes cost.
 *
 * The first GET of a bucket still goes through the SDK, which resolves the endpoint,
 * addressing style, region (redirects included) and SSE-C headers: the request it signed
 * is the route. Later GETs of that bucket change the key's path, Range and If-Match, and
 * are signed again with the client's own credentials provider (so refreshed and session
 * credentials keep working) and clock offset.
 */
interface Route {
  template: SignedRequest;
  /** The path before the key: `/bucket/` (path style) or `/` (virtual host). */
  prefix: string;
  signer: SignatureV4;
  timeouts: Timeouts;
}

const routes = new WeakMap<S3Client, Map<string, Route>>();

/** Headers of one request, not of the route; re-added per request or by the signer. */
const PER_REQUEST = new Set(['authorization', 'x-amz-date', 'x-amz-security-token', 'amz-sdk-invocation-id', 'amz-sdk-request', 'range', 'if-match']);

/** A key as the SDK puts it in the path: each segment escaped (RFC 3986), slashes kept. */
export function keyPath(key: string): string {
  return key.split('/').map(uriEscape).join('/');
}

/**
 * Remember how `req`, the SDK's signed GET of `key` that the server answered with 2xx,
 * reached `bucket`. A request of any other shape (a query beyond `x-id`, a path not
 * ending in the key as escaped here, no SigV4 scope) teaches nothing, and that bucket's
 * GETs keep the SDK's path.
 */
export function learnRoute(client: S3Client, bucket: string, key: string, req: SignedRequest): void {
  let byBucket = routes.get(client);
  if (byBucket?.has(bucket)) return;
  const path = keyPath(key);
  if (!req.path.endsWith(path) || Object.keys(req.query ?? {}).some((q) => q !== 'x-id')) return;
  const headers: Record<string, string> = {};
  let authorization = '';
  for (const [k, v] of Object.entries(req.headers)) {
    if (k.toLowerCase() === 'authorization') authorization = v;
    if (!PER_REQUEST.has(k.toLowerCase())) headers[k] = v;
  }
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization);
  if (!scope) return;
  const signer = new SignatureV4({
    credentials: client.config.credentials,
    region: scope[1],
    service: scope[2],
    sha256: client.config.sha256,
    uriEscapePath: client.config.signingEscapePath,
  });
  byBucket ??= new Map();
  routes.set(client, byBucket);
  byBucket.set(bucket, { template: { ...req, headers }, prefix: req.path.slice(0, -path.length), signer, timeouts: clientTimeouts(client) });
}

/** The range and version condition of one GET. */
export interface GetConditions {
  range?: string;
  ifMatch?: string;
}

/**
 * GET `key` of `bucket` into `into` by its learnt route; undefined when the bucket has
 * none yet (send it through the SDK, which teaches one). The answer may be any status.
 */
export async function routedGet(
  client: S3Client,
  bucket: string,
  key: string,
  into: Buffer,
  conditions: GetConditions,
  signal?: AbortSignal,
): Promise<DirectResponse | undefined> {
  const route = routes.get(client)?.get(bucket);
  if (!route) return undefined;
  const headers = { ...route.template.headers };
  if (conditions.range) headers.range = conditions.range;
  if (conditions.ifMatch) headers['if-match'] = conditions.ifMatch;
  const request = { ...route.template, path: route.prefix + keyPath(key), headers };
  const signed = (await route.signer.sign(request as Parameters<SignatureV4['sign']>[0], {
    signingDate: new Date(Date.now() + (client.config.systemClockOffset ?? 0)),
  })) as unknown as SignedRequest;
  return directRequest(signed, into, route.timeouts, signal);
}

/**
 * An error answer as the SDK would have thrown it: named by the S3 error document's
 * Code (`NoSuchKey`, `SlowDown`, …), else `NotFound` for a 404 and `UnknownError`
 * otherwise, with its status in `$metadata`, so the retry policy and error lines treat
 * both paths alike.
 */
export function answerError(res: DirectResponse): Error {
  const xml = res.body?.toString('utf8') ?? '';
  const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
  const code = field('Code') ?? (res.statusCode === 404 ? 'NotFound' : 'UnknownError');
  return Object.assign(new Error(field('Message') ?? code), {
    name: code,
    Code: code,
    $fault: res.statusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: res.statusCode },
  });
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
  const res = await routedGet(client, bucket, key, into, conditions, signal);
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
  if (sent) learnRoute(client, bucket, key, sent);
  return { contentLength: out.ContentLength, etag: out.ETag, lastModified: out.LastModified, filled, body: filled === undefined ? (out.Body as Readable) : undefined };
}
