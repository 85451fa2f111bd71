"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ChecksumMismatch = void 0;
exports.digestOf = digestOf;
exports.putObjectOnce = putObjectOnce;
exports.uploadPartOnce = uploadPartOnce;
exports.writeObject = writeObject;
exports.readObject = readObject;
exports.objectExists = objectExists;
exports.readManifest = readManifest;
const client_s3_1 = require("@aws-sdk/client-s3");
const node_crypto_1 = require("node:crypto");
const client_1 = require("./client");
const errors_1 = require("./errors");
const layout_1 = require("./layout");
const retry_1 = require("./retry");
/** The digest of a body, hashed here (the upload sinks hash large chunks on worker threads). */
function digestOf(body) {
    return {
        size: body.length,
        md5: (0, node_crypto_1.createHash)('md5').update(body).digest('hex'),
        sha256: (0, node_crypto_1.createHash)('sha256').update(body).digest('hex'),
    };
}
/** The server's ETag says it stored other bytes than were sent; retried as transient. */
class ChecksumMismatch extends Error {
    name = 'ChecksumMismatch';
}
exports.ChecksumMismatch = ChecksumMismatch;
function withPayloadHash(cmd, sha256) {
    cmd.middlewareStack.add((next) => async (args) => {
        const req = args.request;
        if (req.headers)
            req.headers['x-amz-content-sha256'] = sha256;
        return next(args);
    }, { step: 'build', name: 'pipekitPayloadHash' });
    return cmd;
}
function checkEtag(etag, digest, what) {
    const bare = (etag ?? '').replace(/"/g, '');
    // Some servers (Ceph RGW on multipart) answer with no ETag at all; Content-MD5 was
    // still checked by the server. A different one means the stored bytes differ.
    if (bare && /^[0-9a-f]{32}$/.test(bare) && bare !== digest.md5) {
        throw new ChecksumMismatch(`${what}: server ETag ${bare} does not match MD5 ${digest.md5}`);
    }
}
const contentMd5 = (digest) => Buffer.from(digest.md5, 'hex').toString('base64');
/** One verified PutObject, no retry: for callers whose retry covers more than the request. */
async function putObjectOnce(client, bucket, key, body, digest, signal, contentType = 'application/octet-stream') {
    const cmd = withPayloadHash(new client_s3_1.PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: body.length, ContentMD5: contentMd5(digest), ContentType: contentType }), digest.sha256);
    const out = await client.send(cmd, { abortSignal: signal });
    checkEtag(out.ETag, digest, key);
}
/** One verified UploadPart, no retry; resolves with the part's ETag. */
async function uploadPartOnce(client, bucket, key, uploadId, partNumber, body, digest, signal) {
    const cmd = withPayloadHash(new client_s3_1.UploadPartCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: partNumber,
        Body: body,
        ContentLength: body.length,
        ContentMD5: contentMd5(digest),
    }), digest.sha256);
    const out = await client.send(cmd, { abortSignal: signal });
    checkEtag(out.ETag, digest, `${key} part ${partNumber}`);
    return out.ETag ?? `"${digest.md5}"`;
}
/** A verified PUT of a whole body, retried; fails as `cannot write s3://bucket/key: …`. */
async function writeObject(client, bucket, key, body, opts = {}) {
    const digest = opts.digest ?? digestOf(body);
    try {
        await (0, retry_1.withRetry)(() => putObjectOnce(client, bucket, key, body, digest, opts.signal, opts.contentType), opts);
    }
    catch (err) {
        throw new errors_1.S3OperationError('cannot write', `s3://${bucket}/${key}`, err);
    }
}
/**
 * A small object, whole. The body is read inside the retry: a body cut short is as
 * transient as a reset. Errors are the SDK's, so callers can tell a missing key apart.
 */
function readObject(client, bucket, key, opts = {}) {
    return (0, retry_1.withRetry)(async () => {
        const out = await client.send(new client_s3_1.GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: opts.signal });
        return Buffer.from(await out.Body.transformToByteArray());
    }, opts);
}
/** HEAD: whether `key` exists; other failures as `cannot read s3://bucket/key: …`. */
async function objectExists(client, bucket, key, opts = {}) {
    try {
        await (0, retry_1.withRetry)(() => client.send(new client_s3_1.HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: opts.signal }), opts);
        return true;
    }
    catch (err) {
        // HEAD has no body, so a missing bucket looks like a missing key; the listing that
        // usually follows names the real problem.
        if ((0, errors_1.isNotFound)(err))
            return false;
        throw new errors_1.S3OperationError('cannot read', `s3://${bucket}/${key}`, err);
    }
}
/**
 * A manifest, parsed and validated, or undefined when the key is not there. Throws
 * ManifestError for a body that is not a valid manifest, and the SDK's error otherwise.
 * Manifests are stored as JSON: an HTML page in their place is a web server, not S3
 * (the client lets HTML through for GETs only, since objects may be pages).
 */
async function readManifest(client, bucket, key, opts = {}) {
    let text;
    try {
        text = await (0, retry_1.withRetry)(async () => {
            const out = await client.send(new client_s3_1.GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: opts.signal });
            if (/text\/html/i.test(out.ContentType ?? ''))
                throw new client_1.NotS3Error('not an S3 endpoint: it answered with an HTML page');
            return out.Body.transformToString();
        }, opts);
    }
    catch (err) {
        if ((0, errors_1.isNotFound)(err))
            return undefined;
        throw err;
    }
    return (0, layout_1.parseManifest)(text);
}
