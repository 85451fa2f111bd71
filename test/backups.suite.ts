import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { filterPath, runFilter, type RunResult, stderrLines } from './helpers/run';
import { freshBucket, getObjectBytes, keysUnder, s3Env, storeSet, testClient, type S3TestServer } from './helpers/s3';
import { FaultProxy } from './helpers/fault-proxy';
import { waitFor } from './helpers/wait';
import { seededBytes, sha256 } from './helpers/data';
import { listPages } from '../lib/s3/lister';
import { chunkKey, generationManifestKey, manifestKey, newGeneration, MANIFEST_FORMAT, type Manifest } from '../lib/s3/layout';

/**
 * Backups you can go back to (design.md, "Backups"): a failed producer commits nothing,
 * every kept generation restores, retention follows restic forget, --check reads
 * without writing, --resume sends only what an interrupted upload lacks. Every case
 * runs the filters as a shell does, on s3rver and on Ceph RGW.
 */

const MiB = 2 ** 20;
const CHUNK = 5 * MiB;
const SMALL = ['--chunk-size', '5M'];


/** Run a filter with a file as its stdin (a regular file, as `s3sink < file`). */
function runWithFile(name: string, args: string[], file: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  const fd = openSync(file, 'r');
  const child = spawn(process.execPath, [filterPath(name), ...args], { env, stdio: [fd, 'pipe', 'pipe'] });
  closeSync(fd);
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => out.push(c));
  child.stderr!.on('data', (c: Buffer) => (stderr += c));
  return new Promise((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out), stderr })),
  );
}

/**
 * The suite on one server; backups-s3rver.test.ts and backups-rgw.test.ts run it, as two
 * files so that CI's runner runs them side by side. `usageErrors`: also run the cases that
 * end in flag parsing, before any request; they need no server, so one file runs them.
 */
