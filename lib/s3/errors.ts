/**
 * One-line descriptions of S3 and network failures, and the rule for which of them are
 * worth another attempt. Messages never include request headers (they carry signatures).
 */

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  hostname?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
  cause?: unknown;
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNABORTED: 'connection aborted',
};

const TRANSIENT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'ECONNABORTED', 'EAI_AGAIN']);
const TRANSIENT_NAMES = new Set([
  'SlowDown',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'Throttling',
  'ThrottlingException',
  'InternalError',
  'ServiceUnavailable',
  'BadDigest',
  // The body does not match its signed SHA-256: corrupted on the way, as for BadDigest.
  'XAmzContentSHA256Mismatch',
  'IncompleteBody',
  'ChecksumMismatch',
]);

export function httpStatus(err: unknown): number | undefined {
  const e = err as SdkErrorShape | undefined;
  return e?.$metadata?.httpStatusCode ?? e?.$response?.statusCode;
}

/** The network error inside an SDK error (its cause chain), if any. */
function networkError(err: unknown): (SdkErrorShape & { code: string }) | undefined {
  let e = err as SdkErrorShape | undefined;
  for (let depth = 0; e && depth < 4; depth++) {
    if (e.code && NETWORK_CODES[e.code]) return e as SdkErrorShape & { code: string };
    e = e.cause as SdkErrorShape | undefined;
  }
  return undefined;
}

function networkCode(err: unknown): string | undefined {
  return networkError(err)?.code;
}

/** A key that is not there (GET NoSuchKey, HEAD 404), as opposed to a missing bucket. */
export function isNotFound(err: unknown): boolean {
  const e = err as SdkErrorShape | undefined;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || (httpStatus(err) === 404 && e?.name !== 'NoSuchBucket');
}

/** Whether another attempt may succeed: 5xx, SlowDown, timeouts, resets, bad bodies; never other 4xx. */
export function isTransient(err: unknown): boolean {
  const e = err as SdkErrorShape | undefined;
  if (!e) return false;
  if (e.name === 'AbortError') return false;
  const code = networkCode(err);
  if (code && TRANSIENT_CODES.has(code)) return true;
  if (e.name && TRANSIENT_NAMES.has(e.name)) return true;
  if (e.code && TRANSIENT_NAMES.has(e.code)) return true;
  const status = httpStatus(err);
  if (status !== undefined) return status >= 500 || status === 408 || status === 429;
  // A body cut short or a socket that hung up surfaces as a plain Error from the parser.
  return /socket hang up|aborted|premature close|ended before|Deserialization error|terminated/i.test(e.message ?? '');
}

/** `AccessDenied (403)`, `connection refused`, `NoSuchBucket (404)`: the reason part of an error line. */
export function describeError(err: unknown): string {
  const e = err as SdkErrorShape | undefined;
  if (!e) return 'unknown error';
  const net = networkError(err);
  // The name that did not resolve is the useful half: `host not found: minio.local`.
  if (net) return net.hostname && /^E(NOTFOUND|AI_AGAIN)$/.test(net.code) ? `${NETWORK_CODES[net.code]}: ${net.hostname}` : NETWORK_CODES[net.code];
  // An https:// endpoint that answers in plain HTTP fails the handshake with OpenSSL's
  // record-layer text (and source paths): say what it means instead.
  if (/wrong version number|ERR_SSL_WRONG_VERSION_NUMBER|packet length too long/i.test(`${e.message} ${e.code}`)) {
    return 'TLS handshake failed: the server does not speak TLS (try http://)';
  }
  if (e.name === 'CredentialsProviderError') return credentialsHint(e.message ?? '');
  if (e.name === 'NotS3Error') return e.message ?? 'not an S3 endpoint';
  if (e.name === 'TimeoutError' || /timed? ?out/i.test(e.message ?? '')) return 'timed out';
  const status = httpStatus(err);
  let name = e.Code ?? e.name ?? 'Error';
  if (name === 'Error' || name === 'UnknownError' || name.startsWith('Unknown')) {
    name = status ? `HTTP ${status}` : e.message || 'error';
  } else if (name === 'NotFound') {
    name = 'NotFound';
  }
  if (/certificate|self[- ]signed|UNABLE_TO_VERIFY|CERT_/i.test(`${e.message} ${e.code}`)) {
    return `TLS certificate not trusted (${e.code ?? e.message}); see --ca-bundle`;
  }
  const line = status && !name.startsWith('HTTP ') ? `${name} (${status})` : name;
  // A GET of an object in an archive class: what the user must do is not in S3's message.
  return name === 'InvalidObjectState' ? `${line}: archived; restore the objects first (s3 restore-object)` : line;
}

/** An error carrying a user-facing line, the SDK error kept as cause for --debug. */
export class S3OperationError extends Error {
  readonly exitCode: number;
  constructor(action: string, url: string, cause: unknown, exitCode = 1) {
    super(`${action} ${url}: ${describeError(cause)}`, { cause });
    this.name = 'S3OperationError';
    this.exitCode = exitCode;
  }
}

/** What to do when the SDK found no credentials, in one line. */
function credentialsHint(message: string): string {
  const profile = /profile[: ]+\[?([^\]\s]+?)\]?(?: |$|\.)/i.exec(message)?.[1];
  if (profile && /could not resolve|not found|does not exist/i.test(message)) {
    return `profile ${profile} not found in ~/.aws/config or ~/.aws/credentials`;
  }
  return 'no credentials: tried AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ~/.aws/credentials and ~/.aws/config, and the instance metadata service; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give --profile NAME or --config FILE';
}
