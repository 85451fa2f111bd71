"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const node_events_1 = require("node:events");
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const node_stream_1 = require("node:stream");
const promises_1 = require("node:stream/promises");
const client_s3_1 = require("@aws-sdk/client-s3");
const run_1 = require("./helpers/run");
const s3_1 = require("./helpers/s3");
const data_1 = require("./helpers/data");
const fault_proxy_1 = require("./helpers/fault-proxy");
const mount_1 = require("./helpers/mount");
const sink_1 = require("../lib/s3/sink");
const source_1 = require("../lib/s3/source");
const lister_1 = require("../lib/s3/lister");
const delete_objects_1 = require("../lib/s3/delete-objects");
const sets_1 = require("../lib/s3/sets");
const uploader_1 = require("../lib/s3/uploader");
const remove_1 = require("../lib/s3/remove");
/**
 * A caller's AbortSignal (a filter's SIGINT signal, an application's) outlives every
 * stream and request it is given to: each may listen to it only while it runs. Streams
 * that never removed their listener printed a two-line MaxListenersExceededWarning once
 * a dozen of them had come and gone in one process.
 */
(0, node_test_1.describe)('abort listeners never outlive their streams', () => {
    let s3;
    let client;
    let env;
    let bucket;
    let dir;
    const prefixes = Array.from({ length: 12 }, (_, i) => `p${i}/`);
    const files = [];
    (0, node_test_1.before)(async () => {
        s3 = await (0, s3_1.startS3rver)();
        client = (0, s3_1.testClient)(s3);
        env = (0, s3_1.s3Env)(s3);
        bucket = await (0, s3_1.freshBucket)(client, 'listen');
        dir = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'pipekit-listeners-'));
        for (let i = 0; i < 20; i++) {
            const path = (0, node_path_1.join)(dir, `f${i}`);
            (0, node_fs_1.writeFileSync)(path, `file ${i}\n`);
            files.push(path);
        }
        // 20 ranges of 1 KiB: s3source -j 11 -s 1K has 11 GETs in flight on one signal.
        await client.send(new client_s3_1.PutObjectCommand({ Bucket: bucket, Key: 'ranged', Body: (0, data_1.seededBytes)(20 * 1024) }));
        // Buckets of their own for `s3rm --all -n`, each listed and "emptied" in turn.
        for (let i = 0; i < 6; i++)
            await client.send(new client_s3_1.CreateBucketCommand({ Bucket: `${bucket}-all-${i}` }));
    });
    (0, node_test_1.after)(async () => {
        (0, node_fs_1.rmSync)(dir, { recursive: true, force: true });
        await s3?.stop();
    });
    async function putUnderPrefixes() {
        for (const p of prefixes) {
            await client.send(new client_s3_1.PutObjectCommand({ Bucket: bucket, Key: `${p}a`, Body: 'a' }));
            await client.send(new client_s3_1.PutObjectCommand({ Bucket: bucket, Key: `${p}b/c`, Body: 'c' }));
        }
    }
    const urls = (list) => list.map((p) => `s3://${bucket}/${p}`);
    const cases = [
        { what: 's3rm -r with a dozen prefixes', filter: 's3rm', setup: putUnderPrefixes, args: () => ['-r', ...urls(prefixes)] },
        { what: 's3rm -r -j 16 with a dozen prefixes', filter: 's3rm', setup: putUnderPrefixes, args: () => ['-r', '-j', '16', ...urls(prefixes)] },
        { what: 's3put --multipart-threshold 1 over a dozen files', filter: 's3put', args: () => ['-q', '--multipart-threshold', '1', `s3://${bucket}/mp/`, ...files.slice(0, 12)] },
        { what: 's3source -j 11', filter: 's3source', args: () => ['-j', '11', '-s', '1K', `s3://${bucket}/ranged`] },
        { what: 's3ls with 11 prefixes', filter: 's3ls', setup: putUnderPrefixes, args: () => urls(prefixes.slice(0, 11)) },
        { what: 's3rm --all -n', filter: 's3rm', args: () => ['--all', '-n'] },
    ];
    for (const c of cases) {
        (0, node_test_1.it)(`${c.what}: exit 0, stderr empty`, async () => {
            await c.setup?.();
            const r = await (0, run_1.runFilter)(c.filter, c.args(), { env });
            strict_1.default.equal(r.stderr, '');
            strict_1.default.equal(r.code, 0);
        });
    }
    (0, node_test_1.it)('s3put -j 16 with 16 PUTs in flight at once: exit 0, stderr empty', async () => {
        // The proxy keeps the first 16 PUTs back until all 16 are in flight together.
        const proxy = await fault_proxy_1.FaultProxy.start(s3.endpoint);
        try {
            proxy.add({ fault: 'delay', method: 'PUT', times: 16 });
            const run = (0, run_1.runFilter)('s3put', ['-q', '-j', '16', `s3://${bucket}/put/`, ...files], { env: (0, s3_1.s3Env)(s3, proxy.endpoint) });
            await (0, mount_1.waitFor)(() => proxy.injected.delay === 16, 30_000, '16 PUTs in flight');
            proxy.releaseDelayed();
            const r = await run;
            strict_1.default.equal(r.stderr, '');
            strict_1.default.equal(r.code, 0);
        }
        finally {
            await proxy.close();
        }
    });
    (0, node_test_1.it)('s3source -j 11 wrote every byte of the ranged object, in order', async () => {
        const r = await (0, run_1.runFilter)('s3source', ['-j', '11', '-s', '1K', `s3://${bucket}/ranged`], { env });
        strict_1.default.equal(r.code, 0, r.stderr);
        strict_1.default.ok(r.stdout.equals((0, data_1.seededBytes)(20 * 1024)));
    });
    (0, node_test_1.it)('50 ChunkSetSinks in turn on one signal: each listens while it runs, none after', async () => {
        const signal = new AbortController().signal;
        for (let i = 0; i < 50; i++) {
            const sink = new sink_1.ChunkSetSink({ client, bucket, name: `loop/${i % 5}`, signal });
            strict_1.default.equal((0, node_events_1.getEventListeners)(signal, 'abort').length, 1, 'a live sink listens');
            await (0, promises_1.pipeline)(node_stream_1.Readable.from([Buffer.from(`run ${i}`)]), sink);
            strict_1.default.equal((0, node_events_1.getEventListeners)(signal, 'abort').length, 0, `after sink ${i}`);
        }
    });
    (0, node_test_1.it)('a failed or destroyed stream removes its listener too', async () => {
        const signal = new AbortController().signal;
        const sink = new sink_1.ChunkSetSink({ client, bucket: 'no-such-bucket-listeners', name: 'x', signal });
        await strict_1.default.rejects((0, promises_1.pipeline)(node_stream_1.Readable.from([Buffer.from('x')]), sink), /NoSuchBucket/);
        const source = new source_1.ChunkSetSource({ client, bucket, name: 'ranged', signal });
        source.destroy();
        await new Promise((resolve) => source.once('close', resolve));
        strict_1.default.equal((0, node_events_1.getEventListeners)(signal, 'abort').length, 0);
    });
    (0, node_test_1.it)('every library stream and fan-out leaves the caller signal as it found it', async () => {
        const signal = new AbortController().signal;
        const drain = () => new node_stream_1.Writable({ objectMode: true, write: (_c, _e, cb) => cb() });
        const ops = [
            ['ChunkSetSource', () => (0, promises_1.pipeline)(new source_1.ChunkSetSource({ client, bucket, name: 'ranged', chunkSize: 1024, jobs: 16, signal }), drain())],
            ['listObjects', () => (0, promises_1.pipeline)((0, lister_1.listObjects)({ client, bucket, signal }), drain())],
            ['DeleteObjects', () => (0, promises_1.pipeline)(node_stream_1.Readable.from(['none-1', 'none-2']), new delete_objects_1.DeleteObjects({ client, bucket, jobs: 16, signal }))],
            ['listChunkSets', async () => {
                    for await (const set of (0, sets_1.listChunkSets)({ client, bucket, prefix: 'loop/', jobs: 16, signal }))
                        strict_1.default.equal(set.error, undefined);
                }],
            ['uploadFiles', () => (0, uploader_1.uploadFiles)(files, { client, bucket, prefix: 'lib/', jobs: 16, signal })],
            ['removeTree', () => (0, remove_1.removeTree)({ client, bucket, path: 'lib', jobs: 16, signal })],
        ];
        for (const [name, op] of ops) {
            for (let i = 0; i < 12; i++)
                await op();
            strict_1.default.equal((0, node_events_1.getEventListeners)(signal, 'abort').length, 0, name);
        }
    });
});
