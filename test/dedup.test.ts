import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { filterPath, runFilter, stderrLines, type RunResult } from './helpers/run';
import { freshBucket, keysUnder, s3Env, testClient, type S3TestServer } from './helpers/s3';
import { S3_SERVERS } from './helpers/s3servers';
import { FaultProxy } from './helpers/fault-proxy';
import { waitFor } from './helpers/wait';
import { seededBytes, sha256 } from './helpers/data';
import { readManifest } from '../lib/s3/object-io';
import { chunkAreaPrefix, manifestKey, type Manifest } from '../lib/s3/layout';

/**
 * Deduplicated chunk sets (s3sink --dedup): content-defined chunks stored once under
 * NAME/chunks/, every generation restorable after every kind of change, garbage
 * collection safe against concurrent uploads and kill -9, --check reading each shared
 * chunk once. Small averages (4K) and short leases (10s) keep every case fast; the
 * protocol is the same at 256K and 10m. Inputs are a few dozen chunks: enough that a
 * change, a kill or a fault hits some chunks and spares the rest, since every chunk is a
 * PUT, a GET per restore and a key in every listing, and CPU is what the suite lacks.
 *
 * Why not shorter leases: an upload (and a collection) renews its lease every quarter of
 * the lease and gives up (LeaseLapsed, "the lease ... may have expired") once three
 * quarters have passed without a completed renewal (lib/s3/dedup-lease.ts). At 5s that
 * is 3.75 s, and at load 30 on 2 cores, with every case at once, a renewal PUT took longer
 * (a starved event loop, a slow server) and uploads failed; 10s has held at that load.
 * Every case has a set of its own, so two cases of a server, and the two servers, run at
 * once: most of the wall time is child processes starting and the grace periods, which
 * overlap; more cases at once let 10s leases lapse too.
 */

const KiB = 1024;
const DEDUP = ['--dedup', '--chunk-size', '4K', '--lease', '10s'];
const LEASE_MS = 10_000;
const CHUNK_PUT = /\/chunks\/[0-9a-f]{2}\/[0-9a-f]{64}/;

/** Bytes that differ from `base` as an edit would: `at` replaced by `insert`, `remove` bytes dropped. */
function edit(base: Buffer, at: number, insert: Buffer, remove = 0): Buffer {
  return Buffer.concat([base.subarray(0, at), insert, base.subarray(at + remove)]);
}

function spawnSink(args: string[], input: Buffer, env: NodeJS.ProcessEnv): { child: ChildProcess; exited: Promise<RunResult> } {
  const child = spawn(process.execPath, [filterPath('s3sink'), ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c));
  child.stdout!.resume();
  child.stdin!.on('error', () => {});
  child.stdin!.end(input);
  const exited = new Promise<RunResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.alloc(0), stderr })));
  return { child, exited };
}

