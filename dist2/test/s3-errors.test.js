"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const errors_1 = require("../lib/s3/errors");
// Error shapes as the AWS SDK v3 and Node produce them: a service error carries `name`
// (and often `Code`) and `$metadata.httpStatusCode`; a network failure is a Node error
// with `code`, sometimes wrapped, with the code in `.cause`.
function sdk(name, status, message = name, extra = {}) {
    return { name, message, $fault: status !== undefined && status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status, attempts: 1 }, ...extra };
}
function netError(code, message = `connect ${code} 127.0.0.1:9000`) {
    return Object.assign(new Error(message), { code });
}
function wrapped(cause, depth = 1, message = 'request failed') {
    let err = cause;
    for (let i = 0; i < depth; i++)
        err = new Error(message, { cause: err });
    return err;
}
function abortError() {
    return Object.assign(new Error('Request aborted'), { name: 'AbortError' });
}
// [what, error, isTransient, describeError]
const table = [
    // S3 answers.
    ['403 AccessDenied', sdk('AccessDenied', 403, 'Access Denied', { Code: 'AccessDenied' }), false, 'AccessDenied (403)'],
    ['403 without a Code', sdk('AccessDenied', 403, 'Access Denied'), false, 'AccessDenied (403)'],
    ['403 SignatureDoesNotMatch', sdk('SignatureDoesNotMatch', 403), false, 'SignatureDoesNotMatch (403)'],
    ['404 NoSuchKey', sdk('NoSuchKey', 404, 'The specified key does not exist.', { Code: 'NoSuchKey' }), false, 'NoSuchKey (404)'],
    ['404 NoSuchBucket', sdk('NoSuchBucket', 404, 'The specified bucket does not exist'), false, 'NoSuchBucket (404)'],
    ['404 of a HEAD (no body)', sdk('NotFound', 404, 'UnknownError'), false, 'NotFound (404)'],
    ['409 BucketNotEmpty', sdk('BucketNotEmpty', 409), false, 'BucketNotEmpty (409)'],
    ['409 BucketAlreadyOwnedByYou', sdk('BucketAlreadyOwnedByYou', 409), false, 'BucketAlreadyOwnedByYou (409)'],
    ['400 InvalidArgument', sdk('InvalidArgument', 400), false, 'InvalidArgument (400)'],
    ['400 BadDigest (a body damaged on the way)', sdk('BadDigest', 400), true, 'BadDigest (400)'],
    ['400 RequestTimeout', sdk('RequestTimeout', 400, 'Your socket connection to the server was not read from or written to within the timeout period.'), true, 'timed out'],
    ['400 IncompleteBody', sdk('IncompleteBody', 400, 'You did not provide the number of bytes specified'), true, 'IncompleteBody (400)'],
    ['408 from a proxy', sdk('Unknown', 408, 'UnknownError'), true, 'HTTP 408'],
    ['429 from a proxy', sdk('Unknown', 429, 'UnknownError'), true, 'HTTP 429'],
    ['500 InternalError', sdk('InternalError', 500, 'We encountered an internal error. Please try again.'), true, 'InternalError (500)'],
    ['500 without a body', sdk('Unknown', 500, 'UnknownError'), true, 'HTTP 500'],
    ['502 from a proxy, named Error', sdk('Error', 502, ''), true, 'HTTP 502'],
    ['503 SlowDown', sdk('SlowDown', 503, 'Please reduce your request rate.', { Code: 'SlowDown' }), true, 'SlowDown (503)'],
    ['503 ServiceUnavailable', sdk('ServiceUnavailable', 503), true, 'ServiceUnavailable (503)'],
    ['503 with an unmodelled name', sdk('UnknownError', 503), true, 'HTTP 503'],
    ['504 with a custom name', sdk('GatewayTimeout', 504, 'Gateway Timeout'), true, 'timed out'],
    ['Code beats name', sdk('Unknown', 403, 'x', { Code: 'AccountProblem' }), false, 'AccountProblem (403)'],
    ['a status from $response only', { name: 'InvalidRequest', message: 'x', $response: { statusCode: 400 } }, false, 'InvalidRequest (400)'],
    ['a 5xx status from $response only', { name: 'Error', message: '', $response: { statusCode: 500 } }, true, 'HTTP 500'],
    // Throttling by name, without a status.
    ['Throttling', { name: 'Throttling', message: 'Rate exceeded' }, true, 'Throttling'],
    ['ThrottlingException', { name: 'ThrottlingException', message: 'Rate exceeded' }, true, 'ThrottlingException'],
    ['SlowDown as code', { name: 'Error', code: 'SlowDown', message: 'slow down' }, true, 'slow down'],
    // Network failures.
    ['ECONNRESET', netError('ECONNRESET', 'read ECONNRESET'), true, 'connection reset'],
    ['ECONNREFUSED', netError('ECONNREFUSED'), true, 'connection refused'],
    ['ETIMEDOUT', netError('ETIMEDOUT'), true, 'timed out'],
    ['EPIPE', netError('EPIPE', 'write EPIPE'), true, 'connection closed'],
    ['ECONNABORTED', netError('ECONNABORTED'), true, 'connection aborted'],
    ['EAI_AGAIN', netError('EAI_AGAIN', 'getaddrinfo EAI_AGAIN s3.example'), true, 'host lookup failed'],
    ['ENOTFOUND (a wrong host stays wrong)', netError('ENOTFOUND', 'getaddrinfo ENOTFOUND nohost'), false, 'host not found'],
    ['EHOSTUNREACH', netError('EHOSTUNREACH'), false, 'host unreachable'],
    ['ENETUNREACH', netError('ENETUNREACH'), false, 'network unreachable'],
    ['ECONNRESET in .cause', wrapped(netError('ECONNRESET')), true, 'connection reset'],
    ['ECONNREFUSED two causes deep', wrapped(netError('ECONNREFUSED'), 2), true, 'connection refused'],
    ['ENOTFOUND three causes deep', wrapped(netError('ENOTFOUND'), 3), false, 'host not found'],
    ['an unknown code in .cause', wrapped(netError('EWHATEVER', 'odd')), false, 'request failed'],
    ['socket hang up (code ECONNRESET)', netError('ECONNRESET', 'socket hang up'), true, 'connection reset'],
    ['socket hang up (no code)', new Error('socket hang up'), true, 'socket hang up'],
    ['a body cut short', new Error('Premature close'), true, 'Premature close'],
    ['a response that ended before its length', new Error('Response ended before 100 bytes'), true, 'Response ended before 100 bytes'],
    ['a parser on a cut body', new Error('Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.'), true, 'Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.'],
    ['TimeoutError', { name: 'TimeoutError', message: 'Connection timed out after 1000 ms' }, true, 'timed out'],
    // Aborts are the caller's decision: never retried.
    ['AbortError', abortError(), false, 'AbortError'],
    ['AbortError wrapping a reset', Object.assign(abortError(), { cause: netError('ECONNRESET') }), false, 'connection reset'],
    // Not S3 at all.
    ['NotS3Error', { name: 'NotS3Error', message: 'not an S3 endpoint (got text/html)' }, false, 'not an S3 endpoint (got text/html)'],
    ['NotS3Error without a message', { name: 'NotS3Error' }, false, 'not an S3 endpoint'],
    // TLS.
    [
        'an untrusted certificate',
        Object.assign(new Error('unable to verify the first certificate'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }),
        false,
        'TLS certificate not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE); see --ca-bundle',
    ],
    [
        'a self-signed certificate in the chain',
        Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }),
        false,
        'TLS certificate not trusted (SELF_SIGNED_CERT_IN_CHAIN); see --ca-bundle',
    ],
    [
        'a self-signed leaf',
        Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
        false,
        'TLS certificate not trusted (DEPTH_ZERO_SELF_SIGNED_CERT); see --ca-bundle',
    ],
    [
        'an expired certificate',
        Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' }),
        false,
        'TLS certificate not trusted (CERT_HAS_EXPIRED); see --ca-bundle',
    ],
    ['a certificate error without a code', new Error('unable to get local issuer certificate'), false, 'TLS certificate not trusted (unable to get local issuer certificate); see --ca-bundle'],
    // Anything else.
    ['a plain Error', new Error('something odd'), false, 'something odd'],
    ['a plain Error without a message', new Error(''), false, 'error'],
    ['a TypeError', new TypeError('x is not a function'), false, 'TypeError'],
    ['undefined', undefined, false, 'unknown error'],
    ['null', null, false, 'unknown error'],
];
(0, node_test_1.describe)('S3 errors: isTransient and describeError', () => {
    for (const [what, err, transient, line] of table) {
        (0, node_test_1.it)(`${what}: ${transient ? 'retried' : 'not retried'}, "${line}"`, () => {
            strict_1.default.equal((0, errors_1.isTransient)(err), transient, 'isTransient');
            strict_1.default.equal((0, errors_1.describeError)(err), line, 'describeError');
        });
    }
    (0, node_test_1.it)('S3OperationError: action, URL and reason in one line, the error kept as cause', () => {
        const cause = sdk('AccessDenied', 403, 'Access Denied');
        const err = new errors_1.S3OperationError('cannot write', 's3://b/k', cause);
        strict_1.default.equal(err.message, 'cannot write s3://b/k: AccessDenied (403)');
        strict_1.default.equal(err.cause, cause);
        strict_1.default.equal(err.exitCode, 1);
        strict_1.default.equal(err.name, 'S3OperationError');
        strict_1.default.equal(new errors_1.S3OperationError('cannot read', 's3://b/k', netError('ECONNREFUSED'), 3).exitCode, 3);
    });
});
(0, node_test_1.describe)('S3 errors: httpStatus and isNotFound', () => {
    const statuses = [
        ['$metadata', sdk('AccessDenied', 403), 403],
        ['$response', { $response: { statusCode: 502 } }, 502],
        ['$metadata before $response', { $metadata: { httpStatusCode: 404 }, $response: { statusCode: 200 } }, 404],
        ['$metadata without a status', { $metadata: { attempts: 2 } }, undefined],
        ['a network error', netError('ECONNRESET'), undefined],
        ['undefined', undefined, undefined],
        ['null', null, undefined],
    ];
    for (const [what, err, status] of statuses)
        (0, node_test_1.it)(`httpStatus: ${what} -> ${status}`, () => strict_1.default.equal((0, errors_1.httpStatus)(err), status));
    const notFound = [
        ['NoSuchKey', sdk('NoSuchKey', 404), true],
        ['NoSuchKey without a status', { name: 'NoSuchKey' }, true],
        ['NotFound of a HEAD', sdk('NotFound', 404, 'UnknownError'), true],
        ['a bare 404', sdk('Unknown', 404, 'UnknownError'), true],
        ['a 404 from $response', { name: 'Error', $response: { statusCode: 404 } }, true],
        ['NoSuchBucket: the bucket, not the key', sdk('NoSuchBucket', 404), false],
        ['AccessDenied', sdk('AccessDenied', 403), false],
        ['a 500', sdk('InternalError', 500), false],
        ['a network error', netError('ECONNREFUSED'), false],
        ['undefined', undefined, false],
    ];
    for (const [what, err, expected] of notFound)
        (0, node_test_1.it)(`isNotFound: ${what} -> ${expected}`, () => strict_1.default.equal((0, errors_1.isNotFound)(err), expected));
});
