"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const node_child_process_1 = require("node:child_process");
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const promises_1 = require("node:timers/promises");
const client_s3_1 = require("@aws-sdk/client-s3");
const run_1 = require("./helpers/run");
const s3_1 = require("./helpers/s3");
const s3servers_1 = require("./helpers/s3servers");
const fault_proxy_1 = require("./helpers/fault-proxy");
const data_1 = require("./helpers/data");
const lister_1 = require("../lib/s3/lister");
const layout_1 = require("../lib/s3/layout");
const MiB = 2 ** 20;
const CHUNK = 5 * MiB;
const SMALL = ['--chunk-size', '5M'];
async function keysUnder(client, bucket, prefix) {
    const keys = [];
    for await (const page of (0, lister_1.listPages)({ client, bucket, prefix }))
        for (const e of page)
            if ('key' in e)
                keys.push(e.key);
    return keys;
}
/** Poll `cond` until true; fail after `ms`. For conditions outside our control (a child's progress). */
async function waitFor(cond, ms = 20_000, what = 'condition') {
    const end = Date.now() + ms;
    while (!(await cond())) {
        if (Date.now() > end)
            throw new Error(`timed out waiting for ${what}`);
        await (0, promises_1.setTimeout)(20);
    }
}
for (const server of s3servers_1.S3_SERVERS) {
    (0, node_test_1.describe)(`s3sink and s3source on ${server.kind}`, () => {
        let s;
        let client;
        let bucket;
        let env;
        let n = 0;
        const fresh = () => `set${++n}`;
        (0, node_test_1.before)(async () => {
            s = await server.start();
            client = (0, s3_1.testClient)(s);
            bucket = await (0, s3_1.freshBucket)(client, 'sink');
            env = (0, s3_1.s3Env)(s);
        });
        (0, node_test_1.after)(() => s.stop());
        async function sink(name, input, args = SMALL, e = env) {
            return (0, run_1.runFilter)('s3sink', [...args, `s3://${bucket}/${name}`], { input, env: e });
        }
        async function source(name, args = [], e = env) {
            return (0, run_1.runFilter)('s3source', [...args, `s3://${bucket}/${name}`], { env: e });
        }
        (0, node_test_1.it)('round-trips byte-identical: empty (--allow-empty), 1 byte, chunk size -1, =, +1, many chunks', async () => {
            for (const size of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 4 * CHUNK + 17]) {
                const name = fresh();
                const data = (0, data_1.seededBytes)(size, size);
                const w = await sink(name, data, [...SMALL, '--allow-empty']);
                strict_1.default.equal(w.code, 0, w.stderr);
                const r = await source(name);
                strict_1.default.equal(r.code, 0, r.stderr);
                strict_1.default.equal(r.stderr, '');
                strict_1.default.ok(r.stdout.equals(data), `size ${size}: output differs`);
                const manifest = (0, layout_1.parseManifest)((await (0, s3_1.getObjectBytes)(client, bucket, `${name}/MANIFEST`)).toString());
                strict_1.default.equal(manifest.chunks.length, Math.ceil(size / CHUNK), `size ${size}: chunk count`);
                strict_1.default.equal(manifest.size, size);
            }
        });
        (0, node_test_1.it)('round-trips stdin fed in odd write sizes', async () => {
            const name = fresh();
            const data = (0, data_1.seededBytes)(2 * CHUNK + 4099, 7);
            strict_1.default.equal((await sink(name, (0, data_1.oddPieces)(data))).code, 0);
            const r = await source(name, ['-j', '1']);
            strict_1.default.ok(r.stdout.equals(data));
        });
        (0, node_test_1.it)('round-trips a real tar czf of a directory tree', async () => {
            const dir = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'pipekit-tree-'));
            try {
                const src = (0, node_path_1.join)(dir, 'src');
                for (let i = 0; i < 30; i++) {
                    (0, node_fs_1.mkdirSync)((0, node_path_1.join)(src, `d${i % 5}`, `e${i % 3}`), { recursive: true });
                    (0, node_fs_1.writeFileSync)((0, node_path_1.join)(src, `d${i % 5}`, `e${i % 3}`, `f${i} with space.bin`), (0, data_1.seededBytes)(i * 37_000, i));
                }
                (0, node_fs_1.mkdirSync)((0, node_path_1.join)(dir, 'out'));
                const up = await (0, run_1.runCommand)('bash', ['-o', 'pipefail', '-c', `tar czf - -C "${src}" . | "${process.execPath}" "${(0, run_1.filterPath)('s3sink')}" s3://${bucket}/tree`], { env });
                strict_1.default.equal(up.code, 0, up.stderr);
                const down = await (0, run_1.runCommand)('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" "${(0, run_1.filterPath)('s3source')}" s3://${bucket}/tree | tar xzf - -C "${dir}/out"`], { env });
                strict_1.default.equal(down.code, 0, down.stderr);
                const diff = await (0, run_1.runCommand)('diff', ['-r', src, (0, node_path_1.join)(dir, 'out')]);
                strict_1.default.equal(diff.code, 0, diff.stdout.toString());
            }
            finally {
                (0, node_fs_1.rmSync)(dir, { recursive: true, force: true });
            }
        });
        (0, node_test_1.it)('--object stores one plain object by multipart upload, read back in ranges', async () => {
            const data = (0, data_1.seededBytes)(2 * CHUNK + 333, 11);
            const w = await sink('plain.bin', data, [...SMALL, '--object']);
            strict_1.default.equal(w.code, 0, w.stderr);
            strict_1.default.ok((await (0, s3_1.getObjectBytes)(client, bucket, 'plain.bin')).equals(data), 'stored object differs');
            const r = await source('plain.bin', ['--chunk-size', '1M', '-j', '3']);
            strict_1.default.equal(r.code, 0, r.stderr);
            strict_1.default.ok(r.stdout.equals(data));
            const empty = await sink('empty.bin', Buffer.alloc(0), ['--object', '--allow-empty']);
            strict_1.default.equal(empty.code, 0, empty.stderr);
            strict_1.default.equal((await source('empty.bin')).stdout.length, 0);
        });
        (0, node_test_1.it)('reads the legacy s3store layout TAG-0000000000 with an exact tag match', async () => {
            const parts = [(0, data_1.seededBytes)(1000, 1), (0, data_1.seededBytes)(2000, 2), (0, data_1.seededBytes)(10, 3)];
            for (const [i, p] of parts.entries()) {
                await client.send(new client_s3_1.PutObjectCommand({ Bucket: bucket, Key: `bob-${String(i).padStart(10, '0')}`, Body: p }));
            }
            await client.send(new client_s3_1.PutObjectCommand({ Bucket: bucket, Key: 'bob-2-0000000000', Body: 'not bob' }));
            await client.send(new client_s3_1.PutObjectCommand({ Bucket: bucket, Key: 'bob-00000000001', Body: 'eleven digits' }));
            const r = await (0, run_1.runFilter)('s3source', ['-b', bucket, '-t', 'bob'], { env });
            strict_1.default.equal(r.code, 0, r.stderr);
            strict_1.default.ok(r.stdout.equals(Buffer.concat(parts)));
        });
        (0, node_test_1.it)('takes credentials and bucket from the s3store INI --config, warning when it is world-readable', async () => {
            const dir = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'pipekit-cfg-'));
            try {
                const cfg = (0, node_path_1.join)(dir, 's3store.ini');
                (0, node_fs_1.writeFileSync)(cfg, `[Credentials]\naws_access_key_id: ${s.accessKeyId}\naws_secret_access_key: ${s.secretAccessKey}\n[Bucket]\nid: ${bucket}\n`);
                (0, node_fs_1.chmodSync)(cfg, 0o600);
                const noKeys = { ...env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' };
                const w = await (0, run_1.runFilter)('s3sink', ['--config', cfg, '-t', 'cfgtag'], { input: 'hello', env: noKeys });
                strict_1.default.equal(w.code, 0, w.stderr);
                strict_1.default.doesNotMatch(w.stderr, /readable by everyone/);
                (0, node_fs_1.chmodSync)(cfg, 0o644);
                const r = await (0, run_1.runFilter)('s3source', ['--config', cfg, '-t', 'cfgtag'], { env: noKeys });
                strict_1.default.equal(r.stdout.toString(), 'hello');
                strict_1.default.match(r.stderr, /^s3source: warning: .* is readable by everyone and holds a secret key; chmod 600 it\n$/);
            }
            finally {
                (0, node_fs_1.rmSync)(dir, { recursive: true, force: true });
            }
        });
        (0, node_test_1.it)('keeps N generations with --keep and removes older ones', async () => {
            const name = fresh();
            for (let i = 0; i < 3; i++) {
                const w = await sink(name, (0, data_1.seededBytes)(100, i), ['--keep', '2', '-q']);
                strict_1.default.equal(w.code, 0, w.stderr);
                strict_1.default.equal(w.stderr, '', 'no cleanup warning');
            }
            const gens = new Set((await keysUnder(client, bucket, `${name}/`)).map((k) => k.split('/')[1]).filter((g) => g !== 'MANIFEST'));
            strict_1.default.equal(gens.size, 2);
            strict_1.default.ok((await source(name)).stdout.equals((0, data_1.seededBytes)(100, 2)));
            strict_1.default.equal((await sink(name, (0, data_1.seededBytes)(100, 3))).code, 0);
            const after = new Set((await keysUnder(client, bucket, `${name}/`)).map((k) => k.split('/')[1]).filter((g) => g !== 'MANIFEST'));
            strict_1.default.equal(after.size, 1);
        });
        (0, node_test_1.it)('fails with exit 1 naming a corrupt or missing chunk, and flags partial output', async () => {
            const name = fresh();
            const data = (0, data_1.seededBytes)(3 * CHUNK, 5);
            strict_1.default.equal((await sink(name, data)).code, 0);
            const manifest = (0, layout_1.parseManifest)((await (0, s3_1.getObjectBytes)(client, bucket, `${name}/MANIFEST`)).toString());
            const victim = manifest.chunks[1].key;
            const bad = Buffer.from(data.subarray(CHUNK, 2 * CHUNK));
            bad[12345] ^= 0xff;
            await client.send(new client_s3_1.PutObjectCommand({ Bucket: bucket, Key: victim, Body: bad }));
            const r = await source(name, ['-j', '1']);
            strict_1.default.equal(r.code, 1);
            const lines = (0, run_1.stderrLines)(r);
            strict_1.default.match(lines[0], new RegExp(`^s3source: output is incomplete: only the first ${CHUNK} bytes were written$`));
            strict_1.default.match(lines[1], new RegExp(`^s3source: chunk s3://${bucket}/${victim} is corrupt`));
            strict_1.default.equal(lines.length, 2);
            strict_1.default.ok(r.stdout.equals(data.subarray(0, CHUNK)), 'only verified chunks reach stdout');
            await client.send(new client_s3_1.DeleteObjectCommand({ Bucket: bucket, Key: victim }));
            const m = await source(name);
            strict_1.default.equal(m.code, 1);
            strict_1.default.match(m.stderr, new RegExp(`s3source: cannot read s3://${bucket}/${victim} \\(chunk missing\\): NoSuchKey \\(404\\)\\n$`));
        });
        (0, node_test_1.it)('rejects a truncated MANIFEST and one from a newer format, in one line', async () => {
            const name = fresh();
            await client.send(new client_s3_1.PutObjectCommand({ Bucket: bucket, Key: `${name}/MANIFEST`, Body: '{"format":1,"chunks":[' }));
            const t = await source(name);
            strict_1.default.equal(t.code, 1);
            strict_1.default.match(t.stderr, /^s3source: s3:\/\/.*\/MANIFEST: MANIFEST is not valid JSON \(truncated or corrupt\)\n$/);
            await client.send(new client_s3_1.PutObjectCommand({ Bucket: bucket, Key: `${name}/MANIFEST`, Body: JSON.stringify({ format: 99, chunks: [], size: 0, generation: 'x' }) }));
            const f = await source(name);
            strict_1.default.equal(f.code, 1);
            strict_1.default.match(f.stderr, /^s3source: .*MANIFEST format 99 is newer than this version understands \(1\); upgrade pipekit\n$/);
        });
        (0, node_test_1.it)('ends quietly when stdout is closed early (| head -c 10)', async () => {
            const name = fresh();
            strict_1.default.equal((await sink(name, (0, data_1.seededBytes)(3 * CHUNK, 9))).code, 0);
            const r = await (0, run_1.runCommand)('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" "${(0, run_1.filterPath)('s3source')}" s3://${bucket}/${name} | head -c 10 | wc -c`], { env });
            strict_1.default.equal(r.code, 0, r.stderr);
            strict_1.default.equal(r.stdout.toString().trim(), '10');
            strict_1.default.equal(r.stderr, '');
        });
        (0, node_test_1.it)('gives one line and a documented exit code for bad input', async () => {
            const cases = [
                { args: ['--bogus', `s3://${bucket}/x`], code: 2, line: /^s3sink: unknown option --bogus; see/ },
                { args: ['--chunk-size', '1K', `s3://${bucket}/x`], code: 2, line: /^s3sink: invalid --chunk-size '1K' \(a size from 5M to 5G, such as 8M\); see/ },
                { args: ['-j', '0', `s3://${bucket}/x`], code: 2, line: /^s3sink: invalid --jobs '0' \(a whole number of at least 1\); see/ },
                { args: ['http://x/y'], code: 2, line: /^s3sink: not an s3:\/\/ address: http:\/\/x\/y; see/ },
                { args: [`s3://${bucket}`], code: 2, line: /^s3sink: missing NAME after the bucket/ },
                { args: [], code: 2, line: /^s3sink: missing s3:\/\/BUCKET\/NAME; see/ },
                { args: ['s3://no-such-bucket-here/x'], code: 1, line: /^s3sink: cannot write s3:\/\/no-such-bucket-here\/x\/.*: NoSuchBucket \(404\)$/ },
                { args: ['--endpoint', 'http://127.0.0.1:1', `s3://${bucket}/x`], code: 1, line: /^s3sink: cannot write .*: connection refused$/ },
                { args: ['--endpoint', 'ftp://x', `s3://${bucket}/x`], code: 2, line: /^s3sink: --endpoint must be an http:\/\/ or https:\/\/ URL: ftp:\/\/x; see/ },
                { args: [`s3://${bucket}/x`], code: 1, line: /^s3sink: cannot write .*: InvalidAccessKeyId \(403\)$/, env: { ...env, AWS_ACCESS_KEY_ID: 'WRONGKEY' } },
                { filter: 's3source', args: ['s3://no-such-bucket-here/x'], code: 1, line: /^s3source: cannot read s3:\/\/no-such-bucket-here\/x: NoSuchBucket \(404\)$/ },
                { filter: 's3source', args: [`s3://${bucket}/nothing-here`], code: 1, line: /^s3source: cannot read .*nothing-here: nothing stored under that name/ },
                { filter: 's3source', args: ['-t', 'x'], code: 2, line: /^s3source: -t TAG needs a bucket/ },
            ];
            for (const c of cases) {
                const r = await (0, run_1.runFilter)(c.filter ?? 's3sink', c.args, { input: 'data', env: c.env ?? env });
                strict_1.default.equal(r.code, c.code, `${c.args.join(' ')}: ${r.stderr}`);
                const lines = (0, run_1.stderrLines)(r);
                strict_1.default.match(lines[0], c.line, c.args.join(' '));
                strict_1.default.equal(lines.length, 1, `${c.args.join(' ')}: ${r.stderr}`);
                if (c.code === 2)
                    strict_1.default.match(lines[0], new RegExp(`; see ${c.filter ?? 's3sink'} --help$`));
                strict_1.default.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
            }
        });
        (0, node_test_1.it)('after kill -9 mid-upload the previous generation restores, and the next upload removes the orphans', async () => {
            const name = fresh();
            const first = (0, data_1.seededBytes)(CHUNK + 10, 21);
            strict_1.default.equal((await sink(name, first)).code, 0);
            const committed = (await keysUnder(client, bucket, `${name}/`)).filter((k) => k !== `${name}/MANIFEST`);
            const child = (0, node_child_process_1.spawn)(process.execPath, [(0, run_1.filterPath)('s3sink'), ...SMALL, `s3://${bucket}/${name}`], {
                env,
                stdio: ['pipe', 'ignore', 'ignore'],
            });
            const exited = new Promise((resolve) => child.on('close', resolve));
            (0, data_1.repeatingStream)(512 * MiB).pipe(child.stdin).on('error', () => undefined);
            // Killed once the server holds a chunk of the new generation: mid-upload for sure.
            await waitFor(async () => (await keysUnder(client, bucket, `${name}/`)).some((k) => !committed.includes(k) && k !== `${name}/MANIFEST`), 20_000, 'a stored chunk');
            child.kill('SIGKILL');
            await exited;
            const r = await source(name);
            strict_1.default.equal(r.code, 0, r.stderr);
            strict_1.default.ok(r.stdout.equals(first), 'previous generation restores byte-identical');
            const gensBefore = new Set((await keysUnder(client, bucket, `${name}/`)).map((k) => k.split('/')[1]));
            strict_1.default.ok(gensBefore.size >= 3, 'the killed upload left an orphaned generation'); // MANIFEST, old, orphan
            const next = (0, data_1.seededBytes)(100, 22);
            strict_1.default.equal((await sink(name, next)).code, 0);
            const keys = await keysUnder(client, bucket, `${name}/`);
            const gens = new Set(keys.map((k) => k.split('/')[1]).filter((g) => g !== 'MANIFEST'));
            strict_1.default.equal(gens.size, 1, `orphans left: ${keys.join(' ')}`);
            strict_1.default.ok((await source(name)).stdout.equals(next));
        });
        (0, node_test_1.it)('on SIGINT mid-upload exits 130 and commits nothing; no chunk outlives the next upload', async () => {
            const name = fresh();
            const first = (0, data_1.seededBytes)(1000, 31);
            strict_1.default.equal((await sink(name, first)).code, 0);
            const proxy = await fault_proxy_1.FaultProxy.start(s.endpoint);
            let stderr = '';
            let code = null;
            try {
                const child = (0, node_child_process_1.spawn)(process.execPath, [(0, run_1.filterPath)('s3sink'), ...SMALL, `s3://${bucket}/${name}`], {
                    env: (0, s3_1.s3Env)(s, proxy.endpoint),
                    stdio: ['pipe', 'ignore', 'pipe'],
                });
                child.stderr.on('data', (c) => (stderr += c));
                const exited = new Promise((resolve) => child.on('close', (c) => resolve(c)));
                (0, data_1.repeatingStream)(512 * MiB).pipe(child.stdin).on('error', () => undefined);
                await waitFor(() => (proxy.requests.PUT ?? 0) >= 2, 20_000, 'two chunk PUTs');
                child.kill('SIGINT');
                code = await exited;
            }
            finally {
                await proxy.close();
            }
            strict_1.default.equal(code, 130);
            strict_1.default.equal(stderr, 's3sink: interrupted\n');
            strict_1.default.ok((await source(name)).stdout.equals(first), 'nothing was committed');
            // The interrupted run removes what it stored, but a PUT the server was still
            // finishing (RGW completes a request whose client went away) can land after that:
            // the guarantee is that the next successful upload leaves one generation.
            strict_1.default.equal((await sink(name, first)).code, 0);
            const gens = new Set((await keysUnder(client, bucket, `${name}/`)).map((k) => k.split('/')[1]).filter((g) => g !== 'MANIFEST'));
            strict_1.default.equal(gens.size, 1, 'no chunk of the interrupted generation is left');
        });
        (0, node_test_1.describe)('through a fault-injecting proxy', () => {
            let proxy;
            let penv;
            (0, node_test_1.before)(async () => {
                proxy = await fault_proxy_1.FaultProxy.start(s.endpoint, 42);
                penv = (0, s3_1.s3Env)(s, proxy.endpoint);
            });
            (0, node_test_1.after)(() => proxy.close());
            const CHUNK_URL = /\/\d{10}(\?|$)/;
            const MANIFEST_URL = /\/MANIFEST(\?|$)/;
            const cases = [];
            for (const fault of ['reset', 'error500', 'slowdown', 'stall']) {
                cases.push({ what: `${fault} on a chunk PUT`, rule: { fault, method: 'PUT', url: CHUNK_URL, times: 2 } });
                cases.push({ what: `${fault} on the MANIFEST PUT`, rule: { fault, method: 'PUT', url: MANIFEST_URL, times: 2 } });
            }
            for (const fault of ['reset', 'error500', 'slowdown', 'stall', 'truncate']) {
                cases.push({ what: `${fault} on a chunk GET`, rule: { fault, method: 'GET', url: CHUNK_URL, times: 2 } });
            }
            for (const c of cases) {
                (0, node_test_1.it)(`survives ${c.what}: byte-identical after retries`, async () => {
                    const name = fresh();
                    const data = (0, data_1.seededBytes)(2 * CHUNK + 99, 40);
                    proxy.clear().add(c.rule);
                    const before = proxy.totalInjected();
                    const w = await sink(name, data, [...SMALL, '--timeout', '1s'], penv);
                    strict_1.default.equal(w.code, 0, w.stderr);
                    const r = await source(name, ['--timeout', '1s'], penv);
                    strict_1.default.equal(r.code, 0, r.stderr);
                    strict_1.default.ok(r.stdout.equals(data));
                    strict_1.default.equal(proxy.totalInjected() - before, 2, 'both faults were injected');
                    proxy.clear();
                });
            }
            (0, node_test_1.it)('fails in one line on a persistent fault, and the previous generation still restores', async () => {
                const name = fresh();
                const good = (0, data_1.seededBytes)(CHUNK + 5, 50);
                strict_1.default.equal((await sink(name, good)).code, 0);
                proxy.clear().add({ fault: 'error500', method: 'PUT', url: CHUNK_URL, times: 1000 });
                const w = await sink(name, (0, data_1.seededBytes)(CHUNK + 5, 51), SMALL, penv);
                proxy.clear();
                strict_1.default.equal(w.code, 1);
                const lines = (0, run_1.stderrLines)(w);
                strict_1.default.equal(lines.length, 1, w.stderr);
                strict_1.default.match(lines[0], /^s3sink: cannot write s3:\/\/.*\/\d{10}: InternalError \(500\)$/);
                const r = await source(name);
                strict_1.default.ok(r.stdout.equals(good));
            });
        });
    });
}
