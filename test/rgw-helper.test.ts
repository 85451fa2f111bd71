import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { runCommand, runFilter } from './helpers/run';
import { freshBucket, s3Env, testClient } from './helpers/s3';
import { seededBytes } from './helpers/data';
import { startRgw, type RgwServer } from './helpers/rgw';
import { pollUntil } from './helpers/wait';

const MiB = 2 ** 20;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Ceph processes started for this instance: their command lines name its temp dir. */
async function cephProcessesOf(s: RgwServer): Promise<string> {
  const r = await runCommand('pgrep', ['-a', '-f', s.dir], { timeout: 10_000 });
  return r.stdout.toString().trim();
}

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function assertAllGone(s: RgwServer, pids: ReturnType<RgwServer['pids']>): Promise<void> {
  assert.equal(await cephProcessesOf(s), '', 'no ceph process of this instance is left');
  for (const [name, pid] of Object.entries(pids)) assert.ok(!alive(pid), `${name} (pid ${pid}) has exited`);
  assert.ok(!existsSync(s.dir), `temp dir ${s.dir} is removed`);
}

/** The temp dirs a start-up error names are gone, and no process runs from them. */
async function assertFailedCleanly(message: string): Promise<void> {
  const dirs = [...message.matchAll(/(\/\S+\/pipekit-rgw-[A-Za-z0-9]+)/g)].map((m) => m[1]);
  assert.ok(dirs.length > 0, 'the error names the temp dir');
  for (const dir of dirs) {
    assert.ok(!existsSync(dir), `${dir} removed`);
    const r = await runCommand('pgrep', ['-a', '-f', dir], { timeout: 10_000 });
    assert.equal(r.stdout.toString().trim(), '', 'no process of the failed instance left');
  }
}

