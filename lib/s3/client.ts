import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { NodeHttpHandler, NodeHttpHandlerOptions } from '@smithy/node-http-handler';
import type { BandwidthLimiter } from './bandwidth';
import { addEncryption, type Encryption } from './encryption';

/**
 * The one place that knows S3 server quirks (the rclone "provider quirks" idea):
 * filters describe what they want, this file makes it work on AWS, s3rver and Ceph RGW.
 */

export interface S3ClientOptions {
  /** `http://127.0.0.1:4568`; implies path-style addressing (custom servers rarely have wildcard DNS). */
  endpoint?: string;
  region?: string;
  /** A named profile from ~/.aws/config; otherwise the SDK default chain. */
  profile?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  forcePathStyle?: boolean;
  /**
   * `path` (`https://host/bucket/key`), `virtual` (`https://bucket.host/key`), or `auto`
   * (the default): path style for a custom endpoint, virtual-hosted for AWS. `forcePathStyle` wins.
   */
  addressing?: Addressing;
  /** Server-side encryption of every object written (and, for SSE-C, read). */
  encryption?: Encryption;
  /** Every request and response body of this client passes through this limiter; give clients one limiter to share a limit. */
  bandwidth?: BandwidthLimiter;
  /** PEM file of extra CAs to trust for https endpoints (as AWS_CA_BUNDLE). */
  caBundle?: string;
  /** Sockets per host; at least the number of requests run at once. */
  maxSockets?: number;
  /** A request whose connection moves no byte for this long is abandoned and retried. */
  requestTimeoutMs?: number;
  /** Receives the SDK's warnings, each as one line (the SDK's own are up to ten lines on stderr). */
  onWarning?: (line: string) => void;
}

/**
 * An S3Client that works on AWS, s3rver and Ceph RGW alike: the settings below are the
 * quirks each needs. Endpoint, region and credentials default to the SDK's chain
 * (`AWS_ENDPOINT_URL`, `AWS_REGION`, env keys, ~/.aws, IMDS).
 */
export function createS3Client(opts: S3ClientOptions = {}): S3Client {
  // Loaded here, not on import: the SDK and node:https are ~150 ms of a filter's start-up,
  // which --help, --version, a usage error and parseS3Url never need (issue 16).
  const { S3Client } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  const { NodeHttpHandler } = require('@smithy/node-http-handler') as typeof import('@smithy/node-http-handler');
  const { Agent: HttpAgent } = require('node:http') as typeof import('node:http');
  const { Agent: HttpsAgent } = require('node:https') as typeof import('node:https');
  const endpoint = opts.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  const caFile = opts.caBundle ?? process.env.AWS_CA_BUNDLE;
  const maxSockets = opts.maxSockets ?? 32;
  const handlerOptions = {
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets, ...(caFile ? { ca: readFileSync(caFile) } : {}) }),
    connectionTimeout: 10_000,
    // Idle time, not total time: a 5 GiB chunk on a slow link may take minutes, but a
    // connection that moves no byte for this long is dead and worth another attempt.
    socketTimeout: opts.requestTimeoutMs ?? 30_000,
  };
  const config: S3ClientConfig = {
    region: opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    endpoint,
    forcePathStyle: opts.forcePathStyle ?? (opts.addressing === undefined || opts.addressing === 'auto' ? endpoint !== undefined : opts.addressing === 'path'),
    // A bucket in another region answers 301 PermanentRedirect with its region in
    // x-amz-bucket-region: the request is sent once more, signed for that region.
    followRegionRedirects: true,
    // With the defaults (WHEN_SUPPORTED) stream bodies go out aws-chunked with a CRC32
    // trailer: s3rver stores the framing inside the object and RGW answers 411. We
    // send Content-MD5 and a signed SHA-256 of every body ourselves instead.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // One retry layer only: ours (lib/s3/retry.ts) resends from memory with backoff and
    // counts every attempt; the SDK's own would multiply it (5 × 3 attempts per fault).
    maxAttempts: 1,
    // Expect: 100-continue makes the SDK's HTTP handler open a fresh, non-keep-alive
    // connection for every body over 2 MB and wait for the interim reply: measured,
    // 60 MB/s into a null sink with it, see bench/ for the figure without it.
    expectContinueHeader: false,
    requestHandler: opts.bandwidth ? limitedHandler(handlerOptions, opts.bandwidth) : new NodeHttpHandler(handlerOptions),
  };
  if (opts.credentials) config.credentials = opts.credentials;
  if (opts.profile) config.profile = opts.profile;
  const warn = opts.onWarning;
  if (warn) config.logger = { trace() {}, debug() {}, info() {}, error() {}, warn: (...args: unknown[]) => warn(sdkWarningLine(String(args[0]), opts.profile)) };
  const client = new S3Client(config);
  addContentMd5ForDeleteObjects(client);
  rejectHtmlAnswers(client);
  learnPayloadVerification(client);
  if (opts.encryption) addEncryption(client, opts.encryption);
  return client;
}

export type Addressing = 'auto' | 'path' | 'virtual';

/** Loaded only with --bwlimit: a filter without it never runs bandwidth.ts (issue 16). */
function limitedHandler(options: NodeHttpHandlerOptions, limiter: BandwidthLimiter): NodeHttpHandler {
  const { LimitedHttpHandler } = require('./bandwidth') as typeof import('./bandwidth');
  return new LimitedHttpHandler(options, limiter);
}

