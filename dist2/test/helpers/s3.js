"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.startS3rver = startS3rver;
exports.s3Env = s3Env;
exports.testClient = testClient;
exports.freshBucket = freshBucket;
exports.getObjectBytes = getObjectBytes;
const node_child_process_1 = require("node:child_process");
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const node_crypto_1 = require("node:crypto");
const client_s3_1 = require("@aws-sdk/client-s3");
const client_1 = require("../../lib/s3/client");
const retry_1 = require("../../lib/s3/retry");
/** Start s3rver in a child process on a random port with a fresh data directory. */
async function startS3rver() {
    const dir = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'pipekit-s3rver-'));
    const child = (0, node_child_process_1.spawn)(process.execPath, ['--openssl-legacy-provider', (0, node_path_1.join)(__dirname, 's3rver-main.js'), dir], {
        stdio: ['pipe', 'pipe', 'inherit'],
    });
    const port = await firstLine(child, 15_000);
    return {
        kind: 's3rver',
        endpoint: `http://127.0.0.1:${port}`,
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
        stop: async () => {
            const closed = new Promise((resolve) => child.once('close', resolve));
            child.stdin.end();
            const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
            await closed;
            clearTimeout(timer);
            (0, node_fs_1.rmSync)(dir, { recursive: true, force: true });
        },
    };
}
function firstLine(child, timeoutMs) {
    return new Promise((resolve, reject) => {
        let buf = '';
        const timer = setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error('test server did not start in time'));
        }, timeoutMs);
        child.stdout.on('data', (c) => {
            buf += c.toString();
            const nl = buf.indexOf('\n');
            if (nl >= 0) {
                clearTimeout(timer);
                resolve(buf.slice(0, nl).trim());
            }
        });
        child.once('exit', (code) => {
            clearTimeout(timer);
            reject(new Error(`test server exited with ${code} before listening`));
        });
    });
}
/** The environment a filter child process gets: these credentials and endpoint, nothing from the host. */
function s3Env(server, endpoint = server.endpoint, extra = {}) {
    const env = {};
    for (const [k, v] of Object.entries(process.env))
        if (!k.startsWith('AWS_'))
            env[k] = v;
    return {
        ...env,
        AWS_ACCESS_KEY_ID: server.accessKeyId,
        AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
        AWS_ENDPOINT_URL: endpoint,
        AWS_REGION: 'us-east-1',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: '/nonexistent',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
        ...extra,
    };
}
function testClient(server, endpoint = server.endpoint) {
    const client = (0, client_1.createS3Client)({
        endpoint,
        credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    });
    // Setup and checks go through the filters' retry policy too: a keep-alive socket the
    // server closes as it is reused (ECONNRESET) must not fail a test's own bookkeeping.
    const send = client.send.bind(client);
    client.send = (...args) => (0, retry_1.withRetry)(() => send(...args));
    return client;
}
/** A fresh bucket with a unique name (3–63 lowercase characters, as every server accepts). */
async function freshBucket(client, hint = 'b') {
    const name = `${hint}-${(0, node_crypto_1.randomBytes)(5).toString('hex')}`;
    await client.send(new client_s3_1.CreateBucketCommand({ Bucket: name }));
    return name;
}
async function getObjectBytes(client, bucket, key) {
    const out = await client.send(new client_s3_1.GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await out.Body.transformToByteArray());
}
