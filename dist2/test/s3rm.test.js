"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const promises_1 = require("node:stream/promises");
const node_stream_1 = require("node:stream");
const client_s3_1 = require("@aws-sdk/client-s3");
const run_1 = require("./helpers/run");
const s3_1 = require("./helpers/s3");
const fault_proxy_1 = require("./helpers/fault-proxy");
const s3servers_1 = require("./helpers/s3servers");
const docs_1 = require("./helpers/docs");
const lister_1 = require("../lib/s3/lister");
const delete_objects_1 = require("../lib/s3/delete-objects");
const options_1 = require("../lib/s3/options");
const sink_1 = require("../lib/s3/sink");
/** The servers this file runs against (s3rver, later Ceph RGW): every assertion below holds on each. */
const SERVERS = s3servers_1.S3_SERVERS;
async function putKeys(client, bucket, keys) {
    let next = 0;
    const worker = async () => {
        while (next < keys.length) {
            const key = keys[next++];
            await client.send(new client_s3_1.PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
        }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
}
async function keysUnder(client, bucket, prefix = '') {
    const keys = [];
    for await (const page of (0, lister_1.listPages)({ client, bucket, prefix }))
        for (const e of page)
            if ('key' in e)
                keys.push(e.key);
    return keys.sort();
}
const lines = (r, sep = '\n') => r.stdout.toString('utf8').split(sep).filter((l) => l !== '');
// Every kind of key xargs and shells get wrong. s3rver pages these correctly only within
// one page (it walks its store in file-name order), so there are fewer than 1000.
const AWKWARD = [
    'tmp/plain',
    'tmp/with space',
    'tmp/two  spaces', // no trailing blank: s3rver trims keys in DeleteObjects (see report)
    'tmp/ leading',
    'tmp/a+b',
    'tmp/1+1=2',
    'tmp/ünïcødé ✓',
    'tmp/日本語',
    "tmp/it's",
    'tmp/say "hi"',
    'tmp/back\\slash',
    'tmp/50%25',
    'tmp/amp&lt;',
    'tmp/tab\there',
    'tmp/sub/deeper key',
    'tmp/sub/x+y',
];
const NEWLINE_KEY = 'tmp/new\nline';
// Near-misses of every prefix the tests remove: they must survive.
const BYSTANDERS = ['tmp', 'tmpx', 'tmp2/with space', 'other/tmp/a+b', 'TMP/plain'];
for (const server of SERVERS) {
    (0, node_test_1.describe)(`s3rm on ${server.kind}`, () => {
        let s;
        let client;
        let env;
        (0, node_test_1.before)(async () => {
            s = await server.start();
            client = (0, s3_1.testClient)(s);
            env = (0, s3_1.s3Env)(s, s.endpoint, { PATH: `${docs_1.BIN}:${process.env.PATH ?? ''}` });
        });
        (0, node_test_1.after)(async () => {
            await s.stop();
        });
        const sh = (script, e = env) => (0, run_1.runCommand)('bash', ['-c', `set -o pipefail; ${script}`], { env: e, timeout: 120_000 });
        const rm = (args, input, e = env) => (0, run_1.runFilter)('s3rm', args, { env: e, input, timeout: 60_000 });
        (0, node_test_1.it)('s3ls -r s3://b/old/ | xargs -n 1000 s3rm: 1,234 keys gone, nothing else touched', async () => {
            const bucket = await (0, s3_1.freshBucket)(client, 'rm');
            const old = Array.from({ length: 1234 }, (_, i) => `old/k-${String(i).padStart(5, '0')}`);
            await putKeys(client, bucket, [...old, 'old', 'older/k', 'x/old/k']);
            const r = await sh(`s3ls -r s3://${bucket}/old/ | xargs -n 1000 s3rm`);
            strict_1.default.equal(r.code, 0, r.stderr);
            strict_1.default.equal(r.stderr, '');
            strict_1.default.deepEqual(await keysUnder(client, bucket), ['old', 'older/k', 'x/old/k']);
        });
        (0, node_test_1.it)('s3ls -r -0 | xargs -0 s3rm: spaces, newlines, quotes, unicode and + all go, bystanders stay', async () => {
            const bucket = await (0, s3_1.freshBucket)(client, 'rm');
            await putKeys(client, bucket, [...AWKWARD, NEWLINE_KEY, ...BYSTANDERS]);
            const r = await sh(`s3ls -r -0 s3://${bucket}/tmp/ | xargs -0 s3rm`);
            strict_1.default.equal(r.code, 0, r.stderr);
            strict_1.default.deepEqual(await keysUnder(client, bucket), [...BYSTANDERS].sort());
        });
        (0, node_test_1.it)('s3ls -0 s3://b/tmp/ | xargs -0 s3rm (the man page example): the keys directly under tmp/ go', async () => {
            const bucket = await (0, s3_1.freshBucket)(client, 'rm');
            await putKeys(client, bucket, [...AWKWARD, NEWLINE_KEY, ...BYSTANDERS]);
            const r = await sh(`s3ls -0 s3://${bucket}/tmp/ | xargs -0 s3rm`);
            strict_1.default.equal(r.code, 0, r.stderr);
            strict_1.default.deepEqual(await keysUnder(client, bucket), [...BYSTANDERS, 'tmp/sub/deeper key', 'tmp/sub/x+y'].sort());
        });
        (0, node_test_1.it)("xargs -d '\\n' handles every key without a newline; plain xargs refuses a key with blanks rather than remove a wrong one", async () => {
            const bucket = await (0, s3_1.freshBucket)(client, 'rm');
            await putKeys(client, bucket, [...AWKWARD, ...BYSTANDERS]);
            const plain = await sh(`s3ls -r s3://${bucket}/tmp/ | xargs s3rm`);
            strict_1.default.notEqual(plain.code, 0, 'plain xargs must not succeed on these keys');
            strict_1.default.deepEqual(await keysUnder(client, bucket), [...AWKWARD, ...BYSTANDERS].sort(), 'nothing was removed');
            const r = await sh(`s3ls -r s3://${bucket}/tmp/ | xargs -d '\\n' s3rm`);
            strict_1.default.equal(r.code, 0, r.stderr);
            strict_1.default.deepEqual(await keysUnder(client, bucket), [...BYSTANDERS].sort());
        });
        (0, node_test_1.it)('keys on stdin (s3ls -r | s3rm): 1,100 keys in 2 DeleteObjects requests', async () => {
            const bucket = await (0, s3_1.freshBucket)(client, 'rm');
            const keys = Array.from({ length: 1100 }, (_, i) => `in/k-${String(i).padStart(5, '0')}`);
            await putKeys(client, bucket, [...keys, 'in']);
            const proxy = await fault_proxy_1.FaultProxy.start(s.endpoint, 3);
            // Count successful DeleteObjects (an identity rewrite sees every response): s3rver
            // answers InternalError to concurrent DeleteObjects, and those are retried.
            let answered = 0;
            proxy.add({ fault: 'rewrite', method: 'POST', url: /\?delete/, times: 1e9, rewrite: (b) => (b.includes('<DeleteResult') && answered++, b) });
            try {
                const penv = (0, s3_1.s3Env)(s, proxy.endpoint, { PATH: env.PATH });
                const r = await sh(`s3ls -r s3://${bucket}/in/ | s3rm`, penv);
                strict_1.default.equal(r.code, 0, r.stderr);
                strict_1.default.equal(answered, 2, `one DeleteObjects per 1000 keys; ${r.stderr}`);
            }
            finally {
                await proxy.close();
            }
            strict_1.default.deepEqual(await keysUnder(client, bucket), ['in']);
        });
        (0, node_test_1.it)('-b BUCKET with bare keys, as s3store did; a bare key without -b is a usage error', async () => {
            const bucket = await (0, s3_1.freshBucket)(client, 'rm');
            await putKeys(client, bucket, ['a', 'b c', 'd']);
            const r = await rm(['-b', bucket, 'a', 'b c']);
            strict_1.default.equal(r.code, 0, r.stderr);
            strict_1.default.deepEqual(await keysUnder(client, bucket), ['d']);
            const bad = await rm(['d']);
            strict_1.default.equal(bad.code, 2);
            strict_1.default.match((0, run_1.stderrLines)(bad)[0], /^s3rm: not an s3:\/\/ address: "d" \(give s3:\/\/BUCKET\/KEY, or -b BUCKET for bare keys\)(; see s3rm --help)?$/);
            strict_1.default.deepEqual(await keysUnder(client, bucket), ['d']);
        });
        (0, node_test_1.it)('a missing key is not an error (rm -f): exit 0, silent; -v still names it', async () => {
            const bucket = await (0, s3_1.freshBucket)(client, 'rm');
            const r = await rm([`s3://${bucket}/no/such/key`]);
            strict_1.default.equal(r.code, 0, r.stderr);
            strict_1.default.equal(r.stderr, '');
            strict_1.default.equal(r.stdout.length, 0);
            const v = await rm(['-v', `s3://${bucket}/no/such/key`]);
            strict_1.default.deepEqual(lines(v), [`s3://${bucket}/no/such/key`]);
        });
        (0, node_test_1.it)('a missing bucket: one line, exit 1', async () => {
            const r = await rm([`s3://no-such-bucket-${Date.now()}/k`]);
            strict_1.default.equal(r.code, 1);
            strict_1.default.match(r.stderr, /^s3rm: cannot delete s3:\/\/no-such-bucket-\d+\/k: NoSuchBucket \(404\)\n$/);
            const t = await rm(['-r', `s3://no-such-bucket-${Date.now()}/p/`]);
            strict_1.default.equal(t.code, 1);
            strict_1.default.match(t.stderr, /^s3rm: cannot list s3:\/\/no-such-bucket-\d+\/p\/: NoSuchBucket \(404\)\n$/);
        });
        (0, node_test_1.it)('--bucket: a non-empty bucket without -r is one line, exit 1, untouched; with -r it goes', async () => {
            const bucket = await (0, s3_1.freshBucket)(client, 'rm');
            await putKeys(client, bucket, ['k1', 'd/k2']);
            const r = await rm(['--bucket', `s3://${bucket}`]);
            strict_1.default.equal(r.code, 1);
            strict_1.default.deepEqual((0, run_1.stderrLines)(r), [`s3rm: cannot remove bucket s3://${bucket}/: BucketNotEmpty (409)`]);
            strict_1.default.deepEqual(await keysUnder(client, bucket), ['d/k2', 'k1']);
            const n = await rm(['--bucket', '-r', '-n', `s3://${bucket}/`]);
            strict_1.default.deepEqual(lines(n), [`s3://${bucket}/d/k2`, `s3://${bucket}/k1`, `s3://${bucket}/`].map((u) => `would remove ${u}`));
            strict_1.default.deepEqual(await keysUnder(client, bucket), ['d/k2', 'k1'], 'dry run removed nothing');
            const ok = await rm(['--bucket', '-r', `s3://${bucket}/`]);
            strict_1.default.equal(ok.code, 0, ok.stderr);
            strict_1.default.ok(!(await (0, lister_1.listBuckets)(client)).some((b) => b.name === bucket));
            const empty = await (0, s3_1.freshBucket)(client, 'rm');
            strict_1.default.equal((await rm(['--bucket', `s3://${empty}`])).code, 0);
            strict_1.default.ok(!(await (0, lister_1.listBuckets)(client)).some((b) => b.name === empty));
        });
        (0, node_test_1.it)('-n prints what would go (keys, -r trees) as "would remove URL" and removes nothing', async () => {
            const bucket = await (0, s3_1.freshBucket)(client, 'rm');
            await putKeys(client, bucket, ['p/a', 'p/b c', 'p/sub/d', 'p', 'px']);
            const k = await rm(['-n', `s3://${bucket}/p/a`, `s3://${bucket}/p/b c`]);
            strict_1.default.equal(k.code, 0);
            strict_1.default.deepEqual(lines(k), [`s3://${bucket}/p/a`, `s3://${bucket}/p/b c`].map((u) => `would remove ${u}`));
            const t = await rm(['-n', '-r', '-0', `s3://${bucket}/p`]);
            strict_1.default.deepEqual(lines(t, '\0'), ['p', 'p/a', 'p/b c', 'p/sub/d'].map((x) => `would remove s3://${bucket}/${x}`));
            strict_1.default.deepEqual(await keysUnder(client, bucket), ['p', 'p/a', 'p/b c', 'p/sub/d', 'px']);
        });
        (0, node_test_1.it)('-r s3://BUCKET (the whole bucket) needs --yes: exit 2, one line, nothing removed', async () => {
            const bucket = await (0, s3_1.freshBucket)(client, 'rm');
            await putKeys(client, bucket, ['a', 'd/b']);
            for (const url of [`s3://${bucket}`, `s3://${bucket}/`]) {
                const r = await rm(['-r', url]);
                strict_1.default.equal(r.code, 2);
                strict_1.default.deepEqual((0, run_1.stderrLines)(r), [`s3rm: -r s3://${bucket}/ removes everything in the bucket; add --yes to confirm; see s3rm --help`]);
            }
            strict_1.default.deepEqual(await keysUnder(client, bucket), ['a', 'd/b']);
            const ok = await rm(['-r', '--yes', `s3://${bucket}/`]);
            strict_1.default.equal(ok.code, 0, ok.stderr);
            strict_1.default.deepEqual(await keysUnder(client, bucket), []);
        });
        (0, node_test_1.it)('-r NAME removes a chunk set whole (every generation, MANIFEST first), and nothing beside it', async () => {
            const bucket = await (0, s3_1.freshBucket)(client, 'rm');
            const store = (data) => (0, promises_1.pipeline)(node_stream_1.Readable.from([data]), new sink_1.ChunkSetSink({ client, bucket, name: 'sets/www', chunkSize: 100, retention: { last: 2 } }));
            await store(Buffer.alloc(250, 1));
            await store(Buffer.alloc(350, 2));
            await putKeys(client, bucket, ['sets/www2/x', 'sets/wwwx', 'sets/ww']);
            const before = await keysUnder(client, bucket, 'sets/www/');
            strict_1.default.equal(before.length, 3 + 4 + 2 * 1 + 1, 'two generations of chunks, their manifests and the MANIFEST');
            const r = await rm(['-r', '-v', `s3://${bucket}/sets/www`]);
            strict_1.default.equal(r.code, 0, r.stderr);
            const out = lines(r);
            strict_1.default.equal(out[0], `s3://${bucket}/sets/www/MANIFEST`, 'the commit point goes first');
            strict_1.default.deepEqual([...out].sort(), before.map((k) => `s3://${bucket}/${k}`).sort());
            strict_1.default.deepEqual(await keysUnder(client, bucket), ['sets/ww', 'sets/www2/x', 'sets/wwwx']);
        });
        (0, node_test_1.it)('--all without --yes refuses (exit 2) and removes nothing', async () => {
            const bucket = await (0, s3_1.freshBucket)(client, 'rm');
            await putKeys(client, bucket, ['k']);
            const r = await rm(['--all']);
            strict_1.default.equal(r.code, 2);
            strict_1.default.match((0, run_1.stderrLines)(r)[0], /^s3rm: --all removes every bucket and everything in it; add --yes to confirm(; see s3rm --help)?$/);
            strict_1.default.deepEqual(await keysUnder(client, bucket), ['k']);
        });
        (0, node_test_1.it)('usage: no key in a URL, a key given to --bucket, unknown option: exit 2; empty stdin: exit 0', async () => {
            for (const args of [['s3://bucket/'], ['--bucket', 's3://bucket/key'], ['--bogus', 's3://b/k'], ['-j', '0', 's3://b/k']]) {
                const r = await rm(args);
                strict_1.default.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
                strict_1.default.match((0, run_1.stderrLines)(r)[0], /^s3rm: /);
            }
            const e = await rm([], '');
            strict_1.default.equal(e.code, 0, e.stderr);
            strict_1.default.equal(e.stderr, '');
        });
        (0, node_test_1.describe)('through a fault-injecting proxy', () => {
            let proxy;
            let penv;
            (0, node_test_1.before)(async () => {
                proxy = await fault_proxy_1.FaultProxy.start(s.endpoint, 11);
                penv = (0, s3_1.s3Env)(s, proxy.endpoint);
            });
            (0, node_test_1.after)(() => proxy.close());
            const DELETE = /\?delete/;
            (0, node_test_1.it)('a key the server refuses: one line naming it, exit 1, the rest of the batch and the next batches still go', async () => {
                const bucket = await (0, s3_1.freshBucket)(client, 'rm');
                const keys = Array.from({ length: 1010 }, (_, i) => `f/k-${String(i).padStart(4, '0')}`);
                await putKeys(client, bucket, keys);
                const refused = `<Error><Key>f/k-0007</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`;
                proxy.clear().add({ fault: 'rewrite', method: 'POST', url: DELETE, nth: 1, rewrite: (b) => b.replace(/<\/DeleteResult>|<DeleteResult([^>]*)\/>/, (_m, attrs) => `${attrs === undefined ? '' : `<DeleteResult${attrs}>`}${refused}</DeleteResult>`) });
                const r = await rm(['-v', '-j', '1'], keys.map((k) => `s3://${bucket}/${k}`).join('\n'), penv);
                strict_1.default.equal(r.code, 1);
                strict_1.default.deepEqual((0, run_1.stderrLines)(r), [`s3rm: cannot delete s3://${bucket}/f/k-0007: AccessDenied (Access Denied)`]);
                strict_1.default.equal(lines(r).length, 1009, 'every other key is reported removed');
                strict_1.default.ok(!lines(r).includes(`s3://${bucket}/f/k-0007`));
                strict_1.default.equal(proxy.requests.POST >= 2, true);
                strict_1.default.deepEqual(await keysUnder(client, bucket), [], 'the server did delete them (the refusal was injected)');
            });
            (0, node_test_1.it)('transient faults on DeleteObjects are retried', async () => {
                const bucket = await (0, s3_1.freshBucket)(client, 'rm');
                await putKeys(client, bucket, ['a', 'b', 'c']);
                proxy.clear().add({ fault: 'error500', method: 'POST', url: DELETE, nth: 1 }).add({ fault: 'reset', method: 'POST', url: DELETE, nth: 1 });
                const r = await rm([`s3://${bucket}/a`, `s3://${bucket}/b`], undefined, penv);
                strict_1.default.equal(r.code, 0, r.stderr);
                strict_1.default.deepEqual(await keysUnder(client, bucket), ['c']);
                strict_1.default.equal(proxy.injected.error500 + proxy.injected.reset >= 2, true);
                proxy.clear();
            });
        });
        (0, node_test_1.it)('library: pipeline(listObjects, deleteObjects) batches 1000 keys a request and honours backpressure', async () => {
            const bucket = await (0, s3_1.freshBucket)(client, 'rm');
            const keys = Array.from({ length: 1100 }, (_, i) => `lib/k-${String(i).padStart(5, '0')}`);
            await putKeys(client, bucket, keys);
            const sink = (0, delete_objects_1.deleteObjects)({ client, bucket, jobs: 1 });
            let maxBuffered = 0;
            const source = (0, lister_1.listObjects)({ client, bucket, prefix: 'lib/', pageSize: 333 });
            source.on('data', () => (maxBuffered = Math.max(maxBuffered, sink.writableLength)));
            await (0, promises_1.pipeline)(source, sink);
            strict_1.default.equal(sink.requests, 2);
            strict_1.default.equal(sink.deleted, 1100);
            strict_1.default.equal(sink.failed, 0);
            strict_1.default.ok(maxBuffered <= 1000 + 333, `writable buffered ${maxBuffered} keys`);
            strict_1.default.deepEqual(await keysUnder(client, bucket, 'lib/'), []);
            strict_1.default.throws(() => (0, options_1.resolveTargets)(['s3://b/k', 'oops'], 'keys'), /not an s3:\/\/ address: "oops"/);
            strict_1.default.deepEqual((0, options_1.resolveTargets)(['k', 's3://c/d'], 'keys', 'b'), [{ bucket: 'b', key: 'k' }, { bucket: 'c', key: 'd' }]);
        });
        // Last: it removes every bucket on this server.
        (0, node_test_1.it)('--all -n lists everything; --all --yes empties and removes every bucket (clear_environment)', async () => {
            const b1 = await (0, s3_1.freshBucket)(client, 'all');
            const b2 = await (0, s3_1.freshBucket)(client, 'all');
            await putKeys(client, b1, ['x', 'y/z']);
            await putKeys(client, b2, ['w w']);
            const n = await rm(['--all', '-n']);
            strict_1.default.equal(n.code, 0, n.stderr);
            for (const url of [`s3://${b1}/x`, `s3://${b1}/y/z`, `s3://${b1}/`, `s3://${b2}/w w`, `s3://${b2}/`])
                strict_1.default.ok(lines(n).includes(`would remove ${url}`), url);
            strict_1.default.deepEqual(await keysUnder(client, b1), ['x', 'y/z']);
            const r = await rm(['--all', '--yes']);
            strict_1.default.equal(r.code, 0, r.stderr);
            strict_1.default.deepEqual(await (0, lister_1.listBuckets)(client), []);
        });
        // The man page's examples, on the same server (fresh buckets of their own).
        (0, node_test_1.it)('every example runs, with s3://b/, s3://backup/ and s3://scratch standing for test buckets', async () => {
            const bucket = await (0, s3_1.freshBucket)(client, 'ex');
            const scratch = await (0, s3_1.freshBucket)(client, 'scratch');
            await putKeys(client, bucket, ['old/a', 'old/b/c', 'tmp/x y', 'tmp/new\nline', 'tmp/keep/z', 'www2']);
            await putKeys(client, scratch, ['s1', 's/2']);
            await (0, promises_1.pipeline)(node_stream_1.Readable.from([Buffer.alloc(300, 7)]), new sink_1.ChunkSetSink({ client, bucket, name: 'www', chunkSize: 100 }));
            const examples = (0, docs_1.manExamples)((0, docs_1.manPage)('s3rm')).flatMap((block) => block.split('\n'));
            strict_1.default.equal(examples.length, 6);
            for (const line of examples) {
                const cmd = line.replace(/s3:\/\/(b|backup)\//g, `s3://${bucket}/`).replace(/s3:\/\/scratch\b/g, `s3://${scratch}`);
                if (line.includes('old/'))
                    await putKeys(client, bucket, ['old/a', 'old/b/c']);
                const r = await (0, run_1.runCommand)('bash', ['-c', cmd], { env, timeout: 60_000 });
                strict_1.default.equal(r.code, 0, `${cmd}: ${r.stderr}`);
                strict_1.default.equal(r.stderr, '', cmd);
            }
            strict_1.default.deepEqual(await keysUnder(client, bucket), ['tmp/keep/z', 'www2']);
            strict_1.default.ok(!(await (0, lister_1.listBuckets)(client)).some((b) => b.name === scratch));
        });
    });
}