describe('deduplicated sets', { concurrency: true }, () => {
  for (const server of S3_SERVERS) {
    describe(`deduplicated sets on ${server.kind}`, { concurrency: 2 }, () => {
      let s: S3TestServer;
      let client: S3Client;
      let bucket: string;
      let env: NodeJS.ProcessEnv;
      let n = 0;
      const fresh = () => `dedup${++n}`;
      const url = (name: string) => `s3://${bucket}/${name}`;
      const sink = (name: string, input: Buffer, args: string[] = DEDUP, e = env) => runFilter('s3sink', [...args, url(name)], { input, env: e });
      const source = (name: string, args: string[] = []) => runFilter('s3source', [...args, url(name)], { env });
      /** An upload that must succeed: its stderr is the failure message. */
      const stored = async (...args: Parameters<typeof sink>) => {
        const r = await sink(...args);
        assert.equal(r.code, 0, r.stderr);
      };

      before(async () => {
        s = await server.start();
        client = testClient(s);
        bucket = await freshBucket(client, 'dedup');
        env = s3Env(s);
      });
      after(() => s.stop());

      async function manifests(name: string): Promise<Manifest[]> {
        const gens = (await keysUnder(client, bucket, `${name}/`)).filter((k) => /\/\d{8}T\d{9}Z-[0-9a-f]{8}\/MANIFEST$/.test(k));
        return (await Promise.all(gens.map((k) => readManifest(client, bucket, k)))).filter((m): m is Manifest => m !== undefined);
      }

      /**
       * The end state every case must leave: no generation names a missing chunk, and every
       * generation reads back verified; returns the unreferenced chunks. The read is
       * s3source --check --all-generations, unless the case restored every generation
       * itself (`restored`, GEN ids): a restore reads and verifies every chunk the same way.
       */
      async function assertConsistent(name: string, restored: string[] = []): Promise<string[]> {
        const stored = new Set(await keysUnder(client, bucket, chunkAreaPrefix(name)));
        const referenced = new Set<string>();
        const current = await readManifest(client, bucket, manifestKey(name));
        const gens = [...(await manifests(name)), ...(current ? [current] : [])];
        for (const m of gens) {
          for (const c of m.chunks) {
            referenced.add(c.key);
            assert.ok(stored.has(c.key) || !c.key.includes('/chunks/'), `generation ${m.generation} names the missing chunk ${c.key}`);
          }
        }
        if (!gens.every((m) => restored.includes(m.generation))) {
          const check = await source(name, ['--check', '--all-generations']);
          assert.equal(check.code, 0, check.stderr);
        }
        return [...stored].filter((k) => !referenced.has(k));
      }

      it('round-trips every generation after every kind of change; later uploads dedup without the flag', async () => {
        const name = fresh();
        const base = seededBytes(128 * KiB, 1);
        const versions: [string, Buffer][] = [
          ['the first upload', base],
          ['bytes changed in place', edit(base, 40_000, seededBytes(3000, 2), 3000)],
          ['one byte inserted at the front', Buffer.concat([Buffer.from([7]), base])],
          ['a block removed', edit(base, 64_000, Buffer.alloc(0), 8000)],
          ['the same bytes again', base],
        ];
        for (const [i, [what, data]] of versions.entries()) {
          const args = i === 0 ? [...DEDUP, '--keep', '10'] : ['--keep', '10'];
          const r = await sink(name, data, args);
          assert.equal(r.code, 0, `${what}: ${r.stderr}`);
          const closing = stderrLines(r).at(-1)!;
          assert.match(closing, /^s3sink: stored \d[\d.]* [KMGTP]?i?B \((\d[\d.]* [KMGTP]?i?B) new, (\d+)% deduplicated\) in \d+ chunks at /, what);
          const shared = Number(/(\d+)% deduplicated/.exec(closing)![1]);
          if (i === 0) assert.equal(shared, 0, closing);
          else if (i < versions.length - 1) assert.ok(shared >= 80, `${what}: ${closing}`);
          else assert.match(closing, /\(0 B new, 100% deduplicated\)/);
        }
        const gens = await manifests(name);
        assert.equal(gens.length, versions.length);
        for (const m of gens) {
          assert.ok(m.dedup, `generation ${m.generation} is deduplicated`);
          for (const c of m.chunks) assert.equal(c.key, `${name}/chunks/${c.sha256.slice(0, 2)}/${c.sha256}`);
        }
        const restored = await Promise.all(versions.map((_, i) => source(name, ['--generation', `~${versions.length - 1 - i}`])));
        for (const [i, [what, data]] of versions.entries()) {
          assert.equal(restored[i].code, 0, `${what}: ${restored[i].stderr}`);
          assert.equal(sha256(restored[i].stdout), sha256(data), `generation ~${versions.length - 1 - i}: ${what}`);
        }
        // ~0 to ~4 are the five committed generations (counted above): each one was read back.
        assert.deepEqual(await assertConsistent(name, gens.map((m) => m.generation)), []);
      });

      it('s3ls --generations -l shows each generation size and new bytes; s3ls --sets -l stored beside logical', async () => {
        const name = fresh();
        const base = seededBytes(64 * KiB, 4);
        await stored(name, base);
        await stored(name, Buffer.concat([base, seededBytes(1000, 5)]), ['--keep', '2']);
        const r = await runFilter('s3ls', ['--generations', '-l', url(name)], { env });
        assert.equal(r.code, 0, r.stderr);
        const rows = r.stdout.toString().trim().split('\n').map((l) => l.split('\t'));
        assert.equal(rows.length, 2);
        const [newer, older] = rows;
        assert.equal(newer[2], String(base.length + 1000));
        assert.equal(older[2], String(base.length));
        assert.equal(older[6], String(base.length), 'the first upload stored every byte');
        assert.ok(Number(newer[6]) < 20 * KiB, `new bytes of the second: ${newer[6]}`);
        const plain = await runFilter('s3ls', ['--generations', url(name)], { env });
        assert.equal(plain.stdout.toString().trim().split('\n')[0].split('\t').length, 6, 'without -l the columns are those of plain sets');
        const sets = await runFilter('s3ls', ['--sets', '-l', url(name)], { env });
        assert.equal(sets.code, 0, sets.stderr);
        const cols = sets.stdout.toString().trim().split(/\s+/);
        assert.equal(Number(cols[1]), 2 * base.length + 1000, `logical: ${cols}`);
        assert.ok(Number(cols[2]) < base.length + 20 * KiB, `stored: ${cols}`);
      });

      it('retention (--keep) and s3rm --generation remove the chunks no kept generation uses, after the grace period', async () => {
        const name = fresh();
        const [a, b, c] = [6, 7, 8].map((seed) => seededBytes(32 * KiB, seed));
        const chunksOf = async () => new Set((await keysUnder(client, bucket, chunkAreaPrefix(name))).sort());
        const referenced = async () => new Set((await manifests(name)).flatMap((m) => m.chunks.map((ch) => ch.key)).sort());
        // The default lease (10m) is the grace period: retention drops generation a, its young chunks stay.
        await stored(name, a, ['--dedup', '--chunk-size', '4K']);
        await stored(name, b, ['--keep', '1']);
        assert.ok((await assertConsistent(name)).length > 0, "a's chunks wait out the grace period");
        // A shorter lease from now on; once it has passed, the next round (here s3rm's,
        // removing b) removes every unreferenced chunk.
        await stored(name, c, [...DEDUP, '--keep', '2']);
        await new Promise((r) => setTimeout(r, LEASE_MS + 1100));
        const rm = await runFilter('s3rm', ['--generation', '~1', url(name)], { env });
        assert.equal(rm.code, 0, rm.stderr);
        const back = await source(name);
        assert.equal(back.code, 0, back.stderr);
        assert.equal(sha256(back.stdout), sha256(c));
        const current = (await readManifest(client, bucket, manifestKey(name)))!.generation;
        assert.deepEqual((await manifests(name)).map((m) => m.generation), [current], 'c alone is left, and it was just restored');
        assert.deepEqual(await assertConsistent(name, [current]), []);
        assert.deepEqual(await chunksOf(), await referenced());
      });

      it('a chunk corrupted in place fails --check and s3source, naming every generation that uses it', async () => {
        const name = fresh();
        const base = seededBytes(32 * KiB, 9);
        await stored(name, base);
        await stored(name, Buffer.concat([base, seededBytes(5000, 10)]), ['--keep', '2']);
        const [older, newer] = (await manifests(name)).sort((x, y) => (x.generation < y.generation ? -1 : 1));
        const shared = older.chunks[0];
        assert.equal(newer.chunks[0].key, shared.key);
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: shared.key, Body: seededBytes(shared.size, 11) }));
        const check = await source(name, ['--check', '--all-generations']);
        assert.equal(check.code, 1);
        const lines = stderrLines(check);
        for (const g of [older, newer]) {
          assert.ok(lines.some((l) => l.startsWith(`BAD ${g.generation} chunk 0: `) && l.includes(shared.key)), `${g.generation} in:\n${check.stderr}`);
        }
        const r = await source(name);
        assert.equal(r.code, 1);
        assert.ok(stderrLines(r).some((l) => l.includes(shared.key) && l.includes(older.generation) && l.includes(newer.generation)), r.stderr);
      });

      it('two writers at once, each with a retention that removes the other one base: both sets of chunks hold', async () => {
        const name = fresh();
        const base = seededBytes(64 * KiB, 12);
        await stored(name, base);
        const one = edit(base, 1000, seededBytes(2000, 13));
        const two = edit(base, 48_000, seededBytes(2000, 14));
        const [r1, r2] = await Promise.all([sink(name, one, ['--keep', '1']), sink(name, two, ['--keep', '1'])]);
        assert.equal(r1.code, 0, r1.stderr);
        assert.equal(r2.code, 0, r2.stderr);
        const r = await source(name);
        assert.ok([sha256(one), sha256(two)].includes(sha256(r.stdout)), 'the current generation is one of the two uploads');
        // Restored after both exited: --check reads back only what else is left (each retention
        // usually leaves the current generation alone).
        await assertConsistent(name, [(await readManifest(client, bucket, manifestKey(name)))!.generation]);
      });

      it('kill -9 during a deduplicated upload, then --resume sends only what is missing', async () => {
        const name = fresh();
        const data = seededBytes(128 * KiB, 15);
        const proxy = await FaultProxy.start(s.endpoint);
        try {
          const slow = s3Env(s, proxy.endpoint);
          // The 20th chunk PUT is held, so the kill lands before the commit; with -j 2 at most
          // one of the 19 before it is still in flight, so --resume can skip 18: it must skip 16.
          proxy.add({ fault: 'delay', method: 'PUT', url: CHUNK_PUT, nth: 20 });
          const { child, exited } = spawnSink([...DEDUP, '-j', '2', url(name)], data, slow);
          await waitFor(() => proxy.injected.delay > 0, 60_000, 'the 20th of 27 chunk PUTs held');
          child.kill('SIGKILL');
          await exited;
          proxy.clear().releaseDelayed();
          const r = await sink(name, data, [...DEDUP, '--resume']);
          assert.equal(r.code, 0, r.stderr);
          const resumed = Number(/resumed: (\d+) chunks/.exec(r.stderr)?.[1]);
          assert.ok(resumed >= 16, r.stderr);
          const back = await source(name);
          assert.equal(sha256(back.stdout), sha256(data));
        } finally {
          await proxy.close();
        }
      });

      it("the fault proxy's faults during a deduplicated upload: a byte-identical round trip, or a clean failure with the last good generation intact", async () => {
        const name = fresh();
        const good = seededBytes(48 * KiB, 16);
        await stored(name, good);
        const proxy = await FaultProxy.start(s.endpoint, 3);
        try {
          const faulty = s3Env(s, proxy.endpoint);
          proxy.maxPerKey = 3;
          for (const fault of ['reset', 'error500', 'slowdown', 'truncate'] as const) proxy.add({ fault, rate: 0.15 });
          let lastGood = good;
          for (let round = 0; round < 3; round++) {
            const data = edit(good, 1000 * (round + 1), seededBytes(4000, 17 + round));
            const r = await sink(name, data, ['--keep', '3'], faulty);
            const back = await source(name);
            assert.equal(back.code, 0, back.stderr);
            if (r.code === 0) assert.equal(sha256(back.stdout), sha256(data), `round ${round}`);
            else {
              assert.equal(stderrLines(r).length, 1, r.stderr);
              // A failure leaves the last good generation current, or the new one whole
              // when its commit landed and only the answer was lost.
              assert.ok([sha256(lastGood), sha256(data)].includes(sha256(back.stdout)), `round ${round}: s3source returned neither the last good generation nor the new one`);
            }
            if (sha256(back.stdout) === sha256(data)) lastGood = data;
          }
          proxy.clear();
          await assertConsistent(name);
        } finally {
          await proxy.close();
        }
      });

      it('soak: concurrent writers and a prune, kill -9 at random points; no generation loses a chunk, no garbage outlives a round and the grace period', async () => {
        const name = fresh();
        const base = seededBytes(64 * KiB, 20);
        await stored(name, base);
        let seed = 42;
        const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
        for (let run = 0; run < 3; run++) {
          const writers = [0, 1].map((w) => spawnSink([...DEDUP, '--keep', '2', url(name)], edit(base, Math.floor(random() * 48_000), seededBytes(3000, 100 + run * 2 + w)), env));
          const prune = runFilter('s3rm', ['--prune', '--keep', '1', url(name)], { env });
          const victim = writers[Math.floor(random() * 2)];
          setTimeout(() => victim.child.kill('SIGKILL'), 50 + Math.floor(random() * 400));
          await Promise.all([...writers.map((w) => w.exited), prune]);
          await assertConsistent(name);
        }
        // One more round after the grace period (and the killed uploads' leases) expired collects everything left.
        await new Promise((r) => setTimeout(r, LEASE_MS + 1100));
        const last = await runFilter('s3rm', ['--prune', '--keep', '1', url(name)], { env });
        assert.equal(last.code, 0, last.stderr);
        assert.deepEqual(await assertConsistent(name), [], 'no chunk outlives its last reference');
      });
    });
  }
});
