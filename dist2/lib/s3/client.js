"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.NotS3Error = void 0;
exports.createS3Client = createS3Client;
exports.parseS3Url = parseS3Url;
exports.formatS3Url = formatS3Url;
exports.parseS3storeConfig = parseS3storeConfig;
const client_s3_1 = require("@aws-sdk/client-s3");
const node_http_handler_1 = require("@smithy/node-http-handler");
const node_http_1 = require("node:http");
const node_https_1 = require("node:https");
const node_fs_1 = require("node:fs");
const node_crypto_1 = require("node:crypto");
/**
 * An S3Client that works on AWS, s3rver and Ceph RGW alike: the settings below are the
 * quirks each needs. Endpoint, region and credentials default to the SDK's chain
 * (`AWS_ENDPOINT_URL`, `AWS_REGION`, env keys, ~/.aws, IMDS).
 */
function createS3Client(opts = {}) {
    const endpoint = opts.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
    const caFile = opts.caBundle ?? process.env.AWS_CA_BUNDLE;
    const maxSockets = opts.maxSockets ?? 32;
    const config = {
        region: opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
        endpoint,
        forcePathStyle: opts.forcePathStyle ?? endpoint !== undefined,
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
        requestHandler: new node_http_handler_1.NodeHttpHandler({
            httpAgent: new node_http_1.Agent({ keepAlive: true, maxSockets }),
            httpsAgent: new node_https_1.Agent({ keepAlive: true, maxSockets, ...(caFile ? { ca: (0, node_fs_1.readFileSync)(caFile) } : {}) }),
            connectionTimeout: 10_000,
            // Idle time, not total time: a 5 GiB chunk on a slow link may take minutes, but a
            // connection that moves no byte for this long is dead and worth another attempt.
            socketTimeout: opts.requestTimeoutMs ?? 30_000,
        }),
    };
    if (opts.credentials)
        config.credentials = opts.credentials;
    if (opts.profile)
        config.profile = opts.profile;
    const warn = opts.onWarning;
    if (warn)
        config.logger = { trace() { }, debug() { }, info() { }, error() { }, warn: (...args) => warn(sdkWarningLine(String(args[0]), opts.profile)) };
    const client = new client_s3_1.S3Client(config);
    addContentMd5ForDeleteObjects(client);
    rejectHtmlAnswers(client);
    return client;
}
/** An SDK warning as one line. */
function sdkWarningLine(text, profile) {
    if (/Multiple credential sources detected/.test(text)) {
        return `using profile ${profile ?? process.env.AWS_PROFILE}; AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set too and ignored`;
    }
    return `warning: ${text.split('\n').map((l) => l.trim()).filter(Boolean).join(' ')}`;
}
/** A server that is not S3 (a web page, a captive portal, a proxy's login form). */
class NotS3Error extends Error {
    name = 'NotS3Error';
}
exports.NotS3Error = NotS3Error;
/**
 * A web server answers an S3 request with 200 and an HTML page, which the SDK parses as
 * an empty listing or a successful delete: a 2xx HTML answer to anything but an object
 * read (whose content type is the user's) is refused instead.
 */
function rejectHtmlAnswers(client) {
    client.middlewareStack.add((next, context) => async (args) => {
        const result = await next(args);
        const headers = result.response.headers ?? {};
        if (context.commandName !== 'GetObjectCommand' && /text\/html/i.test(headers['content-type'] ?? '')) {
            throw new NotS3Error('not an S3 endpoint: it answered with an HTML page');
        }
        return result;
    }, { step: 'deserialize', name: 'pipekitRejectHtml', priority: 'low' });
}
/**
 * DeleteObjects requires Content-MD5 on servers that predate flexible checksums; with
 * WHEN_REQUIRED the SDK sends a CRC32 header instead, so we add the MD5 ourselves (as AWS
 * documents for third-party S3 servers).
 */
function addContentMd5ForDeleteObjects(client) {
    client.middlewareStack.add((next, context) => async (args) => {
        const request = args.request;
        if (context.commandName === 'DeleteObjectsCommand' && request.headers && typeof request.body === 'string') {
            request.headers['content-md5'] = (0, node_crypto_1.createHash)('md5').update(request.body).digest('base64');
        }
        return next(args);
    }, { step: 'build', name: 'pipekitContentMd5', priority: 'low' });
}
/** Split `s3://bucket/key`; throws for anything else. */
function parseS3Url(url) {
    const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/s.exec(url);
    if (!m)
        throw new Error(`not an s3:// address: ${url}`);
    return { bucket: m[1], key: m[2] ?? '' };
}
/** `s3://bucket/key`, as every filter prints it. */
function formatS3Url(addr) {
    return `s3://${addr.bucket}/${addr.key}`;
}
/** The s3store INI file's credentials and bucket; unknown sections and keys are ignored. */
function parseS3storeConfig(text) {
    const out = {};
    let section = '';
    for (const raw of text.split(/\r?\n/)) {
        const line = raw.trim();
        if (!line || line.startsWith('#') || line.startsWith(';'))
            continue;
        const sect = /^\[(.+)\]$/.exec(line);
        if (sect) {
            section = sect[1].trim().toLowerCase();
            continue;
        }
        const kv = /^([^:=]+)[:=](.*)$/.exec(line);
        if (!kv)
            continue;
        const key = kv[1].trim().toLowerCase();
        const value = kv[2].trim();
        if (section === 'credentials' && key === 'aws_access_key_id')
            out.accessKeyId = value;
        if (section === 'credentials' && key === 'aws_secret_access_key')
            out.secretAccessKey = value;
        if (section === 'bucket' && key === 'id')
            out.bucket = value;
    }
    return out;
}