/** An SDK warning as one line. */
function sdkWarningLine(text: string, profile: string | undefined): string {
  if (/Multiple credential sources detected/.test(text)) {
    return `using profile ${profile ?? process.env.AWS_PROFILE}; AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set too and ignored`;
  }
  return `warning: ${text.split('\n').map((l) => l.trim()).filter(Boolean).join(' ')}`;
}

const payloadVerifiers = new WeakSet<S3Client>();

/**
 * Whether `client`'s server is known to check a body against the signed
 * `x-amz-content-sha256` (refusing a mismatch with XAmzContentSHA256Mismatch before it
 * stores anything): AWS and Ceph RGW do, s3rver does not (nor does it check Content-MD5;
 * there the ETag compared with our MD5 is the check). Where it does, that hash, which the
 * manifest needs anyway, is the PUT's integrity check and Content-MD5 is not computed.
 * False until a response has named the server: a first request still carries MD5.
 */
export function verifiesPayloadHash(client: S3Client): boolean {
  return payloadVerifiers.has(client);
}

/** RGW's request ids: `tx` + 21 hex digits, `-`, the time in hex, `-`, the instance, `-`, the zonegroup. */
const RGW_REQUEST_ID = /^tx[0-9a-f]{21}-[0-9a-f]{8,}-[0-9a-f]+-/;

/**
 * Learnt from answers, not from the endpoint's name: a profile may point the SDK at any
 * server, and a server is what it answers as.
 */
function learnPayloadVerification(client: S3Client): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const headers = (result.response as { headers?: Record<string, string> }).headers ?? {};
      const aws = headers.server === 'AmazonS3' && headers['x-amz-id-2'] !== undefined;
      if (aws || RGW_REQUEST_ID.test(headers['x-amz-request-id'] ?? '')) payloadVerifiers.add(client);
      return result;
    },
    { step: 'deserialize', name: 'pipekitPayloadVerification', priority: 'low' },
  );
}

/** A server that is not S3 (a web page, a captive portal, a proxy's login form). */
export class NotS3Error extends Error {
  override readonly name = 'NotS3Error';
}

/** Refuse an answer whose content type says it is a web page. */
export function refuseHtml(contentType: string | undefined): void {
  if (/text\/html/i.test(contentType ?? '')) throw new NotS3Error('not an S3 endpoint: it answered with an HTML page');
}

/**
 * A web server answers an S3 request with 200 and an HTML page, which the SDK parses as
 * an empty listing or a successful delete: a 2xx HTML answer to anything but an object
 * read (whose content type is the user's) is refused instead.
 */
function rejectHtmlAnswers(client: S3Client): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const headers = (result.response as { headers?: Record<string, string> }).headers ?? {};
      if (context.commandName !== 'GetObjectCommand') refuseHtml(headers['content-type']);
      return result;
    },
    { step: 'deserialize', name: 'pipekitRejectHtml', priority: 'low' },
  );
}

/**
 * DeleteObjects requires Content-MD5 on servers that predate flexible checksums; with
 * WHEN_REQUIRED the SDK sends a CRC32 header instead, so we add the MD5 ourselves (as AWS
 * documents for third-party S3 servers).
 */
function addContentMd5ForDeleteObjects(client: S3Client): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { headers?: Record<string, string>; body?: unknown };
      if (context.commandName === 'DeleteObjectsCommand' && request.headers && typeof request.body === 'string') {
        request.headers['content-md5'] = createHash('md5').update(request.body).digest('base64');
      }
      return next(args);
    },
    { step: 'build', name: 'pipekitContentMd5', priority: 'low' },
  );
}

/** `s3://bucket/key/prefix` split into bucket and key (key may be empty). */
export interface S3Address {
  bucket: string;
  key: string;
}

/** Split `s3://bucket/key`; throws for anything else. */
export function parseS3Url(url: string): S3Address {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/s.exec(url);
  if (!m) throw new Error(`not an s3:// address: ${url}`);
  return { bucket: m[1], key: m[2] ?? '' };
}

/** `s3://bucket/key`, as every filter prints it. */
export function formatS3Url(addr: S3Address): string {
  return `s3://${addr.bucket}/${addr.key}`;
}

/** The seed's s3store INI file: `[Credentials] aws_access_key_id/aws_secret_access_key`, `[Bucket] id`. */
export interface S3storeConfig {
  accessKeyId?: string;
  secretAccessKey?: string;
  bucket?: string;
}

/** The s3store INI file's credentials and bucket; unknown sections and keys are ignored. */
export function parseS3storeConfig(text: string): S3storeConfig {
  const out: S3storeConfig = {};
  let section = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const sect = /^\[(.+)\]$/.exec(line);
    if (sect) {
      section = sect[1].trim().toLowerCase();
      continue;
    }
    const kv = /^([^:=]+)[:=](.*)$/.exec(line);
    if (!kv) continue;
    const key = kv[1].trim().toLowerCase();
    const value = kv[2].trim();
    if (section === 'credentials' && key === 'aws_access_key_id') out.accessKeyId = value;
    if (section === 'credentials' && key === 'aws_secret_access_key') out.secretAccessKey = value;
    if (section === 'bucket' && key === 'id') out.bucket = value;
  }
  return out;
}
