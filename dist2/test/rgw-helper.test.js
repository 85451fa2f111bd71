"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const node_fs_1 = require("node:fs");
const node_child_process_1 = require("node:child_process");
const node_net_1 = require("node:net");
const node_path_1 = require("node:path");
const node_crypto_1 = require("node:crypto");
const client_s3_1 = require("@aws-sdk/client-s3");
const run_1 = require("./helpers/run");
const s3_1 = require("./helpers/s3");
const data_1 = require("./helpers/data");
const rgw_1 = require("./helpers/rgw");
const MiB = 2 ** 20;
const sha = (b) => (0, node_crypto_1.createHash)('sha256').update(b).digest('hex');
/** Ceph processes started for this instance: their command lines name its temp dir. */
async function cephProcessesOf(s) {
    const r = await (0, run_1.runCommand)('pgrep', ['-a', '-f', s.dir], { timeout: 10_000 });
    return r.stdout.toString().trim();
}
function alive(pid) {
    if (!pid)
        return false;
    try {
        process.kill(pid, 0);
        return true;
    }
    catch {
        return false;
    }
}
async function assertAllGone(s, pids) {
    strict_1.default.equal(await cephProcessesOf(s), '', 'no ceph process of this instance is left');
    for (const [name, pid] of Object.entries(pids))
        strict_1.default.ok(!alive(pid), `${name} (pid ${pid}) has exited`);
    strict_1.default.ok(!(0, node_fs_1.existsSync)(s.dir), `temp dir ${s.dir} is removed`);
}
/** The temp dirs a start-up error names are gone, and no process runs from them. */
async function assertFailedCleanly(message) {
    const dirs = [...message.matchAll(/(\/\S+\/pipekit-rgw-[A-Za-z0-9]+)/g)].map((m) => m[1]);
    strict_1.default.ok(dirs.length > 0, 'the error names the temp dir');
    for (const dir of dirs) {
        strict_1.default.ok(!(0, node_fs_1.existsSync)(dir), `${dir} removed`);
        const r = await (0, run_1.runCommand)('pgrep', ['-a', '-f', dir], { timeout: 10_000 });
        strict_1.default.equal(r.stdout.toString().trim(), '', 'no process of the failed instance left');
    }
}
(0, node_test_1.describe)('Ceph RGW test helper', () => {
    let s;
    let client;
    let bucket;
    let env;
    (0, node_test_1.before)(async () => {
        s = await (0, rgw_1.startRgw)();
        client = (0, s3_1.testClient)(s);
        bucket = await (0, s3_1.freshBucket)(client, 'rgw');
        env = (0, s3_1.s3Env)(s);
    });
    (0, node_test_1.after)(async () => {
        client?.destroy();
        if (!s)
            return;
        const pids = s.pids();
        await s.stop();
        await assertAllGone(s, pids);
    });
    (0, node_test_1.it)('brings up a single-node cluster on loopback with ports of its own', async (t) => {
        const rss = await s.rss();
        t.diagnostic(`bring-up ${s.startupMs} ms (${Object.entries(s.timings).map(([k, v]) => `${k.split(" (")[0]} ${v}`).join(", ")}); RSS mon ${rss.mon >> 10} MiB, osd ${rss.osd >> 10} MiB, rgw ${rss.rgw >> 10} MiB, total ${rss.total >> 10} MiB`);
        strict_1.default.match(s.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
        strict_1.default.equal(s.kind, 'rgw');
        for (const pid of Object.values(s.pids()))
            strict_1.default.ok(alive(pid));
        const ports = [s.ports.mon, s.ports.rgw];
        strict_1.default.ok(ports.every((p) => p !== 3300 && p !== 7480 && !(p >= 6800 && p <= 6803)), 'no default Ceph port');
        strict_1.default.ok(s.ports.osdMin > 6803 || s.ports.osdMax < 6800, 'OSD range avoids 6800-6803');
        // everything listens on loopback only
        const ss = await (0, run_1.runCommand)('ss', ['-ltnpH'], { timeout: 10_000 });
        const mine = ss.stdout
            .toString()
            .split('\n')
            .filter((l) => Object.values(s.pids()).some((pid) => l.includes(`pid=${pid},`)));
        strict_1.default.ok(mine.length >= 3, `listening sockets found:\n${mine.join('\n')}`);
        for (const l of mine)
            strict_1.default.match(l, /\s127\.0\.0\.1:\d+\s/, `loopback only: ${l}`);
    });
    (0, node_test_1.it)('s3sink | s3source round-trips a chunk set across 5 MiB chunk boundaries', async () => {
        for (const [name, size] of [
            ['twelve', 12 * MiB + 17],
            ['exact', 10 * MiB],
            ['empty', 0],
        ]) {
            const data = (0, data_1.seededBytes)(size, size);
            const put = await (0, run_1.runFilter)('s3sink', ['--chunk-size', '5M', '--allow-empty', `s3://${bucket}/${name}`], { input: data, env });
            strict_1.default.equal(put.code, 0, `s3sink ${name}: ${put.stderr}`);
            const list = await client.send(new client_s3_1.ListObjectsV2Command({ Bucket: bucket, Prefix: `${name}/` }));
            const keys = (list.Contents ?? []).map((o) => o.Key);
            strict_1.default.ok(keys.includes(`${name}/MANIFEST`), `${name}: manifest in ${keys.join(' ')}`);
            const chunks = keys.filter((k) => /\/\d{10}$/.test(k));
            strict_1.default.equal(chunks.length, Math.ceil(size / (5 * MiB)), `${name}: chunk count (${keys.join(' ')})`);
            const get = await (0, run_1.runFilter)('s3source', [`s3://${bucket}/${name}`], { env });
            strict_1.default.equal(get.code, 0, `s3source ${name}: ${get.stderr}`);
            strict_1.default.equal(get.stdout.length, size, `${name}: size`);
            strict_1.default.equal(sha(get.stdout), sha(data), `${name}: bytes`);
        }
    });
    (0, node_test_1.it)('s3sink --object | s3source round-trips one multipart object', async () => {
        const size = 12 * MiB + 5;
        const data = (0, data_1.seededBytes)(size, 7);
        const put = await (0, run_1.runFilter)('s3sink', ['--object', '--chunk-size', '5M', `s3://${bucket}/plain.bin`], { input: data, env });
        strict_1.default.equal(put.code, 0, `s3sink --object: ${put.stderr}`);
        const head = await client.send(new client_s3_1.HeadObjectCommand({ Bucket: bucket, Key: 'plain.bin' }));
        strict_1.default.equal(head.ContentLength, size);
        strict_1.default.match(head.ETag ?? '', /-3"$/, 'a 3-part multipart ETag on HEAD');
        for (const args of [[], ['--chunk-size', '5M']]) {
            const get = await (0, run_1.runFilter)('s3source', [...args, `s3://${bucket}/plain.bin`], { env });
            strict_1.default.equal(get.code, 0, `s3source ${args.join(' ')}: ${get.stderr}`);
            strict_1.default.equal(get.stdout.length, size);
            strict_1.default.equal(sha(get.stdout), sha(data));
        }
    });
    (0, node_test_1.it)('a second instance runs alongside without colliding, and stops cleanly', async () => {
        const other = await (0, rgw_1.startRgw)();
        const pids = other.pids();
        try {
            strict_1.default.notEqual(other.endpoint, s.endpoint);
            strict_1.default.notEqual(other.ports.mon, s.ports.mon);
            strict_1.default.ok(other.ports.osdMax < s.ports.osdMin || other.ports.osdMin > s.ports.osdMax, 'disjoint OSD port ranges');
            const otherEnv = (0, s3_1.s3Env)(other);
            const otherBucket = await (0, s3_1.freshBucket)((0, s3_1.testClient)(other), 'two');
            const data = (0, data_1.seededBytes)(MiB + 3, 3);
            const put = await (0, run_1.runFilter)('s3sink', [`s3://${otherBucket}/x`], { input: data, env: otherEnv });
            strict_1.default.equal(put.code, 0, put.stderr);
            const get = await (0, run_1.runFilter)('s3source', [`s3://${otherBucket}/x`], { env: otherEnv });
            strict_1.default.equal(sha(get.stdout), sha(data));
            // the first instance does not see the second's bucket
            const cross = await (0, run_1.runFilter)('s3source', [`s3://${otherBucket}/x`], { env });
            strict_1.default.notEqual(cross.code, 0, "NoSuchBucket on the first instance");
        }
        finally {
            const t0 = Date.now();
            await other.stop();
            strict_1.default.ok(Date.now() - t0 < 10_000, `stop took ${Date.now() - t0} ms`);
        }
        await assertAllGone(other, pids);
    });
    (0, node_test_1.it)('a port already taken fails at once, naming it, and leaves nothing behind', async () => {
        const holder = (0, node_net_1.createServer)();
        await new Promise((resolve) => holder.listen(0, '127.0.0.1', resolve));
        const taken = holder.address().port;
        const t0 = Date.now();
        let message = '';
        try {
            await strict_1.default.rejects((0, rgw_1.startRgw)({ ports: { mon: taken, rgw: s.ports.rgw + 1, osdMin: s.ports.osdMax + 2, osdMax: s.ports.osdMax + 17 } }), (err) => {
                message = err.message;
                strict_1.default.match(err.message, /mon \(ceph-mon\) exited during bring-up/);
                strict_1.default.match(err.message, new RegExp(`unable to bind to v2:127\\.0\\.0\\.1:${taken}/0: \\(98\\) Address already in use`));
                return true;
            });
        }
        finally {
            holder.close();
        }
        strict_1.default.ok(Date.now() - t0 < 10_000, `failed in ${Date.now() - t0} ms, not after bind retries`);
        await assertFailedCleanly(message);
    });
    (0, node_test_1.it)('daemons die with the test process even when it is SIGKILLed (no exit hook runs)', async () => {
        const script = `require(${JSON.stringify((0, node_path_1.join)(__dirname, 'helpers', 'rgw.js'))}).startRgw()
      .then((s) => console.log(JSON.stringify(s.pids())), (e) => { console.error(e.message); process.exit(1); });
      setInterval(() => {}, 1000);`;
        const child = (0, node_child_process_1.spawn)(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
        const pids = await new Promise((resolve, reject) => {
            let out = '';
            child.stdout.on('data', (c) => {
                out += c.toString();
                if (out.includes('\n'))
                    resolve(JSON.parse(out));
            });
            child.once('exit', (code) => reject(new Error(`child exited ${code} before RGW was up`)));
        });
        for (const pid of Object.values(pids))
            strict_1.default.ok(alive(pid));
        child.kill('SIGKILL');
        const end = Date.now() + 10_000;
        while (Object.values(pids).some(alive) && Date.now() < end)
            await new Promise((r) => setTimeout(r, 50));
        for (const [name, pid] of Object.entries(pids))
            strict_1.default.ok(!alive(pid), `${name} (pid ${pid}) died with its parent`);
        // its temp dir is left behind; the next startRgw() sweeps it (owner pid gone)
    });
    (0, node_test_1.it)('a failed bring-up fails loudly with the logs and leaves nothing behind', async () => {
        const t0 = Date.now();
        let message = '';
        await strict_1.default.rejects((0, rgw_1.startRgw)({ timeoutMs: 400 }), (err) => {
            strict_1.default.match(err.message, /Ceph RGW did not start \(.+\) after \d+ ms: timed out after 400 ms/);
            // Which step the deadline hits depends on the machine's load; whatever ran, its log is shown.
            strict_1.default.match(err.message, /\n----- \S+ \(last \d+ of \d+ lines\) -----\n/, 'a log tail included');
            message = err.message;
            return true;
        });
        strict_1.default.ok(Date.now() - t0 < 10_000, 'fails within the bound, not after a hang');
        await assertFailedCleanly(message);
    });
});