describe('Ceph RGW test helper', () => {
  let s: RgwServer;
  let client: S3Client;
  let bucket: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    s = await startRgw();
    client = testClient(s);
    bucket = await freshBucket(client, 'rgw');
    env = s3Env(s);
  });
  after(async () => {
    client?.destroy();
    if (!s) return;
    const pids = s.pids();
    await s.stop();
    await assertAllGone(s, pids);
  });

  it('brings up a single-node cluster on loopback with ports of its own', async (t) => {
    const rss = await s.rss();
    t.diagnostic(`bring-up ${s.startupMs} ms (${Object.entries(s.timings).map(([k, v]) => `${k.split(" (")[0]} ${v}`).join(", ")}); RSS mon ${rss.mon >> 10} MiB, osd ${rss.osd >> 10} MiB, rgw ${rss.rgw >> 10} MiB, total ${rss.total >> 10} MiB`);
    assert.match(s.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(s.kind, 'rgw');
    for (const pid of Object.values(s.pids())) assert.ok(alive(pid));
    const ports = [s.ports.mon, s.ports.rgw];
    assert.ok(ports.every((p) => p !== 3300 && p !== 7480 && !(p >= 6800 && p <= 6803)), 'no default Ceph port');
    assert.ok(s.ports.osdMin > 6803 || s.ports.osdMax < 6800, 'OSD range avoids 6800-6803');
    // everything listens on loopback only
    const ss = await runCommand('ss', ['-ltnpH'], { timeout: 10_000 });
    const mine = ss.stdout
      .toString()
      .split('\n')
      .filter((l) => Object.values(s.pids()).some((pid) => l.includes(`pid=${pid},`)));
    assert.ok(mine.length >= 3, `listening sockets found:\n${mine.join('\n')}`);
    for (const l of mine) assert.match(l, /\s127\.0\.0\.1:\d+\s/, `loopback only: ${l}`);
  });

  it('s3sink | s3source round-trips a chunk set across 5 MiB chunk boundaries', async () => {
    for (const [name, size] of [
      ['twelve', 12 * MiB + 17],
      ['exact', 10 * MiB],
      ['empty', 0],
    ] as const) {
      const data = seededBytes(size, size);
      const put = await runFilter('s3sink', ['--chunk-size', '5M', '--allow-empty', `s3://${bucket}/${name}`], { input: data, env });
      assert.equal(put.code, 0, `s3sink ${name}: ${put.stderr}`);
      const list = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${name}/` }));
      const keys = (list.Contents ?? []).map((o) => o.Key!);
      assert.ok(keys.includes(`${name}/MANIFEST`), `${name}: manifest in ${keys.join(' ')}`);
      const chunks = keys.filter((k) => /\/\d{10}$/.test(k));
      assert.equal(chunks.length, Math.ceil(size / (5 * MiB)), `${name}: chunk count (${keys.join(' ')})`);
      const get = await runFilter('s3source', [`s3://${bucket}/${name}`], { env });
      assert.equal(get.code, 0, `s3source ${name}: ${get.stderr}`);
      assert.equal(get.stdout.length, size, `${name}: size`);
      assert.equal(sha(get.stdout), sha(data), `${name}: bytes`);
    }
  });

  it('s3sink --object | s3source round-trips one multipart object', async () => {
    const size = 12 * MiB + 5;
    const data = seededBytes(size, 7);
    const put = await runFilter('s3sink', ['--object', '--chunk-size', '5M', `s3://${bucket}/plain.bin`], { input: data, env });
    assert.equal(put.code, 0, `s3sink --object: ${put.stderr}`);
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'plain.bin' }));
    assert.equal(head.ContentLength, size);
    assert.match(head.ETag ?? '', /-3"$/, 'a 3-part multipart ETag on HEAD');
    for (const args of [[], ['--chunk-size', '5M']]) {
      const get = await runFilter('s3source', [...args, `s3://${bucket}/plain.bin`], { env });
      assert.equal(get.code, 0, `s3source ${args.join(' ')}: ${get.stderr}`);
      assert.equal(get.stdout.length, size);
      assert.equal(sha(get.stdout), sha(data));
    }
  });

  it('a second instance runs alongside without colliding, and stops cleanly', async () => {
    const other = await startRgw();
    const pids = other.pids();
    try {
      assert.notEqual(other.endpoint, s.endpoint);
      assert.notEqual(other.ports.mon, s.ports.mon);
      assert.ok(other.ports.osdMax < s.ports.osdMin || other.ports.osdMin > s.ports.osdMax, 'disjoint OSD port ranges');
      const otherEnv = s3Env(other);
      const otherBucket = await freshBucket(testClient(other), 'two');
      const data = seededBytes(MiB + 3, 3);
      const put = await runFilter('s3sink', [`s3://${otherBucket}/x`], { input: data, env: otherEnv });
      assert.equal(put.code, 0, put.stderr);
      const get = await runFilter('s3source', [`s3://${otherBucket}/x`], { env: otherEnv });
      assert.equal(sha(get.stdout), sha(data));
      // the first instance does not see the second's bucket
      const cross = await runFilter('s3source', [`s3://${otherBucket}/x`], { env });
      assert.notEqual(cross.code, 0, "NoSuchBucket on the first instance");
    } finally {
      const t0 = Date.now();
      await other.stop();
      assert.ok(Date.now() - t0 < 10_000, `stop took ${Date.now() - t0} ms`);
    }
    await assertAllGone(other, pids);
  });

  it('a port already taken fails at once, naming it, and leaves nothing behind', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const taken = (holder.address() as { port: number }).port;
    const t0 = Date.now();
    let message = '';
    try {
      await assert.rejects(
        startRgw({ ports: { mon: taken, rgw: s.ports.rgw + 1, osdMin: s.ports.osdMax + 2, osdMax: s.ports.osdMax + 17 } }),
        (err: Error) => {
          message = err.message;
          assert.match(err.message, /mon \(ceph-mon\) exited during bring-up/);
          assert.match(err.message, new RegExp(`unable to bind to v2:127\\.0\\.0\\.1:${taken}/0: \\(98\\) Address already in use`));
          return true;
        },
      );
    } finally {
      holder.close();
    }
    assert.ok(Date.now() - t0 < 10_000, `failed in ${Date.now() - t0} ms, not after bind retries`);
    await assertFailedCleanly(message);
  });

  it('daemons die with the test process even when it is SIGKILLed (no exit hook runs)', async () => {
    const script = `require(${JSON.stringify(join(__dirname, 'helpers', 'rgw.js'))}).startRgw()
      .then((s) => console.log(JSON.stringify(s.pids())), (e) => { console.error(e.message); process.exit(1); });
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pids = await new Promise<Record<string, number>>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve(JSON.parse(out));
      });
      child.once('exit', (code) => reject(new Error(`child exited ${code} before RGW was up`)));
    });
    for (const pid of Object.values(pids)) assert.ok(alive(pid));
    child.kill('SIGKILL');
    await pollUntil(() => !Object.values(pids).some(alive), 10_000, 50);
    for (const [name, pid] of Object.entries(pids)) assert.ok(!alive(pid), `${name} (pid ${pid}) died with its parent`);
    // its temp dir is left behind; the next startRgw() sweeps it (owner pid gone)
  });

  it('a failed bring-up fails loudly with the logs and leaves nothing behind', async () => {
    const t0 = Date.now();
    let message = '';
    await assert.rejects(startRgw({ timeoutMs: 400 }), (err: Error) => {
      assert.match(err.message, /Ceph RGW did not start \(.+\) after \d+ ms: timed out after 400 ms/);
      // Which step the deadline hits depends on the machine's load; whatever ran, its log is shown.
      assert.match(err.message, /\n----- \S+ \(last \d+ of \d+ lines\) -----\n|\n\(no log written yet\)$/, 'a log tail included, or word that there is none yet');
      message = err.message;
      return true;
    });
    assert.ok(Date.now() - t0 < 10_000, 'fails within the bound, not after a hang');
    await assertFailedCleanly(message);
  });
});
