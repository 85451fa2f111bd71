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
const client_s3_1 = require("@aws-sdk/client-s3");
const run_1 = require("./helpers/run");
const s3_1 = require("./helpers/s3");
const rgw_1 = require("./helpers/rgw");
const fault_proxy_1 = require("./helpers/fault-proxy");
const mount_1 = require("./helpers/mount");
const data_1 = require("./helpers/data");
const lister_1 = require("../lib/s3/lister");
const layout_1 = require("../lib/s3/layout");
/**
 * Backups you can go back to (design.md, "Backups"): a failed producer commits nothing,
 * every kept generation restores, retention follows restic forget, --check reads
 * without writing, --resume sends only what an interrupted upload lacks. Every case
 * runs the filters as a shell does, on s3rver and on Ceph RGW.
 */
const MiB = 2 ** 20;
const CHUNK = 5 * MiB;
const SMALL = ['--chunk-size', '5M'];
const SERVERS = [
    { kind: 's3rver', start: s3_1.startS3rver },
    // The resume case stores 200 MiB more than once: room for it in the OSD's RAM.
    { kind: 'rgw', start: () => (0, rgw_1.startRgw)({ memstoreBytes: 1536 * MiB }) },
];
async function keysUnder(client, bucket, prefix) {
    const keys = [];
    for await (const page of (0, lister_1.listPages)({ client, bucket, prefix }))
        for (const e of page)
            if ('key' in e)
                keys.push(e.key);
    return keys;
}
/** Run a filter with a file as its stdin (a regular file, as `s3sink < file`). */
function runWithFile(name, args, file, env) {
    const fd = (0, node_fs_1.openSync)(file, 'r');
    const child = (0, node_child_process_1.spawn)(process.execPath, [(0, run_1.filterPath)(name), ...args], { env, stdio: [fd, 'pipe', 'pipe'] });
    (0, node_fs_1.closeSync)(fd);
    const out = [];
    let stderr = '';
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => (stderr += c));
    return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out), stderr })));
}
for (const server of SERVERS) {
    (0, node_test_1.describe)(`backups on ${server.kind}`, () => {
        let s;
        let client;
        let bucket;
        let env;
        let dir;
        let n = 0;
        const fresh = () => `backup${++n}`;
        const url = (name) => `s3://${bucket}/${name}`;
        (0, node_test_1.before)(async () => {
            s = await server.start();
            client = (0, s3_1.testClient)(s);
            bucket = await (0, s3_1.freshBucket)(client, 'gens');
            env = (0, s3_1.s3Env)(s);
            dir = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'pipekit-backups-'));
        });
        (0, node_test_1.after)(async () => {
            (0, node_fs_1.rmSync)(dir, { recursive: true, force: true });
            await s.stop();
        });
        const sink = (name, input, args = SMALL) => (0, run_1.runFilter)('s3sink', [...args, url(name)], { input, env });
        const source = (name, args = []) => (0, run_1.runFilter)('s3source', [...args, url(name)], { env });
        const file = (base, data) => {
            const path = (0, node_path_1.join)(dir, base);
            (0, node_fs_1.writeFileSync)(path, data);
            return path;
        };
        async function assertRestores(name, data, what) {
            const r = await source(name);
            strict_1.default.equal(r.code, 0, r.stderr);
            strict_1.default.equal((0, data_1.sha256)(r.stdout), (0, data_1.sha256)(data), what);
        }
        (0, node_test_1.describe)('commit only what the producer finished', () => {
            let name;
            const good = (0, data_1.seededBytes)(CHUNK + 123, 1);
            let big;
            (0, node_test_1.before)(async () => {
                name = fresh();
                strict_1.default.equal((await sink(name, good)).code, 0);
                big = file('twenty-mib', (0, data_1.seededBytes)(20 * MiB + 7, 2));
            });
            const failing = [
                { what: 'a producer that exits 3 after 20 MiB', args: () => ['--', 'sh', '-c', `cat '${big}'; exit 3`], line: 's3sink: not committed: sh exited 3', code: 1 },
                { what: 'a producer killed by a signal', args: () => ['--', 'sh', '-c', `head -c 6000000 '${big}'; kill -KILL $$`], line: 's3sink: not committed: sh killed by SIGKILL', code: 1 },
                { what: 'an empty stream with --min-size 1', args: () => ['--min-size', '1'], line: 's3sink: not committed: the stream is 0 bytes, shorter than the minimum of 1', code: 1 },
                { what: 'an empty producer with --min-size 1', args: () => ['--min-size', '1', '--', 'true'], line: 's3sink: not committed: the stream is 0 bytes, shorter than the minimum of 1', code: 1 },
                { what: 'a command that is not found', args: () => ['--', 'no-such-command-pipekit'], line: 's3sink: not committed: cannot run no-such-command-pipekit: command not found', code: 2 },
            ];
            for (const c of failing) {
                (0, node_test_1.it)(`${c.what}: exit ${c.code}, one line, the previous generation restores`, async () => {
                    const [before, after] = c.args().includes('--') ? [c.args().slice(0, c.args().indexOf('--')), c.args().slice(c.args().indexOf('--'))] : [c.args(), []];
                    const r = await (0, run_1.runFilter)('s3sink', [...SMALL, ...before, url(name), ...after], { input: '', env });
                    strict_1.default.equal(r.stderr, `${c.line}\n`);
                    strict_1.default.equal(r.code, c.code);
                    await assertRestores(name, good, 'nothing was committed');
                    // Nothing of the refused stream is left behind: it must never be resumed.
                    const gens = new Set((await keysUnder(client, bucket, `${name}/`)).map((k) => k.split('/')[1]).filter((g) => g !== 'MANIFEST'));
                    strict_1.default.equal(gens.size, 1, [...gens].join(' '));
                });
            }
            (0, node_test_1.it)('the command form stores the producer stdout byte-identical; its stderr passes through', async () => {
                const r = await (0, run_1.runFilter)('s3sink', [...SMALL, '-q', url(name), '--', 'sh', '-c', `cat '${big}'; echo note >&2`], { input: '', env });
                strict_1.default.equal(r.code, 0, r.stderr);
                strict_1.default.equal(r.stderr, 'note\n');
                await assertRestores(name, (0, data_1.seededBytes)(20 * MiB + 7, 2), 'the command output');
            });
            (0, node_test_1.it)('SIGTERM to s3sink is forwarded to the producer; nothing is committed', async () => {
                const started = (0, node_path_1.join)(dir, 'started');
                const got = (0, node_path_1.join)(dir, 'got-term');
                const script = `trap 'echo TERM > ${got}; exit 1' TERM; head -c 1000 '${big}'; : > ${started}; while :; do sleep 0.05; done`;
                const child = (0, node_child_process_1.spawn)(process.execPath, [(0, run_1.filterPath)('s3sink'), ...SMALL, url(name), '--', 'sh', '-c', script], { env, stdio: ['ignore', 'ignore', 'pipe'] });
                let stderr = '';
                child.stderr.on('data', (c) => (stderr += c));
                const exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
                await (0, mount_1.waitFor)(() => (0, node_fs_1.existsSync)(started), 20_000, 'the producer to start');
                child.kill('SIGTERM');
                strict_1.default.equal(await exited, 143);
                strict_1.default.equal(stderr, 's3sink: interrupted\n');
                await (0, mount_1.waitFor)(() => (0, node_fs_1.existsSync)(got), 20_000, 'the producer to get SIGTERM');
                await assertRestores(name, (0, data_1.seededBytes)(20 * MiB + 7, 2), 'the commit before');
            });
            (0, node_test_1.it)('-- with no command, and --object with --resume: usage errors', async () => {
                for (const args of [[url(name), '--'], ['--object', '--resume', url(name)], ['--object', '--keep', '2', url(name)]]) {
                    const r = await (0, run_1.runFilter)('s3sink', args, { input: '', env });
                    strict_1.default.equal(r.code, 2, r.stderr);
                    strict_1.default.match(r.stderr, /^s3sink: .*; see s3sink --help\n$/);
                }
            });
        });
        (0, node_test_1.describe)('every kept generation is listed and restorable', () => {
            let name;
            const inputs = [(0, data_1.seededBytes)(CHUNK * 2 + 1, 11), (0, data_1.seededBytes)(77, 12), (0, data_1.seededBytes)(CHUNK, 13)];
            (0, node_test_1.before)(async () => {
                name = fresh();
                for (const data of inputs)
                    strict_1.default.equal((await sink(name, data, [...SMALL, '--keep', '3'])).code, 0);
            });
            const generations = async (args = []) => {
                const r = await (0, run_1.runFilter)('s3ls', ['--generations', ...args, url(name)], { env });
                strict_1.default.equal(r.code, 0, r.stderr);
                return r.stdout.toString().trimEnd().split('\n');
            };
            (0, node_test_1.it)('s3ls --generations: three lines, newest first, GEN CREATED SIZE CHUNKS SHA256 current|-', async () => {
                const lines = (await generations()).map((l) => l.split('\t'));
                strict_1.default.equal(lines.length, 3);
                strict_1.default.deepEqual(lines.map((l) => l[5]), ['current', '-', '-']);
                strict_1.default.deepEqual(lines.map((l) => Number(l[2])), inputs.map((d) => d.length).reverse());
                strict_1.default.deepEqual(lines.map((l) => Number(l[3])), [1, 1, 3]);
                strict_1.default.deepEqual(lines.map((l) => l[4]), inputs.map(data_1.sha256).reverse());
                for (const l of lines)
                    strict_1.default.match(l[1], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
                strict_1.default.ok(lines[0][0] > lines[1][0] && lines[1][0] > lines[2][0], 'newest first');
                const human = (await generations(['-h'])).map((l) => l.split('\t')[2]);
                strict_1.default.deepEqual(human, ['5.0M', '77', '10M']);
                const json = (await generations(['--json'])).map((l) => JSON.parse(l));
                strict_1.default.deepEqual(json.map((j) => [j.generation, j.current, j.size]), lines.map((l) => [l[0], l[5] === 'current', Number(l[2])]));
            });
            (0, node_test_1.it)('s3source --generation ~2 and the same GEN id restore the first input; ~0 the current one', async () => {
                const oldest = (await generations()).at(-1).split('\t')[0];
                for (const ref of ['~2', oldest]) {
                    const r = await source(name, ['--generation', ref]);
                    strict_1.default.equal(r.code, 0, r.stderr);
                    strict_1.default.equal((0, data_1.sha256)(r.stdout), (0, data_1.sha256)(inputs[0]), ref);
                }
                strict_1.default.equal((0, data_1.sha256)((await source(name, ['-g', '~0'])).stdout), (0, data_1.sha256)(inputs[2]));
            });
            (0, node_test_1.it)('an unknown generation: exit 1, one line that says how many exist', async () => {
                for (const ref of ['~3', '20200101T000000000Z-00000000']) {
                    const r = await source(name, ['--generation', ref]);
                    strict_1.default.equal(r.code, 1);
                    strict_1.default.match(r.stderr, new RegExp(`^s3source: no generation ${ref} of s3://${bucket}/${name}: 3 committed generations.*\\n$`));
                    strict_1.default.equal(r.stdout.length, 0);
                }
                const bad = await source(name, ['--generation', 'yesterday']);
                strict_1.default.equal(bad.code, 2);
            });
            (0, node_test_1.it)('s3rm --generation removes the current one only with --force; the newest remaining becomes current', async () => {
                const before = await generations();
                const refused = await (0, run_1.runFilter)('s3rm', ['--generation', '~0', url(name)], { env });
                strict_1.default.equal(refused.code, 1);
                strict_1.default.match(refused.stderr, /is the current generation of .*; add --force to remove it\n$/);
                strict_1.default.deepEqual(await generations(), before);
                const forced = await (0, run_1.runFilter)('s3rm', ['--generation', '~0', '--force', url(name)], { env });
                strict_1.default.equal(forced.code, 0, forced.stderr);
                await assertRestores(name, inputs[1], 'the newest remaining generation is current');
                const after = await generations();
                strict_1.default.equal(after.length, 2);
                strict_1.default.equal(after[0].split('\t')[0], before[1].split('\t')[0]);
                strict_1.default.equal(after[0].split('\t')[5], 'current');
                const older = await (0, run_1.runFilter)('s3rm', ['-v', '--generation', before[2].split('\t')[0], url(name)], { env });
                strict_1.default.equal(older.code, 0, older.stderr);
                strict_1.default.equal(older.stdout.toString(), `remove ${before[2].split('\t')[0]}\n`);
                strict_1.default.equal((await generations()).length, 1);
                await assertRestores(name, inputs[1], 'still readable');
            });
        });
        (0, node_test_1.describe)('retention over 60 days of backdated generations', () => {
            const day = (d) => new Date(Date.UTC(2026, 9, 1 + d, 12, 0, 0)); // 2026-10-01 + d, noon UTC
            const gens = Array.from({ length: 61 }, (_, d) => (0, layout_1.newGeneration)(day(d), d.toString(16).padStart(8, '0')));
            const orphan = (0, layout_1.newGeneration)(new Date(Date.UTC(2026, 10, 29, 23, 0, 0)), 'ffffffff');
            /** A committed generation written as s3sink would: one chunk and its own manifest. */
            async function putGeneration(name, gen, commit) {
                const data = Buffer.from(`generation ${gen}\n`);
                await client.send(new client_s3_1.PutObjectCommand({ Bucket: bucket, Key: (0, layout_1.chunkKey)(name, gen, 0), Body: data }));
                const manifest = {
                    format: layout_1.MANIFEST_FORMAT,
                    name,
                    generation: gen,
                    chunkSize: CHUNK,
                    chunks: [{ key: (0, layout_1.chunkKey)(name, gen, 0), size: data.length, sha256: (0, data_1.sha256)(data) }],
                    size: data.length,
                    sha256: (0, data_1.sha256)(data),
                    created: day(0).toISOString(),
                };
                const body = JSON.stringify(manifest);
                if (commit)
                    await client.send(new client_s3_1.PutObjectCommand({ Bucket: bucket, Key: (0, layout_1.generationManifestKey)(name, gen), Body: body }));
                return Buffer.from(body);
            }
            async function backdated() {
                const name = fresh();
                for (const gen of gens)
                    await putGeneration(name, gen, true);
                await putGeneration(name, orphan, false);
                const current = await putGeneration(name, gens[60], true);
                await client.send(new client_s3_1.PutObjectCommand({ Bucket: bucket, Key: (0, layout_1.manifestKey)(name), Body: current }));
                return name;
            }
            (0, node_test_1.it)('s3rm --prune -n prints each decision and its reason, and removes nothing', async () => {
                const name = await backdated();
                const before = await keysUnder(client, bucket, `${name}/`);
                const r = await (0, run_1.runFilter)('s3rm', ['--prune', '-n', '--keep-daily', '7', '--keep-monthly', '2', url(name)], { env });
                strict_1.default.equal(r.code, 0, r.stderr);
                const lines = r.stdout.toString().trimEnd().split('\n');
                strict_1.default.equal(lines.length, 62);
                // 2026-10-01 .. 2026-11-30: the last 7 days are 11-24 .. 11-30 (day 54 .. 60); the
                // newest of the last two months are 11-30 and 10-31 (day 30).
                strict_1.default.equal(lines.at(-1), `keep (current, daily 2026-11-30, monthly 2026-11) ${gens[60]}`);
                strict_1.default.equal(lines.at(-2), `remove ${orphan} (uncommitted)`);
                strict_1.default.equal(lines.at(-3), `keep (daily 2026-11-29) ${gens[59]}`);
                strict_1.default.ok(lines.includes(`keep (daily 2026-11-24) ${gens[54]}`));
                strict_1.default.ok(lines.includes(`remove ${gens[53]}`));
                strict_1.default.ok(lines.includes(`keep (monthly 2026-10) ${gens[30]}`));
                strict_1.default.ok(lines.includes(`remove ${gens[29]}`));
                strict_1.default.equal(lines[0], `remove ${gens[0]}`);
                strict_1.default.equal(lines.filter((l) => l.startsWith('keep')).length, 8);
                strict_1.default.deepEqual(await keysUnder(client, bucket, `${name}/`), before);
            });
            (0, node_test_1.it)('s3rm --prune keeps exactly what -n said; the set still restores', async () => {
                const name = await backdated();
                const r = await (0, run_1.runFilter)('s3rm', ['--prune', '--keep-daily', '7', '--keep-monthly', '2', url(name)], { env });
                strict_1.default.equal(r.code, 0, r.stderr);
                const listed = await (0, run_1.runFilter)('s3ls', ['--generations', url(name)], { env });
                const kept = listed.stdout.toString().trimEnd().split('\n').map((l) => l.split('\t')[0]);
                strict_1.default.deepEqual(kept, [60, 59, 58, 57, 56, 55, 54, 30].map((d) => gens[d]));
                await assertRestores(name, Buffer.from(`generation ${gens[60]}\n`), 'the current generation');
            });
            (0, node_test_1.it)('s3sink --keep-daily 2 applies the policy at commit: today and the newest backdated day stay', async () => {
                strict_1.default.ok(Date.now() >= day(61).setUTCHours(0), 'this test needs a clock on 2026-12-01 or later (UTC)');
                const name = await backdated();
                const data = (0, data_1.seededBytes)(1000, 44);
                const r = await sink(name, data, [...SMALL, '--keep-daily', '2']);
                strict_1.default.equal(r.code, 0, r.stderr);
                const listed = await (0, run_1.runFilter)('s3ls', ['--generations', url(name)], { env });
                const kept = listed.stdout.toString().trimEnd().split('\n').map((l) => l.split('\t')[0]);
                strict_1.default.equal(kept.length, 2, kept.join(' '));
                strict_1.default.equal(kept[1], gens[60]);
                await assertRestores(name, data, 'the new generation');
            });
            (0, node_test_1.it)('--prune without a policy, and --keep without --prune: usage errors', async () => {
                for (const args of [['--prune', url('x')], ['--keep', '2', url('x')]]) {
                    const r = await (0, run_1.runFilter)('s3rm', args, { env });
                    strict_1.default.equal(r.code, 2, r.stderr);
                }
            });
        });
        (0, node_test_1.describe)('--check reads every chunk and writes nothing', () => {
            let name;
            const inputs = [(0, data_1.seededBytes)(3 * CHUNK + 5, 21), (0, data_1.seededBytes)(2 * CHUNK, 22), (0, data_1.seededBytes)(3 * CHUNK + 9, 23)];
            let gens;
            (0, node_test_1.before)(async () => {
                name = fresh();
                for (const data of inputs)
                    strict_1.default.equal((await sink(name, data, [...SMALL, '--keep', '3'])).code, 0);
                const listed = await (0, run_1.runFilter)('s3ls', ['--generations', url(name)], { env });
                gens = listed.stdout.toString().trimEnd().split('\n').map((l) => l.split('\t')[0]);
            });
            const check = (args = []) => (0, run_1.runFilter)('s3source', ['--check', ...args, url(name)], { env });
            (0, node_test_1.it)('a good set: exit 0, `ok GEN SIZE CHUNKS`, nothing on stdout', async () => {
                const r = await check();
                strict_1.default.equal(r.code, 0, r.stderr);
                strict_1.default.equal(r.stdout.length, 0);
                strict_1.default.equal(r.stderr, `ok ${gens[0]} ${inputs[2].length} 4\n`);
                const all = await check(['--all-generations']);
                strict_1.default.equal(all.code, 0, all.stderr);
                strict_1.default.equal(all.stderr, gens.map((g, i) => `ok ${g} ${inputs[2 - i].length} ${[4, 2, 4][i]}\n`).join(''));
            });
            (0, node_test_1.it)('a corrupt, a missing and a wrong-sized chunk: exit 1, the line names the generation and the chunk', async () => {
                const [current, middle, oldest] = gens;
                await client.send(new client_s3_1.PutObjectCommand({ Bucket: bucket, Key: (0, layout_1.chunkKey)(name, current, 1), Body: (0, data_1.seededBytes)(CHUNK, 99) }));
                await client.send(new client_s3_1.DeleteObjectCommand({ Bucket: bucket, Key: (0, layout_1.chunkKey)(name, middle, 1) }));
                await client.send(new client_s3_1.PutObjectCommand({ Bucket: bucket, Key: (0, layout_1.chunkKey)(name, oldest, 2), Body: (0, data_1.seededBytes)(CHUNK - 1, 98) }));
                const r = await check();
                strict_1.default.equal(r.code, 1);
                strict_1.default.match(r.stderr, new RegExp(`^BAD ${current} chunk 1: .*corrupt.*\\n$`));
                const one = await check(['--generation', middle]);
                strict_1.default.equal(one.code, 1);
                strict_1.default.match(one.stderr, new RegExp(`^BAD ${middle} chunk 1: .*chunk missing.*\\n$`));
                const all = await check(['--all-generations']);
                strict_1.default.equal(all.code, 1);
                const lines = all.stderr.trimEnd().split('\n');
                strict_1.default.equal(lines.length, 3);
                strict_1.default.match(lines[0], new RegExp(`^BAD ${current} chunk 1: `));
                strict_1.default.match(lines[1], new RegExp(`^BAD ${middle} chunk 1: `));
                strict_1.default.match(lines[2], new RegExp(`^BAD ${oldest} chunk 2: .*bytes, expected ${CHUNK}`));
                strict_1.default.equal(all.stdout.length, 0);
            });
            (0, node_test_1.it)('--all-generations without --check, or with --generation: usage errors', async () => {
                for (const args of [['--all-generations', url(name)], ['--check', '--all-generations', '-g', '~0', url(name)]]) {
                    strict_1.default.equal((await (0, run_1.runFilter)('s3source', args, { env })).code, 2);
                }
            });
        });
        (0, node_test_1.describe)('--resume continues an interrupted upload', () => {
            /**
             * Start an upload of `path` whose chunk PUTs from `stallFrom` on never reach the
             * server, wait until the chunks before it are stored, and kill -9 it: an upload that
             * died at a known point (60% of 200 MiB: 24 of 40 chunks).
             */
            async function interrupted(name, path, stallFrom) {
                const before = await keysUnder(client, bucket, `${name}/`);
                const proxy = await fault_proxy_1.FaultProxy.start(s.endpoint);
                try {
                    const later = new RegExp(`/\\d{8}T\\d{9}Z-[0-9a-f]{8}/(\\d{10})$`);
                    proxy.add({ fault: 'stall', method: 'PUT', url: new RegExp(`/0*(${Array.from({ length: 60 }, (_, i) => stallFrom + i).join('|')})(\\?|$)`), times: 1000 });
                    const fd = (0, node_fs_1.openSync)(path, 'r');
                    const child = (0, node_child_process_1.spawn)(process.execPath, [(0, run_1.filterPath)('s3sink'), ...SMALL, url(name)], { env: (0, s3_1.s3Env)(s, proxy.endpoint), stdio: [fd, 'ignore', 'ignore'] });
                    (0, node_fs_1.closeSync)(fd);
                    const exited = new Promise((resolve) => child.on('close', resolve));
                    // Whole chunks only: s3rver lists an object while its body is still being written,
                    // and a kill then leaves the part it got (S3 and RGW show an object only once stored).
                    const stored = async () => {
                        let whole = 0;
                        for await (const page of (0, lister_1.listPages)({ client, bucket, prefix: `${name}/` })) {
                            for (const e of page)
                                if ('key' in e && !before.includes(e.key) && later.test(e.key) && Number(later.exec(e.key)[1]) < stallFrom && e.size === CHUNK)
                                    whole++;
                        }
                        return whole;
                    };
                    await (0, mount_1.waitFor)(async () => (await stored()) === stallFrom, 60_000, `${stallFrom} stored chunks`);
                    child.kill('SIGKILL');
                    await exited;
                }
                finally {
                    await proxy.close();
                }
                const gens = new Set((await keysUnder(client, bucket, `${name}/`)).map((k) => k.split('/')[1]).filter((g) => g !== 'MANIFEST'));
                return [...gens].sort().pop();
            }
            let big;
            let bigPath;
            (0, node_test_1.before)(() => {
                big = (0, data_1.seededBytes)(200 * MiB, 31);
                bigPath = file('two-hundred-mib', big);
            });
            (0, node_test_1.it)('kill -9 at 60% of 200 MiB, then --resume with the same file: less than half the chunks are sent again', async () => {
                const name = fresh();
                const old = (0, data_1.seededBytes)(1000, 30);
                strict_1.default.equal((await sink(name, old)).code, 0);
                const generation = await interrupted(name, bigPath, 24);
                await assertRestores(name, old, 'the interrupted upload committed nothing');
                const proxy = await fault_proxy_1.FaultProxy.start(s.endpoint);
                try {
                    const r = await runWithFile('s3sink', [...SMALL, '--resume', url(name)], bigPath, (0, s3_1.s3Env)(s, proxy.endpoint));
                    strict_1.default.equal(r.code, 0, r.stderr);
                    strict_1.default.match(r.stderr, new RegExp(`^s3sink: resumed ${generation}: 24 of 24 chunks already stored$`, 'm'));
                    // 16 chunks, this generation's MANIFEST and NAME/MANIFEST.
                    strict_1.default.equal(proxy.requests.PUT, 18);
                }
                finally {
                    await proxy.close();
                }
                await assertRestores(name, big, 'the resumed upload');
                const listed = await (0, run_1.runFilter)('s3ls', ['--generations', url(name)], { env });
                strict_1.default.equal(listed.stdout.toString().split('\t')[0], generation, 'the commit names the interrupted generation');
            });
            (0, node_test_1.it)('--resume with a different input commits that input; nothing to resume uploads normally', async () => {
                const name = fresh();
                const other = (0, data_1.seededBytes)(9 * CHUNK + 3, 32);
                const generation = await interrupted(name, bigPath, 6);
                const r = await runWithFile('s3sink', [...SMALL, '--resume', url(name)], file('other', other), env);
                strict_1.default.equal(r.code, 0, r.stderr);
                strict_1.default.match(r.stderr, new RegExp(`^s3sink: resumed ${generation}: 0 of 6 chunks already stored$`, 'm'));
                await assertRestores(name, other, 'the new input, not the interrupted one');
                const again = await sink(name, (0, data_1.seededBytes)(10, 33), [...SMALL, '--resume']);
                strict_1.default.equal(again.code, 0, again.stderr);
                strict_1.default.doesNotMatch(again.stderr, /resumed/);
                await assertRestores(name, (0, data_1.seededBytes)(10, 33), 'a normal upload');
            });
            (0, node_test_1.it)('a chunk size that differs from the interrupted upload: one line, exit 2', async () => {
                const name = fresh();
                await interrupted(name, bigPath, 2);
                const r = await runWithFile('s3sink', ['--chunk-size', '6M', '--resume', url(name)], bigPath, env);
                strict_1.default.equal(r.code, 2);
                strict_1.default.match(r.stderr, /^s3sink: cannot resume \S+: its chunk 0 is 5242880 bytes, not --chunk-size 6291456; give the --chunk-size it was uploaded with; see s3sink --help\n$/);
            });
        });
    });
}