export function backupsOn(server: { kind: string; start: () => Promise<S3TestServer>; usageErrors?: boolean }): void {
  describe(`backups on ${server.kind}`, () => {
    let s: S3TestServer;
    let client: S3Client;
    let bucket: string;
    let env: NodeJS.ProcessEnv;
    let dir: string;
    let n = 0;
    const fresh = () => `backup${++n}`;
    const url = (name: string) => `s3://${bucket}/${name}`;

    before(async () => {
      s = await server.start();
      client = testClient(s);
      bucket = await freshBucket(client, 'gens');
      env = s3Env(s);
      dir = mkdtempSync(join(tmpdir(), 'pipekit-backups-'));
    });
    after(async () => {
      rmSync(dir, { recursive: true, force: true });
      await s.stop();
    });

    const sink = (name: string, input: Buffer | string, args: string[] = SMALL) => runFilter('s3sink', [...args, url(name)], { input, env });
    const source = (name: string, args: string[] = []) => runFilter('s3source', [...args, url(name)], { env });
    const file = (base: string, data: Buffer) => {
      const path = join(dir, base);
      writeFileSync(path, data);
      return path;
    };

    async function assertRestores(name: string, data: Buffer, what: string): Promise<void> {
      const r = await source(name);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(sha256(r.stdout), sha256(data), what);
    }

    /** Every object under NAME/ with its size and ETag: equal snapshots are the same stored set, byte for byte. */
    async function snapshot(name: string): Promise<string[]> {
      const objects: string[] = [];
      for await (const page of listPages({ client, bucket, prefix: `${name}/` })) {
        for (const e of page) {
          if (!('key' in e)) continue;
          assert.ok(e.etag, `the listing gives ${e.key} an ETag`);
          objects.push(`${e.key} ${e.size} ${e.etag}`);
        }
      }
      return objects;
    }

    /** The committed generations' GEN ids, newest first, as the bucket holds them (NAME/GEN/MANIFEST). */
    async function committed(name: string): Promise<string[]> {
      const gens = (await keysUnder(client, bucket, `${name}/`)).map((k) => k.split('/')).filter((p) => p.length === 3 && p[2] === 'MANIFEST');
      return gens.map((p) => p[1]).sort().reverse();
    }

    describe('commit only what the producer finished', () => {
      let name: string;
      const good = seededBytes(CHUNK + 123, 1);
      // Two whole chunks and a part: the failures below come after chunks are uploaded.
      const bigData = seededBytes(2 * CHUNK + 7, 2);
      let big: string;
      let stored: string[];
      before(async () => {
        name = fresh();
        assert.equal((await sink(name, good)).code, 0);
        await assertRestores(name, good, 'the generation the failures must leave alone');
        stored = await snapshot(name);
        assert.equal(stored.length, 4, 'two chunks and two manifests');
        big = file('ten-mib', bigData);
      });

      const failing: { what: string; args: () => string[]; line: string; code: number }[] = [
        { what: 'a producer that exits 3 after 10 MiB', args: () => ['--', 'sh', '-c', `cat '${big}'; exit 3`], line: 's3sink: not committed: sh exited 3', code: 1 },
        { what: 'a producer killed by a signal', args: () => ['--', 'sh', '-c', `head -c 6000000 '${big}'; kill -KILL $$`], line: 's3sink: not committed: sh killed by SIGKILL', code: 1 },
        { what: 'an empty stream with --min-size 1', args: () => ['--min-size', '1'], line: 's3sink: not committed: the stream is 0 bytes, shorter than the minimum of 1', code: 1 },
        { what: 'an empty producer with --min-size 1', args: () => ['--min-size', '1', '--', 'true'], line: 's3sink: not committed: the stream is 0 bytes, shorter than the minimum of 1', code: 1 },
        { what: 'a command that is not found', args: () => ['--', 'no-such-command-pipekit'], line: 's3sink: not committed: cannot run no-such-command-pipekit: command not found', code: 2 },
      ];
      for (const c of failing) {
        it(`${c.what}: exit ${c.code}, one line, the previous generation restores`, async () => {
          const [before, after] = c.args().includes('--') ? [c.args().slice(0, c.args().indexOf('--')), c.args().slice(c.args().indexOf('--'))] : [c.args(), []];
          const r = await runFilter('s3sink', [...SMALL, ...before, url(name), ...after], { input: '', env });
          assert.deepEqual(stderrLines(r), [`${c.line}`]);
          assert.equal(r.code, c.code);
          // Every object as it was when the set restored (before): nothing was committed, and
          // nothing of the refused stream is left behind (it must never be resumed).
          assert.deepEqual(await snapshot(name), stored, 'the stored set changed');
        });
      }

      it('the command form stores the producer stdout byte-identical; its stderr passes through', async () => {
        const r = await runFilter('s3sink', [...SMALL, '-q', url(name), '--', 'sh', '-c', `cat '${big}'; echo note >&2`], { input: '', env });
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(stderrLines(r), ['note']);
        await assertRestores(name, bigData, 'the command output');
      });

      it('SIGTERM to s3sink is forwarded to the producer; nothing is committed', async () => {
        const started = join(dir, 'started');
        const got = join(dir, 'got-term');
        const script = `trap 'echo TERM > ${got}; exit 1' TERM; head -c 1000 '${big}'; : > ${started}; while :; do sleep 0.05; done`;
        const child = spawn(process.execPath, [filterPath('s3sink'), ...SMALL, url(name), '--', 'sh', '-c', script], { env, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr!.on('data', (c: Buffer) => (stderr += c));
        const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
        await waitFor(() => existsSync(started), 20_000, 'the producer to start');
        child.kill('SIGTERM');
        assert.equal(await exited, 143);
        assert.equal(stderr, 's3sink: interrupted\n');
        await waitFor(() => existsSync(got), 20_000, 'the producer to get SIGTERM');
        await assertRestores(name, bigData, 'the commit before');
      });

      if (server.usageErrors) {
        it('-- with no command, and --object with --resume: usage errors', async () => {
          for (const args of [[url(name), '--'], ['--object', '--resume', url(name)], ['--object', '--keep', '2', url(name)]]) {
            const r = await runFilter('s3sink', args, { input: '', env });
            assert.equal(r.code, 2, r.stderr);
            assert.match(r.stderr, /^s3sink: .*; see s3sink --help\n$/);
          }
        });
      }
    });

    describe('every kept generation is listed and restorable', () => {
      let name: string;
      const inputs = [seededBytes(CHUNK * 2 + 1, 11), seededBytes(77, 12), seededBytes(CHUNK, 13)];
      let gens: string[];
      before(async () => {
        name = fresh();
        for (const data of inputs) assert.equal((await sink(name, data, [...SMALL, '--keep', '3'])).code, 0);
        gens = await committed(name);
      });

      const generations = async (args: string[] = []) => {
        const r = await runFilter('s3ls', ['--generations', ...args, url(name)], { env });
        assert.equal(r.code, 0, r.stderr);
        return r.stdout.toString().trimEnd().split('\n');
      };

      it('s3ls --generations: three lines, newest first, GEN CREATED SIZE CHUNKS SHA256 current|-', async () => {
        const lines = (await generations()).map((l) => l.split('\t'));
        assert.equal(lines.length, 3);
        assert.deepEqual(lines.map((l) => l[5]), ['current', '-', '-']);
        assert.deepEqual(lines.map((l) => Number(l[2])), inputs.map((d) => d.length).reverse());
        assert.deepEqual(lines.map((l) => Number(l[3])), [1, 1, 3]);
        assert.deepEqual(lines.map((l) => l[4]), inputs.map(sha256).reverse());
        for (const l of lines) assert.match(l[1], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        assert.deepEqual(lines.map((l) => l[0]), gens, 'newest first, each committed GEN');
        const human = (await generations(['-h'])).map((l) => l.split('\t')[2]);
        assert.deepEqual(human, ['5.0M', '77', '10M']);
        const json = (await generations(['--json'])).map((l) => JSON.parse(l) as { generation: string; current: boolean; size: number });
        assert.deepEqual(json.map((j) => [j.generation, j.current, j.size]), lines.map((l) => [l[0], l[5] === 'current', Number(l[2])]));
      });

      it('s3source --generation ~2 and the same GEN id restore the first input; ~0 the current one', async () => {
        for (const ref of ['~2', gens[2]]) {
          const r = await source(name, ['--generation', ref]);
          assert.equal(r.code, 0, r.stderr);
          assert.equal(sha256(r.stdout), sha256(inputs[0]), ref);
        }
        assert.equal(sha256((await source(name, ['-g', '~0'])).stdout), sha256(inputs[2]));
      });

      it('an unknown generation: exit 1, one line that says how many exist', async () => {
        for (const ref of ['~3', '20200101T000000000Z-00000000']) {
          const r = await source(name, ['--generation', ref]);
          assert.equal(r.code, 1);
          assert.match(r.stderr, new RegExp(`^s3source: no generation ${ref} of s3://${bucket}/${name}: 3 committed generations.*\\n$`));
          assert.equal(r.stdout.length, 0);
        }
        const bad = await source(name, ['--generation', 'yesterday']);
        assert.equal(bad.code, 2);
      });

      it('s3rm --generation removes the current one only with --force; the newest remaining becomes current', async () => {
        const before = await snapshot(name);
        const refused = await runFilter('s3rm', ['--generation', '~0', url(name)], { env });
        assert.equal(refused.code, 1);
        assert.match(refused.stderr, /is the current generation of .*; add --force to remove it\n$/);
        assert.deepEqual(await snapshot(name), before, 'the refusal removed nothing');
        const forced = await runFilter('s3rm', ['--generation', '~0', '--force', url(name)], { env });
        assert.equal(forced.code, 0, forced.stderr);
        await assertRestores(name, inputs[1], 'the newest remaining generation is current');
        const after = await generations();
        assert.equal(after.length, 2);
        assert.equal(after[0].split('\t')[0], gens[1]);
        assert.equal(after[0].split('\t')[5], 'current');
        const two = await snapshot(name);
        const older = await runFilter('s3rm', ['-v', '--generation', gens[2], url(name)], { env });
        assert.equal(older.code, 0, older.stderr);
        assert.equal(older.stdout.toString(), `remove ${gens[2]}\n`);
        // Exactly that generation's objects went: the current one, which restored above, is
        // untouched (still readable), and one committed generation is left.
        assert.deepEqual(await snapshot(name), two.filter((o) => !o.startsWith(`${name}/${gens[2]}/`)));
        assert.deepEqual(await committed(name), [gens[1]]);
      });
    });

    describe('retention over 60 days of backdated generations', () => {
      const day = (d: number) => new Date(Date.UTC(2026, 9, 1 + d, 12, 0, 0)); // 2026-10-01 + d, noon UTC
      // One generation at noon on each of these days of 2026-10-01 + 0..60: every day on each
      // side of the policy's edges (the 7 days of --keep-daily 7 and the day before them;
      // October's newest and the day before it) and the first day; each day between would
      // only add one more `remove` line.
      const DAYS = [0, 29, 30, 53, 54, 55, 56, 57, 58, 59, 60];
      const gens: Record<number, string> = Object.fromEntries(DAYS.map((d) => [d, newGeneration(day(d), d.toString(16).padStart(8, '0'))]));
      const orphan = newGeneration(new Date(Date.UTC(2026, 10, 29, 23, 0, 0)), 'ffffffff');

      /** A committed generation written as s3sink would: one chunk and its own manifest. */
      async function putGeneration(name: string, gen: string, commit: boolean): Promise<Buffer> {
        const data = Buffer.from(`generation ${gen}\n`);
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: chunkKey(name, gen, 0), Body: data }));
        const manifest: Manifest = {
          format: MANIFEST_FORMAT,
          name,
          generation: gen,
          chunkSize: CHUNK,
          chunks: [{ key: chunkKey(name, gen, 0), size: data.length, sha256: sha256(data) }],
          size: data.length,
          sha256: sha256(data),
          created: day(0).toISOString(),
        };
        const body = JSON.stringify(manifest);
        if (commit) await client.send(new PutObjectCommand({ Bucket: bucket, Key: generationManifestKey(name, gen), Body: body }));
        return Buffer.from(body);
      }

      async function backdated(): Promise<string> {
        const name = fresh();
        const [current] = await Promise.all([gens[60], ...DAYS.slice(0, -1).map((d) => gens[d])].map((gen) => putGeneration(name, gen, true)));
        await putGeneration(name, orphan, false);
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: manifestKey(name), Body: current }));
        return name;
      }

      it('s3rm --prune -n prints each decision and its reason, and removes nothing', async () => {
        const name = await backdated();
        const before = await keysUnder(client, bucket, `${name}/`);
        const r = await runFilter('s3rm', ['--prune', '-n', '--keep-daily', '7', '--keep-monthly', '2', url(name)], { env });
        assert.equal(r.code, 0, r.stderr);
        const lines = r.stdout.toString().trimEnd().split('\n');
        assert.equal(lines.length, DAYS.length + 1);
        // 2026-10-01 .. 2026-11-30: the last 7 days are 11-24 .. 11-30 (day 54 .. 60); the
        // newest of the last two months are 11-30 and 10-31 (day 30).
        assert.equal(lines.at(-1), `keep (current, daily 2026-11-30, monthly 2026-11) ${gens[60]}`);
        assert.equal(lines.at(-2), `remove ${orphan} (uncommitted)`);
        assert.equal(lines.at(-3), `keep (daily 2026-11-29) ${gens[59]}`);
        assert.ok(lines.includes(`keep (daily 2026-11-24) ${gens[54]}`));
        assert.ok(lines.includes(`remove ${gens[53]}`));
        assert.ok(lines.includes(`keep (monthly 2026-10) ${gens[30]}`));
        assert.ok(lines.includes(`remove ${gens[29]}`));
        assert.equal(lines[0], `remove ${gens[0]}`);
        assert.equal(lines.filter((l) => l.startsWith('keep')).length, 8);
        assert.deepEqual(await keysUnder(client, bucket, `${name}/`), before);
      });

      it('s3rm --prune keeps exactly what -n said; the set still restores', async () => {
        const name = await backdated();
        const r = await runFilter('s3rm', ['--prune', '--keep-daily', '7', '--keep-monthly', '2', url(name)], { env });
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(await committed(name), [60, 59, 58, 57, 56, 55, 54, 30].map((d) => gens[d]));
        await assertRestores(name, Buffer.from(`generation ${gens[60]}\n`), 'the current generation');
      });

      it('s3sink --keep-daily 2 applies the policy at commit: today and the newest backdated day stay', async () => {
        assert.ok(Date.now() >= day(61).setUTCHours(0), 'this test needs a clock on 2026-12-01 or later (UTC)');
        const name = await backdated();
        const data = seededBytes(1000, 44);
        const r = await sink(name, data, [...SMALL, '--keep-daily', '2']);
        assert.equal(r.code, 0, r.stderr);
        const kept = await committed(name);
        assert.equal(kept.length, 2, kept.join(' '));
        assert.equal(kept[1], gens[60]);
        await assertRestores(name, data, 'the new generation');
      });

      if (server.usageErrors) {
        it('--prune without a policy, and --keep without --prune: usage errors', async () => {
          for (const args of [['--prune', url('x')], ['--keep', '2', url('x')]]) {
            const r = await runFilter('s3rm', args, { env });
            assert.equal(r.code, 2, r.stderr);
          }
        });
      }
    });

    describe('--check reads every chunk and writes nothing', () => {
      let name: string;
      // Oldest to newest: 4, 2 and 2 chunks. Each bad case below needs its chunk: chunk 2 of
      // the oldest whole and not its last, chunk 1 of the newest whole, chunk 1 of the middle.
      const inputs = [seededBytes(3 * CHUNK + 5, 21), seededBytes(CHUNK + 9, 22), seededBytes(2 * CHUNK, 23)];
      let gens: string[];
      before(async () => {
        name = fresh();
        // Stored by the library s3sink runs: what is under test here is s3source --check
        // (s3sink --keep 3 itself stores the set of the generations describe above).
        for (const data of inputs) await storeSet(client, bucket, name, data, { chunkSize: CHUNK, retention: { last: 3 } });
        gens = await committed(name);
      });
      const check = (args: string[] = []) => runFilter('s3source', ['--check', ...args, url(name)], { env });

      it('a good set: exit 0, `ok GEN SIZE CHUNKS`, nothing on stdout', async () => {
        const r = await check();
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout.length, 0);
        assert.deepEqual(stderrLines(r), [`ok ${gens[0]} ${inputs[2].length} 2`]);
        const all = await check(['--all-generations']);
        assert.equal(all.code, 0, all.stderr);
        assert.equal(all.stderr, gens.map((g, i) => `ok ${g} ${inputs[2 - i].length} ${[2, 2, 4][i]}\n`).join(''));
      });

      it('a corrupt, a missing and a wrong-sized chunk: exit 1, the line names the generation and the chunk', async () => {
        const [current, middle, oldest] = gens;
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: chunkKey(name, current, 1), Body: seededBytes(CHUNK, 99) }));
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: chunkKey(name, middle, 1) }));
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: chunkKey(name, oldest, 2), Body: seededBytes(CHUNK - 1, 98) }));
        const r = await check();
        assert.equal(r.code, 1);
        assert.match(r.stderr, new RegExp(`^BAD ${current} chunk 1: .*corrupt.*\\n$`));
        const one = await check(['--generation', middle]);
        assert.equal(one.code, 1);
        assert.match(one.stderr, new RegExp(`^BAD ${middle} chunk 1: .*chunk missing.*\\n$`));
        const all = await check(['--all-generations']);
        assert.equal(all.code, 1);
        const lines = all.stderr.trimEnd().split('\n');
        assert.equal(lines.length, 3);
        assert.match(lines[0], new RegExp(`^BAD ${current} chunk 1: `));
        assert.match(lines[1], new RegExp(`^BAD ${middle} chunk 1: `));
        assert.match(lines[2], new RegExp(`^BAD ${oldest} chunk 2: .*bytes, expected ${CHUNK}`));
        assert.equal(all.stdout.length, 0);
      });

      if (server.usageErrors) {
        it('--all-generations without --check, or with --generation: usage errors', async () => {
          for (const args of [['--all-generations', url(name)], ['--check', '--all-generations', '-g', '~0', url(name)]]) {
            assert.equal((await runFilter('s3source', args, { env })).code, 2);
          }
        });
      }
    });

    describe('--resume continues an interrupted upload', () => {
      /**
       * Start an upload of `path` whose chunk PUTs from `stallFrom` on never reach the
       * server, wait until the chunks before it are stored, and kill -9 it: an upload that
       * died at a known point (2 of 3 chunks stored, the third never).
       */
      async function interrupted(name: string, path: string, stallFrom: number): Promise<string> {
        const before = await keysUnder(client, bucket, `${name}/`);
        const proxy = await FaultProxy.start(s.endpoint);
        try {
          const later = new RegExp(`/\\d{8}T\\d{9}Z-[0-9a-f]{8}/(\\d{10})$`);
          proxy.add({ fault: 'stall', method: 'PUT', url: new RegExp(`/0*(${Array.from({ length: 60 }, (_, i) => stallFrom + i).join('|')})(\\?|$)`), times: 1000 });
          const fd = openSync(path, 'r');
          const child = spawn(process.execPath, [filterPath('s3sink'), ...SMALL, url(name)], { env: s3Env(s, proxy.endpoint), stdio: [fd, 'ignore', 'ignore'] });
          closeSync(fd);
          const exited = new Promise((resolve) => child.on('close', resolve));
          // Whole chunks only: s3rver lists an object while its body is still being written,
          // and a kill then leaves the part it got (S3 and RGW show an object only once stored).
          const stored = async () => {
            let whole = 0;
            for await (const page of listPages({ client, bucket, prefix: `${name}/` })) {
              for (const e of page) if ('key' in e && !before.includes(e.key) && later.test(e.key) && Number(later.exec(e.key)![1]) < stallFrom && e.size === CHUNK) whole++;
            }
            return whole;
          };
          // A stalled PUT means every chunk before it was sent (chunks go out in order): list
          // only from then on, not all the while s3sink starts and reads.
          await waitFor(async () => proxy.injected.stall > 0 && (await stored()) === stallFrom, 60_000, `${stallFrom} stored chunks`);
          child.kill('SIGKILL');
          await exited;
        } finally {
          await proxy.close();
        }
        const gens = new Set((await keysUnder(client, bucket, `${name}/`)).map((k) => k.split('/')[1]).filter((g) => g !== 'MANIFEST'));
        return [...gens].sort().pop()!;
      }

      let big: Buffer;
      let bigPath: string;
      before(() => {
        big = seededBytes(3 * CHUNK, 31);
        bigPath = file('fifteen-mib', big);
      });

      it('kill -9 at 2 of 3 chunks, then --resume with the same file: less than half the chunks are sent again', async () => {
        const name = fresh();
        const old = seededBytes(1000, 30);
        assert.equal((await sink(name, old)).code, 0);
        const generation = await interrupted(name, bigPath, 2);
        await assertRestores(name, old, 'the interrupted upload committed nothing');
        const proxy = await FaultProxy.start(s.endpoint);
        try {
          const r = await runWithFile('s3sink', [...SMALL, '--resume', url(name)], bigPath, s3Env(s, proxy.endpoint));
          assert.equal(r.code, 0, r.stderr);
          assert.match(r.stderr, new RegExp(`^s3sink: resumed ${generation}: 2 of 2 chunks already stored$`, 'm'));
          // 1 chunk, this generation's MANIFEST and NAME/MANIFEST.
          assert.equal(proxy.requests.PUT, 3);
        } finally {
          await proxy.close();
        }
        await assertRestores(name, big, 'the resumed upload');
        const current = JSON.parse((await getObjectBytes(client, bucket, manifestKey(name))).toString()) as Manifest;
        assert.equal(current.generation, generation, 'the commit names the interrupted generation');
      });

      it('--resume with a different input commits that input; nothing to resume uploads normally', async () => {
        const name = fresh();
        // Its chunks 0 and 1 are as long as the stored ones: only their MD5 tells them apart.
        const other = seededBytes(2 * CHUNK + 3, 32);
        const generation = await interrupted(name, bigPath, 2);
        const r = await runWithFile('s3sink', [...SMALL, '--resume', url(name)], file('other', other), env);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, new RegExp(`^s3sink: resumed ${generation}: 0 of 2 chunks already stored$`, 'm'));
        await assertRestores(name, other, 'the new input, not the interrupted one');
        const again = await sink(name, seededBytes(10, 33), [...SMALL, '--resume']);
        assert.equal(again.code, 0, again.stderr);
        assert.doesNotMatch(again.stderr, /resumed/);
        await assertRestores(name, seededBytes(10, 33), 'a normal upload');
      });

      it('a chunk size that differs from the interrupted upload: one line, exit 2', async () => {
        const name = fresh();
        // Two stored chunks: the first is then a whole chunk, not a short last one that any
        // chunk size could have made.
        await interrupted(name, bigPath, 2);
        const r = await runWithFile('s3sink', ['--chunk-size', '6M', '--resume', url(name)], bigPath, env);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /^s3sink: cannot resume \S+: its chunk 0 is 5242880 bytes, not --chunk-size 6291456; give the --chunk-size it was uploaded with; see s3sink --help\n$/);
      });
    });
  });
}
