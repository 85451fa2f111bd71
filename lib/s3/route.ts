import type { S3Client } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { LimitedHttpHandler } from './bandwidth';
import { clientTimeouts, directRequest, uriEscape, type DeserializeStack, type DirectResponse, type SignedRequest, type Timeouts } from './direct-get';

/**
 * Requests signed and sent without the SDK's middleware stack, by a route learnt from
 * one the SDK sent. Through client.send() a request costs ~2-2.5 ms of CPU before a
 * byte moves (endpoint rules, schema serialisation, user agent, checksum and retry
 * middleware, then signing, which is 0.06 ms of it): see get-route.ts and put-route.ts
 * for what that cost the GETs and PUTs of chunks.
 *
 * A route is named by what every request of it shares: the operation, the bucket, and
 * the attributes its headers carry (a PUT's content type and storage class). The first
 * request of a name still goes through the SDK, which resolves the endpoint, addressing
 * style, region (redirects included) and SSE headers: the request it signed, answered
 * with 2xx, is the route. Later requests change the key's path, their own headers and
 * query, and are signed again with the client's own credentials provider (so refreshed
 * and session credentials keep working) and clock offset. Over TLS, and for --bwlimit
 * clients (whose handler meters every byte), nothing is learnt: the SDK sends it all.
 */
interface Route {
  template: SignedRequest;
  /** The path before the key: `/bucket/` (path style) or `/` (virtual host). */
  prefix: string;
  signer: SignatureV4;
  timeouts: Timeouts;
}

const routes = new WeakMap<S3Client, Map<string, Route>>();

/**
 * Headers of one request, not of the route: the signer's, the SDK's bookkeeping, and
 * those a request has only sometimes (a Range, a Content-MD5 where the server does not
 * check the signed SHA-256). The rest a request sets is its own by overriding.
 */
const PER_REQUEST = new Set(['authorization', 'x-amz-date', 'x-amz-security-token', 'amz-sdk-invocation-id', 'amz-sdk-request', 'range', 'if-match', 'content-md5', 'expect']);
/**
 * Headers that describe a body in a way a routed request would not describe again: a
 * request with one teaches nothing. A GET's x-amz-checksum-mode asks for the answer's
 * checksum and is the same for every GET of a client.
 */
const BODY_BOUND = /^(x-amz-checksum-(?!mode$).*|x-amz-sdk-checksum-algorithm|x-amz-trailer|x-amz-decoded-content-length|content-encoding)$/;

/** A key as the SDK puts it in the path: each segment escaped (RFC 3986), slashes kept. */
export function keyPath(key: string): string {
  return key.split('/').map(uriEscape).join('/');
}

/**
 * Remember how `req`, the SDK's signed request for `key` that the server answered with
 * 2xx, went, as the route `name`. `ownQuery` names the query parameters each request
 * sets for itself (an upload's id, a part number). A request of any other shape (another
 * query parameter beyond `x-id`, a path not ending in the key as escaped here, no SigV4
 * scope, a body-bound header) teaches nothing, and requests of that name keep the SDK's path.
 */
export function learnRoute(client: S3Client, name: string, key: string, req: SignedRequest, ownQuery: readonly string[] = []): void {
  if (req.protocol !== 'http:' || client.config.requestHandler instanceof LimitedHttpHandler) return;
  let byName = routes.get(client);
  if (byName?.has(name)) return;
  const path = keyPath(key);
  const query = Object.fromEntries(Object.entries(req.query ?? {}).filter(([q]) => !ownQuery.includes(q)));
  if (!req.path.endsWith(path) || Object.keys(query).some((q) => q !== 'x-id')) return;
  const headers: Record<string, string> = {};
  let authorization = '';
  for (const [k, v] of Object.entries(req.headers)) {
    const lower = k.toLowerCase();
    if (BODY_BOUND.test(lower)) return;
    if (lower === 'authorization') authorization = v;
    if (!PER_REQUEST.has(lower)) headers[lower] = v;
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
  byName ??= new Map();
  routes.set(client, byName);
  byName.set(name, { template: { ...req, query, headers }, prefix: req.path.slice(0, -path.length), signer, timeouts: clientTimeouts(client) });
}

/** What one request of a route sets for itself; header names in lower case. */
export interface OwnParts {
  headers?: Record<string, string>;
  query?: Record<string, string>;
  /** A request body, its SHA-256 given as `x-amz-content-sha256` (the signer does not hash it). */
  body?: Buffer;
}

/**
 * Send the request for `key` by the route `name`, reading a body of `into.length` bytes
 * into `into`; undefined when there is no such route yet (send it through the SDK, which
 * teaches one). The answer may be any status.
 */
export async function sendByRoute(client: S3Client, name: string, key: string, own: OwnParts, into: Buffer, signal?: AbortSignal): Promise<DirectResponse | undefined> {
  const route = routes.get(client)?.get(name);
  if (!route) return undefined;
  const request = {
    ...route.template,
    path: route.prefix + keyPath(key),
    headers: { ...route.template.headers, ...own.headers },
    query: { ...route.template.query, ...own.query },
  };
  const signed = (await route.signer.sign(request as Parameters<SignatureV4['sign']>[0], {
    signingDate: new Date(Date.now() + (client.config.systemClockOffset ?? 0)),
  })) as unknown as SignedRequest;
  return directRequest(signed, into, route.timeouts, signal, own.body);
}

/**
 * Record the signed request `cmd` sends through the SDK (the last, after any region
 * redirect): once the server has answered it with 2xx, learnRoute takes it.
 */
export function recordSent<C extends { middlewareStack: unknown }>(cmd: C): () => SignedRequest | undefined {
  let sent: SignedRequest | undefined;
  (cmd.middlewareStack as DeserializeStack).add(
    (next) => (args) => {
      const req = args.request as SignedRequest;
      sent = { protocol: req.protocol, hostname: req.hostname, port: req.port, method: req.method, path: req.path, query: { ...req.query }, headers: { ...req.headers } };
      return next(args);
    },
    { step: 'deserialize', name: 'pipekitRecordSent', priority: 'low' },
  );
  return () => sent;
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
