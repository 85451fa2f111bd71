/**
 * One-line descriptions of S3 and network failures, and the rule for which of them are
 * worth another attempt. Messages never include request headers (they carry signatures).
 */

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
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
  'IncompleteBody',
  'ChecksumMismatch',
]);

export function httpStatus(err: unknown): number | undefined {
  const e = err as SdkErrorShape | undefined;
  return e?.$metadata?.httpStatusCode ?? e?.$response?.statusCode;
}

function networkCode(err: unknown): string | undefined {
  let e = err as SdkErrorShape | undefined;
  for (let depth = 0; e && depth < 4; depth++) {
    if (e.code && NETWORK_CODES[e.code]) return e.code;
    e = e.cause as SdkErrorShape | undefined;
  }
  return undefined;
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
  const code = networkCode(err);
  if (code) return NETWORK_CODES[code];
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
  return status && !name.startsWith('HTTP ') ? `${name} (${status})` : name;
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
