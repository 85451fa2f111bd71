"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const node_child_process_1 = require("node:child_process");
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const node_crypto_1 = require("node:crypto");
const node_fs_1 = require("node:fs");
const node_net_1 = require("node:net");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const run_1 = require("./helpers/run");
const s3_1 = require("./helpers/s3");
const fault_proxy_1 = require("./helpers/fault-proxy");
const s3servers_1 = require("./helpers/s3servers");
const docs_1 = require("./helpers/docs");
const lister_1 = require("../lib/s3/lister");
const uploader_1 = require("../lib/s3/uploader");
const cli_1 = require("../lib/cli");
/** The servers this file runs against (s3rver, later Ceph RGW): every assertion below holds on each. */
const SERVERS = s3servers_1.S3_SERVERS;
const MiB = 2 ** 20;
/** Deterministic bytes, different for every seed. */
function bytes(size, seed) {
    const out = Buffer.alloc(size);
    let block = (0, node_crypto_1.createHash)('sha256').update(String(seed)).digest();
    for (let off = 0; off < size; off += block.length) {
        block.copy(out, off);
        block = (0, node_crypto_1.createHash)('sha256').update(block).digest();
    }
    return out;
}
async function objectsUnder(client, bucket, prefix) {
    const found = new Map();
    for await (const page of (0, lister_1.listPages)({ client, bucket, prefix })) {
        for (const e of page)
            if ('key' in e)
                found.set(e.key, e.size);
    }
    return found;
}
const lines = (r, sep = '\n') => r.stdout.toString('utf8').split(sep).filter((l) => l !== '');
/** The regular files of the test tree, by path relative to the work directory. */
const FILES = {
    'tree/a.txt': Buffer.from('hello\n'),
    'tree/empty': Buffer.alloc(0),
    'tree/with space.txt': bytes(1000, 1),
    'tree/ünï+code.bin': bytes(4097, 2),
    "tree/it's \"quoted\"": bytes(10, 3),
    'tree/sub/deep/file': bytes(65_537, 4),
    // Over --multipart-threshold 5M with 5M parts: three parts, the last one short.
    'tree/big.bin': bytes(12 * MiB + 3, 5),
};
const MULTIPART = ['--multipart-threshold', '5M', '--part-size', '5M'];
for (const server of SERVERS) {
    (0, node_test_1.describe)(`s3put on ${server.kind}`, () => {
        let s;
        let client;
        let env;
        let work;
        let sockServer;
        (0, node_test_1.before)(async () => {
            s = await server.start();
            client = (0, s3_1.testClient)(s);
            work = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'pipekit-s3put-'));
            for (const [path, data] of Object.entries(FILES)) {
                (0, node_fs_1.mkdirSync)((0, node_path_1.join)(work, path, '..'), { recursive: true });
                (0, node_fs_1.writeFileSync)((0, node_path_1.join)(work, path), data);
            }
            // Everything that is not a regular file: reported, never uploaded.
            (0, node_fs_1.symlinkSync)('a.txt', (0, node_path_1.join)(work, 'tree/link'));
            (0, node_fs_1.symlinkSync)('sub', (0, node_path_1.join)(work, 'tree/dirlink'));
            (0, node_fs_1.symlinkSync)('/nonexistent', (0, node_path_1.join)(work, 'tree/dangling'));
            const fifo = (0, node_child_process_1.spawnSync)('mkfifo', [(0, node_path_1.join)(work, 'tree/fifo')]);
            strict_1.default.equal(fifo.status, 0, 'mkfifo');
            sockServer = (0, node_net_1.createServer)();
            await new Promise((resolve) => sockServer.listen((0, node_path_1.join)(work, 'tree/sock'), resolve));
            // A tree whose names need -0.
            (0, node_fs_1.mkdirSync)((0, node_path_1.join)(work, 'nul'));
            (0, node_fs_1.writeFileSync)((0, node_path_1.join)(work, 'nul/new\nline'), 'two\nlines\n');
            (0, node_fs_1.writeFileSync)((0, node_path_1.join)(work, 'nul/tab\there'), 'tab');
            // s3ls on PATH for the pipelines, as after `make install`.
            (0, node_fs_1.mkdirSync)((0, node_path_1.join)(work, 'bin'));
            for (const name of ['s3ls', 's3put']) {
                (0, node_fs_1.writeFileSync)((0, node_path_1.join)(work, 'bin', name), `#!/bin/sh\nexec "${process.execPath}" "${(0, run_1.filterPath)(name)}" "$@"\n`, { mode: 0o755 });
            }
            env = (0, s3_1.s3Env)(s, s.endpoint, { PATH: `${(0, node_path_1.join)(work, 'bin')}:${process.env.PATH ?? ''}` });
        });
        (0, node_test_1.after)(async () => {
            await new Promise((resolve) => sockServer.close(resolve));
            (0, node_fs_1.rmSync)(work, { recursive: true, force: true });
            await s.stop();
        });
        const sh = (script, e = env) => (0, run_1.runCommand)('bash', ['-c', `set -o pipefail; ${script}`], { env: e, cwd: work, timeout: 120_000 });
        const put = (args, input, e = env) => (0, run_1.runFilter)('s3put', args, { env: e, cwd: work, input, timeout: 120_000 });
        async function assertUploaded(bucket, prefix, files) {
            const found = await objectsUnder(client, bucket, prefix);
            strict_1.default.deepEqual([...found.keys()].sort(), Object.keys(files).map((p) => prefix + p).sort(), 'each regular file once, nothing else');
            for (const [path, data] of Object.entries(files)) {
                strict_1.default.equal(found.get(prefix + path), data.length, `size of ${path}`);
                strict_1.default.ok((await (0, s3_1.getObjectBytes)(client, bucket, prefix + path)).equals(data), `contents of ${path}`);
            }
        }
        (0, node_test_1.it)('find dir -type f -print0 | s3put -0 s3://b/home/: each file once, right size, byte-identical', async () => {
            const bucket = await (0, s3_1.freshBucket)(client, 'put');
            const r = await sh(`find tree -type f -print0 | s3put -0 ${MULTIPART.join(' ')} s3://${bucket}/home/`);
            strict_1.default.equal(r.code, 0, r.stderr);
            strict_1.default.deepEqual(lines(r, '\0').sort(), Object.keys(FILES).map((p) => `s3://${bucket}/home/${p}`).sort(), 'prints each key written');
            await assertUploaded(bucket, 'home/', FILES);
            // and s3ls -r -l shows each once with its size
            const ls = await sh(`s3ls -r -l s3://${bucket}/home/`);
            const sizes = new Map(lines(ls).map((l) => [l.slice(36), Number(l.slice(0, 12))]));
            for (const [path, data] of Object.entries(FILES))
                strict_1.default.equal(sizes.get(`s3://${bucket}/home/${path}`), data.length, path);
            strict_1.default.equal(sizes.size, Object.keys(FILES).length);
        });
        (0, node_test_1.it)('a directory argument is walked; links, FIFOs and sockets are reported on stderr, not uploaded', async () => {
            const bucket = await (0, s3_1.freshBucket)(client, 'put');
            const r = await put([...MULTIPART, `s3://${bucket}/args`, 'tree']);
            strict_1.default.equal(r.code, 0, r.stderr);
            strict_1.default.deepEqual((0, run_1.stderrLines)(r).filter((l) => l.startsWith('s3put: skipping')).sort(), [
                's3put: skipping FIFO tree/fifo',
                's3put: skipping socket tree/sock',
                's3put: skipping symbolic link tree/dangling',
                's3put: skipping symbolic link tree/dirlink',
                's3put: skipping symbolic link tree/link',
            ]);
            await assertUploaded(bucket, 'args/', FILES);
        });
        (0, node_test_1.it)('find dir | s3put (no -type f): directories from a list are skipped quietly, the rest reported', async () => {
            const bucket = await (0, s3_1.freshBucket)(client, 'put');
            const r = await sh(`find tree | s3put -q ${MULTIPART.join(' ')} s3://${bucket}/find/`);
            strict_1.default.equal(r.code, 0, r.stderr);
            strict_1.default.equal((0, run_1.stderrLines)(r).length, 5, r.stderr);
            strict_1.default.ok((0, run_1.stderrLines)(r).every((l) => l.startsWith('s3put: skipping ')));
            await assertUploaded(bucket, 'find/', FILES);
        });
        (0, node_test_1.it)('-0: file names with newlines and tabs', async () => {
            const bucket = await (0, s3_1.freshBucket)(client, 'put');
            const r = await sh(`find nul -type f -print0 | s3put -0 s3://${bucket}/`);
            strict_1.default.equal(r.code, 0, r.stderr);
            await assertUploaded(bucket, '', { 'nul/new\nline': Buffer.from('two\nlines\n'), 'nul/tab\there': Buffer.from('tab') });
            strict_1.default.deepEqual(lines(r, '\0').sort(), [`s3://${bucket}/nul/new\nline`, `s3://${bucket}/nul/tab\there`]);
        });
        (0, node_test_1.it)("--timestamp puts the run's UTC time between the prefix and the paths (backup.py)", async () => {
            const bucket = await (0, s3_1.freshBucket)(client, 'put');
            const t0 = (0, uploader_1.runTimestamp)(new Date(Date.now() - 1000));
            const r = await put(['--timestamp', `s3://${bucket}/backup/`, 'tree/a.txt', 'tree/sub']);
            const t1 = (0, uploader_1.runTimestamp)(new Date(Date.now() + 1000));
            strict_1.default.equal(r.code, 0, r.stderr);
            const out = lines(r);
            strict_1.default.equal(out.length, 2);
            const m = new RegExp(`^s3://${bucket}/backup/(\\d{8}-\\d{6})/tree/a\\.txt$`).exec(out.find((l) => l.endsWith('a.txt')) ?? '');
            strict_1.default.ok(m, out.join('\n'));
            strict_1.default.ok(m[1] >= t0 && m[1] <= t1, `${m[1]} within [${t0}, ${t1}]`);
            strict_1.default.ok(out.includes(`s3://${bucket}/backup/${m[1]}/tree/sub/deep/file`), 'one timestamp for the whole run');
        });
        (0, node_test_1.it)('absolute paths lose their leading /, as in backup.py; ./ and // are tidied', async () => {
            const bucket = await (0, s3_1.freshBucket)(client, 'put');
            const abs = (0, node_path_1.join)(work, 'tree/a.txt');
            const r = await put([`s3://${bucket}/p/`, abs, './tree//empty']);
            strict_1.default.equal(r.code, 0, r.stderr);
            strict_1.default.deepEqual(lines(r).sort(), [`s3://${bucket}/p/${abs.slice(1)}`, `s3://${bucket}/p/tree/empty`].sort());
        });
        (0, node_test_1.it)('a missing file: one line, exit 1, after uploading the rest', async () => {
            const bucket = await (0, s3_1.freshBucket)(client, 'put');
            const r = await put([`s3://${bucket}/m/`], 'tree/a.txt\nno/such/file\ntree/with space.txt\n');
            strict_1.default.equal(r.code, 1);
            strict_1.default.deepEqual((0, run_1.stderrLines)(r).filter((l) => !/files?, .* uploaded/.test(l)), ['s3put: cannot read no/such/file: ENOENT']);
            await assertUploaded(bucket, 'm/', { 'tree/a.txt': FILES['tree/a.txt'], 'tree/with space.txt': FILES['tree/with space.txt'] });
        });
        (0, node_test_1.it)('a failing upload: one line naming it, exit 1, every other file still uploaded', async () => {
            const bucket = await (0, s3_1.freshBucket)(client, 'put');
            const proxy = await fault_proxy_1.FaultProxy.start(s.endpoint, 5);
            try {
                proxy.add({ fault: 'error500', method: 'PUT', url: /with space\.txt/, times: 1000 });
                proxy.add({ fault: 'reset', method: 'PUT', url: /a\.txt/, times: 1 });
                const r = await put([...MULTIPART, '-j', '3', `s3://${bucket}/f/`, 'tree'], undefined, (0, s3_1.s3Env)(s, proxy.endpoint));
                strict_1.default.equal(r.code, 1);
                strict_1.default.deepEqual((0, run_1.stderrLines)(r).filter((l) => !l.startsWith('s3put: skipping') && !/uploaded/.test(l)), [
                    `s3put: cannot write s3://${bucket}/f/tree/with space.txt: InternalError (500)`,
                ]);
                const rest = { ...FILES };
                delete rest['tree/with space.txt'];
                await assertUploaded(bucket, 'f/', rest);
                strict_1.default.equal(proxy.injected.reset, 1, 'a transient fault was retried');
            }
            finally {
                await proxy.close();
            }
        });
        (0, node_test_1.it)('usage: missing or bad target, bad sizes, unknown option: exit 2; an empty list: exit 0', async () => {
            for (const args of [[], ['/tmp/x', 'tree'], ['--part-size', '1M', 's3://b/p/', 'tree'], ['--bogus', 's3://b/p/'], ['-j', 'x', 's3://b/p/']]) {
                const r = await put(args);
                strict_1.default.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
                strict_1.default.match((0, run_1.stderrLines)(r)[0], /^s3put: /);
            }
            const bucket = await (0, s3_1.freshBucket)(client, 'put');
            const e = await put(['-q', `s3://${bucket}/`], '');
            strict_1.default.equal(e.code, 0, e.stderr);
            strict_1.default.equal(e.stdout.length, 0);
        });
        (0, node_test_1.it)('library: uploadFiles reports each upload, skip and failure', async () => {
            const bucket = await (0, s3_1.freshBucket)(client, 'put');
            const uploaded = [];
            const skipped = [];
            const failed = [];
            const totals = await (0, uploader_1.uploadFiles)((0, cli_1.splitList)([Buffer.from(`${(0, node_path_1.join)(work, 'tree/a.txt')}\0${(0, node_path_1.join)(work, 'tree/li')}`), Buffer.from(`nk\0${(0, node_path_1.join)(work, 'nope')}\0`)], true), {
                client,
                bucket,
                prefix: 'lib/',
                onUploaded: (key, _path, size) => uploaded.push(`${key} ${size}`),
                onSkipped: (path, kind) => skipped.push(`${(0, node_path_1.relative)(work, path)} ${kind}`),
                onFailure: (path) => failed.push((0, node_path_1.relative)(work, path)),
            });
            strict_1.default.deepEqual(totals, { uploaded: 1, bytes: 6, skipped: 1, failed: 1 });
            strict_1.default.deepEqual(uploaded, [`lib/${(0, node_path_1.join)(work, 'tree/a.txt').slice(1)} 6`]);
            strict_1.default.deepEqual(skipped, ['tree/link symbolic link']);
            strict_1.default.deepEqual(failed, ['nope']);
        });
        // The man page's examples, on the same server, in a bucket and directory of their own.
        (0, node_test_1.describe)('man page examples', () => {
            let exWork;
            let exEnv;
            (0, node_test_1.before)(() => {
                exWork = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'pipekit-s3put-ex-'));
                (0, node_fs_1.mkdirSync)((0, node_path_1.join)(exWork, 'dir/sub'), { recursive: true });
                (0, node_fs_1.writeFileSync)((0, node_path_1.join)(exWork, 'dir/one'), 'one');
                (0, node_fs_1.writeFileSync)((0, node_path_1.join)(exWork, 'dir/sub/two words'), 'two');
                exEnv = (0, s3_1.s3Env)(s, s.endpoint, { PATH: `${docs_1.BIN}:${process.env.PATH ?? ''}` });
            });
            (0, node_test_1.after)(() => (0, node_fs_1.rmSync)(exWork, { recursive: true, force: true }));
            (0, node_test_1.it)('every example runs, with s3://b/ standing for a test bucket (s3://photos is made by the example)', async () => {
                const bucket = await (0, s3_1.freshBucket)(client, 'ex');
                const examples = (0, docs_1.manExamples)((0, docs_1.manPage)('s3put')).flatMap((block) => block.split('\n'));
                strict_1.default.equal(examples.length, 4);
                for (const line of examples) {
                    const cmd = line.replace(/s3:\/\/b\//g, `s3://${bucket}/`);
                    const r = await (0, run_1.runCommand)('bash', ['-c', `${cmd} 2>&1 >/dev/null | grep -v 'uploaded$' >&2; exit \${PIPESTATUS[0]}`], { env: exEnv, cwd: exWork, timeout: 60_000 });
                    strict_1.default.equal(r.code, 0, `${cmd}: ${r.stderr}`);
                    strict_1.default.equal(r.stderr, '', cmd);
                }
                const keys = [...(await objectsUnder(client, bucket, '')).keys()].sort();
                strict_1.default.equal(keys.length, 4);
                strict_1.default.deepEqual(keys.slice(2), ['home/dir/one', 'home/dir/sub/two words']);
                strict_1.default.match(keys[0], /^backup\/\d{8}-\d{6}\/dir\/one$/);
                // s3://photos is not a test bucket: --create-bucket made it on this server.
                strict_1.default.deepEqual([...(await objectsUnder(client, 'photos', '')).keys()].sort(), ['2026/dir/one', '2026/dir/sub/two words']);
            });
        });
    });
}
(0, node_test_1.describe)('s3put key naming (pure)', () => {
    (0, node_test_1.it)('keyPathOf strips leading / and ../, tidies ./ and //', () => {
        strict_1.default.equal((0, uploader_1.keyPathOf)('/etc/passwd'), 'etc/passwd');
        strict_1.default.equal((0, uploader_1.keyPathOf)('./a//b/./c'), 'a/b/c');
        strict_1.default.equal((0, uploader_1.keyPathOf)('../../x/y'), 'x/y');
        strict_1.default.equal((0, uploader_1.keyPathOf)('a/../../b'), 'b');
        strict_1.default.equal((0, uploader_1.keyPathOf)('with space/ünï+'), 'with space/ünï+');
    });
    (0, node_test_1.it)('keyPrefixOf treats the prefix as a directory', () => {
        strict_1.default.equal((0, uploader_1.keyPrefixOf)('home'), 'home/');
        strict_1.default.equal((0, uploader_1.keyPrefixOf)('home/'), 'home/');
        strict_1.default.equal((0, uploader_1.keyPrefixOf)(''), '');
        strict_1.default.equal((0, uploader_1.keyPrefixOf)('b/', '20261125-163012'), 'b/20261125-163012/');
    });
    (0, node_test_1.it)('runTimestamp is backup.py\'s %Y%m%d-%H%M%S, in UTC', () => {
        strict_1.default.equal((0, uploader_1.runTimestamp)(new Date('2026-11-25T16:30:12.999Z')), '20261125-163012');
    });
    (0, node_test_1.it)('splitList splits at every chunk boundary', async () => {
        const text = 'a\nbb\n\nccc\nlast';
        for (let cut = 1; cut < text.length; cut++) {
            const out = [];
            for await (const x of (0, cli_1.splitList)([Buffer.from(text.slice(0, cut)), Buffer.from(text.slice(cut))], false))
                out.push(x);
            strict_1.default.deepEqual(out, ['a', 'bb', 'ccc', 'last'], `cut at ${cut}`);
        }
    });
});
