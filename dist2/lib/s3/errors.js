"use strict";
/**
 * One-line descriptions of S3 and network failures, and the rule for which of them are
 * worth another attempt. Messages never include request headers (they carry signatures).
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.S3OperationError = void 0;
exports.httpStatus = httpStatus;
exports.isNotFound = isNotFound;
exports.isTransient = isTransient;
exports.describeError = describeError;
const NETWORK_CODES = {
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
function httpStatus(err) {
    const e = err;
    return e?.$metadata?.httpStatusCode ?? e?.$response?.statusCode;
}
/** The network error inside an SDK error (its cause chain), if any. */
function networkError(err) {
    let e = err;
    for (let depth = 0; e && depth < 4; depth++) {
        if (e.code && NETWORK_CODES[e.code])
            return e;
        e = e.cause;
    }
    return undefined;
}
function networkCode(err) {
    return networkError(err)?.code;
}
/** A key that is not there (GET NoSuchKey, HEAD 404), as opposed to a missing bucket. */
function isNotFound(err) {
    const e = err;
    return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || (httpStatus(err) === 404 && e?.name !== 'NoSuchBucket');
}
/** Whether another attempt may succeed: 5xx, SlowDown, timeouts, resets, bad bodies; never other 4xx. */
function isTransient(err) {
    const e = err;
    if (!e)
        return false;
    if (e.name === 'AbortError')
        return false;
    const code = networkCode(err);
    if (code && TRANSIENT_CODES.has(code))
        return true;
    if (e.name && TRANSIENT_NAMES.has(e.name))
        return true;
    if (e.code && TRANSIENT_NAMES.has(e.code))
        return true;
    const status = httpStatus(err);
    if (status !== undefined)
        return status >= 500 || status === 408 || status === 429;
    // A body cut short or a socket that hung up surfaces as a plain Error from the parser.
    return /socket hang up|aborted|premature close|ended before|Deserialization error|terminated/i.test(e.message ?? '');
}
/** `AccessDenied (403)`, `connection refused`, `NoSuchBucket (404)`: the reason part of an error line. */
function describeError(err) {
    const e = err;
    if (!e)
        return 'unknown error';
    const net = networkError(err);
    // The name that did not resolve is the useful half: `host not found: minio.local`.
    if (net)
        return net.hostname && /^E(NOTFOUND|AI_AGAIN)$/.test(net.code) ? `${NETWORK_CODES[net.code]}: ${net.hostname}` : NETWORK_CODES[net.code];
    // An https:// endpoint that answers in plain HTTP fails the handshake with OpenSSL's
    // record-layer text (and source paths): say what it means instead.
    if (/wrong version number|ERR_SSL_WRONG_VERSION_NUMBER|packet length too long/i.test(`${e.message} ${e.code}`)) {
        return 'TLS handshake failed: the server does not speak TLS (try http://)';
    }
    if (e.name === 'CredentialsProviderError')
        return credentialsHint(e.message ?? '');
    if (e.name === 'NotS3Error')
        return e.message ?? 'not an S3 endpoint';
    if (e.name === 'TimeoutError' || /timed? ?out/i.test(e.message ?? ''))
        return 'timed out';
    const status = httpStatus(err);
    let name = e.Code ?? e.name ?? 'Error';
    if (name === 'Error' || name === 'UnknownError' || name.startsWith('Unknown')) {
        name = status ? `HTTP ${status}` : e.message || 'error';
    }
    else if (name === 'NotFound') {
        name = 'NotFound';
    }
    if (/certificate|self[- ]signed|UNABLE_TO_VERIFY|CERT_/i.test(`${e.message} ${e.code}`)) {
        return `TLS certificate not trusted (${e.code ?? e.message}); see --ca-bundle`;
    }
    return status && !name.startsWith('HTTP ') ? `${name} (${status})` : name;
}
/** An error carrying a user-facing line, the SDK error kept as cause for --debug. */
class S3OperationError extends Error {
    exitCode;
    constructor(action, url, cause, exitCode = 1) {
        super(`${action} ${url}: ${describeError(cause)}`, { cause });
        this.name = 'S3OperationError';
        this.exitCode = exitCode;
    }
}
exports.S3OperationError = S3OperationError;
/** What to do when the SDK found no credentials, in one line. */
function credentialsHint(message) {
    const profile = /profile[: ]+\[?([^\]\s]+?)\]?(?: |$|\.)/i.exec(message)?.[1];
    if (profile && /could not resolve|not found|does not exist/i.test(message)) {
        return `profile ${profile} not found in ~/.aws/config or ~/.aws/credentials`;
    }
    return 'no credentials: tried AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ~/.aws/credentials and ~/.aws/config, and the instance metadata service; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give --profile NAME or --config FILE';
}
