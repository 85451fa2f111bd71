import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { filterPath, runCommand, runFilter, stderrLines } from './helpers/run';
import { freshBucket, getObjectBytes, keysUnder, readSet, s3Env, storeSet, testClient, type S3TestServer } from './helpers/s3';
import { S3_SERVERS } from './helpers/s3servers';
import { waitFor } from './helpers/wait';
import { FaultProxy, type FaultRule } from './helpers/fault-proxy';
import { oddPieces, repeatingStream, seededBytes } from './helpers/data';
import { parseManifest } from '../lib/s3/layout';
import type { RetentionPolicy } from '../lib/s3/retention';

const MiB = 2 ** 20;
const CHUNK = 5 * MiB;
const SMALL = ['--chunk-size', '5M'];

interface BadInput {
  args: string[];
  code: number;
  line: RegExp;
  env?: NodeJS.ProcessEnv;
  filter?: string;
}

/** Each case: its exit code, one line on stderr (usage errors ending in the --help pointer), no stack trace. */
async function checkBadInput(cases: BadInput[], env: NodeJS.ProcessEnv): Promise<void> {
  for (const c of cases) {
    const r = await runFilter(c.filter ?? 's3sink', c.args, { input: 'data', env: c.env ?? env });
    assert.equal(r.code, c.code, `${c.args.join(' ')}: ${r.stderr}`);
    const lines = stderrLines(r);
    assert.match(lines[0], c.line, c.args.join(' '));
    assert.equal(lines.length, 1, `${c.args.join(' ')}: ${r.stderr}`);
    if (c.code === 2) assert.match(lines[0], new RegExp(`; see ${c.filter ?? 's3sink'} --help$`));
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
}

// These fail before any request reaches a server (flag and address checks, and a refused
// connection to port 1): run on one, they prove as much as on each.
describe('s3sink and s3source on bad input refused before any server is asked', () => {
  const bucket = 'some-bucket';
  const env = s3Env({ kind: 'none', endpoint: 'http://127.0.0.1:1', accessKeyId: 'NOSERVER', secretAccessKey: 'NOSERVER', stop: async () => undefined });

  it('gives one line and a documented exit code for bad input', async () => {
    await checkBadInput([
      { args: ['--bogus', `s3://${bucket}/x`], code: 2, line: /^s3sink: unknown option --bogus; see/ },
      { args: ['-j', '0', `s3://${bucket}/x`], code: 2, line: /^s3sink: invalid --jobs '0' \(a whole number of at least 1\); see/ },
      { args: ['http://x/y'], code: 2, line: /^s3sink: not an s3:\/\/ address: http:\/\/x\/y; see/ },
      { args: [`s3://${bucket}`], code: 2, line: /^s3sink: missing NAME after the bucket/ },
      { args: [], code: 2, line: /^s3sink: missing s3:\/\/BUCKET\/NAME; see/ },
      { args: ['--endpoint', 'http://127.0.0.1:1', `s3://${bucket}/x`], code: 1, line: /^s3sink: cannot write .*: connection refused$/ },
      { args: ['--endpoint', 'ftp://x', `s3://${bucket}/x`], code: 2, line: /^s3sink: --endpoint must be an http:\/\/ or https:\/\/ URL: ftp:\/\/x; see/ },
      { filter: 's3source', args: ['-t', 'x'], code: 2, line: /^s3source: -t TAG needs a bucket/ },
    ], env);
  });
});

// Several chunks, so a faulted request is retried while others complete around it. One
// buffer for both servers: a spawn forks this process, and a fork costs ~0.2 ms of system
// time per MiB of Buffers it holds (measured here).
const FAULTED = seededBytes(2 * CHUNK + 99, 40);

for (const server of S3_SERVERS) {
  describe(`s3sink and s3source on ${server.kind}`, () => {
    let s: S3TestServer;
    let client: S3Client;
    let bucket: string;
    let env: NodeJS.ProcessEnv;
    let n = 0;
    const fresh = () => `set${++n}`;

    before(async () => {
      s = await server.start();
      client = testClient(s);
      bucket = await freshBucket(client, 'sink');
      env = s3Env(s);
    });
    after(() => s.stop());

    async function sink(name: string, input: Buffer | ReturnType<typeof oddPieces>, args: string[] = SMALL, e = env) {
      return runFilter('s3sink', [...args, `s3://${bucket}/${name}`], { input, env: e });
    }
    async function source(name: string, args: string[] = [], e = env) {
      return runFilter('s3source', [...args, `s3://${bucket}/${name}`], { env: e });
    }
    // A test's starting state and its checks of what is stored go through the library the
    // filters run, in this process (storeSet, readSet); a test spawns the filters whose
    // behaviour it is about.
    const store = (name: string, data: Buffer, retention?: RetentionPolicy) => storeSet(client, bucket, name, data, { chunkSize: CHUNK, retention });
    /** That `name` restores to `expected`, each chunk verified against the manifest (size, SHA-256) as s3source does. */
    async function assertRestores(name: string, expected: Buffer, what = 'restores byte-identical') {
      const got = await readSet(client, bucket, name);
      assert.ok(got.subarray(0, expected.length).equals(expected.subarray(0, got.length)), `${what}: bytes differ`);
      assert.equal(got.length, expected.length, `${what}: length`);
    }

    it('round-trips byte-identical: empty (--allow-empty), 1 byte, chunk size -1, =, +1, many chunks', async () => {
      for (const size of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 4 * CHUNK + 17]) {
        const name = fresh();
        const data = seededBytes(size, size);
        const w = await sink(name, data, [...SMALL, '--allow-empty']);
        assert.equal(w.code, 0, w.stderr);
        const r = await source(name);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(stderrLines(r), []);
        assert.ok(r.stdout.equals(data), `size ${size}: output differs`);
        const manifest = parseManifest((await getObjectBytes(client, bucket, `${name}/MANIFEST`)).toString());
        assert.equal(manifest.chunks.length, Math.ceil(size / CHUNK), `size ${size}: chunk count`);
        assert.equal(manifest.size, size);
      }
    });

    it('round-trips stdin fed in odd write sizes', async () => {
      const name = fresh();
      // Two chunks: the pieces straddle a chunk boundary.
      const data = seededBytes(CHUNK + 4099, 7);
      assert.equal((await sink(name, oddPieces(data))).code, 0);
      const r = await source(name, ['-j', '1']);
      assert.ok(r.stdout.equals(data));
    });

    it('round-trips a real tar czf of a directory tree', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pipekit-tree-'));
      try {
        // 8.7 MB of files that do not compress: over one default chunk (8 MiB).
        const src = join(dir, 'src');
        for (let i = 0; i < 30; i++) {
          mkdirSync(join(src, `d${i % 5}`, `e${i % 3}`), { recursive: true });
          writeFileSync(join(src, `d${i % 5}`, `e${i % 3}`, `f${i} with space.bin`), seededBytes(i * 20_000, i));
        }
        mkdirSync(join(dir, 'out'));
        const up = await runCommand('bash', ['-o', 'pipefail', '-c', `tar czf - -C "${src}" . | "${process.execPath}" "${filterPath('s3sink')}" s3://${bucket}/tree`], { env });
        assert.equal(up.code, 0, up.stderr);
        const down = await runCommand('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" "${filterPath('s3source')}" s3://${bucket}/tree | tar xzf - -C "${dir}/out"`], { env });
        assert.equal(down.code, 0, down.stderr);
        const diff = await runCommand('diff', ['-r', src, join(dir, 'out')]);
        assert.equal(diff.code, 0, diff.stdout.toString());
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('--object stores one plain object by multipart upload, read back in ranges', async () => {
      // Two parts, the last one short; six ranges (of 1M) read back three at a time.
      const data = seededBytes(CHUNK + 333, 11);
      const w = await sink('plain.bin', data, [...SMALL, '--object']);
      assert.equal(w.code, 0, w.stderr);
      assert.ok((await getObjectBytes(client, bucket, 'plain.bin')).equals(data), 'stored object differs');
      const r = await source('plain.bin', ['--chunk-size', '1M', '-j', '3']);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.equals(data));
      const empty = await sink('empty.bin', Buffer.alloc(0), ['--object', '--allow-empty']);
      assert.equal(empty.code, 0, empty.stderr);
      assert.equal((await source('empty.bin')).stdout.length, 0);
    });

    it('reads the legacy s3store layout TAG-0000000000 with an exact tag match', async () => {
      const parts = [seededBytes(1000, 1), seededBytes(2000, 2), seededBytes(10, 3)];
      for (const [i, p] of parts.entries()) {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: `bob-${String(i).padStart(10, '0')}`, Body: p }));
      }
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'bob-2-0000000000', Body: 'not bob' }));
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'bob-00000000001', Body: 'eleven digits' }));
      const r = await runFilter('s3source', ['-b', bucket, '-t', 'bob'], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.equals(Buffer.concat(parts)));
    });

    it('takes credentials and bucket from the s3store INI --config, warning when it is world-readable', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pipekit-cfg-'));
      try {
        const cfg = join(dir, 's3store.ini');
        writeFileSync(cfg, `[Credentials]\naws_access_key_id: ${s.accessKeyId}\naws_secret_access_key: ${s.secretAccessKey}\n[Bucket]\nid: ${bucket}\n`);
        chmodSync(cfg, 0o600);
        const noKeys = { ...env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' };
        const w = await runFilter('s3sink', ['--config', cfg, '-t', 'cfgtag'], { input: 'hello', env: noKeys });
        assert.equal(w.code, 0, w.stderr);
        assert.doesNotMatch(w.stderr, /readable by everyone/);
        chmodSync(cfg, 0o644);
        const r = await runFilter('s3source', ['--config', cfg, '-t', 'cfgtag'], { env: noKeys });
        assert.equal(r.stdout.toString(), 'hello');
        assert.match(r.stderr, /^s3source: warning: .* is readable by everyone and holds a secret key; chmod 600 it\n$/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('keeps N generations with --keep and removes older ones', async () => {
      const name = fresh();
      for (let i = 0; i < 2; i++) await store(name, seededBytes(100, i), { last: 2 });
      const w = await sink(name, seededBytes(100, 2), ['--keep', '2', '-q']);
      assert.equal(w.code, 0, w.stderr);
      assert.deepEqual(stderrLines(w), [], 'no cleanup warning');
      const gens = new Set((await keysUnder(client, bucket, `${name}/`)).map((k) => k.split('/')[1]).filter((g) => g !== 'MANIFEST'));
      assert.equal(gens.size, 2);
      await assertRestores(name, seededBytes(100, 2));
      assert.equal((await sink(name, seededBytes(100, 3))).code, 0);
      const after = new Set((await keysUnder(client, bucket, `${name}/`)).map((k) => k.split('/')[1]).filter((g) => g !== 'MANIFEST'));
      assert.equal(after.size, 1);
    });

    it('fails with exit 1 naming a corrupt or missing chunk, and flags partial output', async () => {
      const name = fresh();
      const data = seededBytes(3 * CHUNK, 5);
      await store(name, data);
      const manifest = parseManifest((await getObjectBytes(client, bucket, `${name}/MANIFEST`)).toString());
      const victim = manifest.chunks[1].key;
      const bad = Buffer.from(data.subarray(CHUNK, 2 * CHUNK));
      bad[12345] ^= 0xff;
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: victim, Body: bad }));
      const r = await source(name, ['-j', '1']);
      assert.equal(r.code, 1);
      const lines = stderrLines(r);
      assert.match(lines[0], new RegExp(`^s3source: chunk s3://${bucket}/${victim} is corrupt.*; output is incomplete: only the first ${CHUNK} bytes were written$`));
      assert.equal(lines.length, 1, r.stderr);
      assert.ok(r.stdout.equals(data.subarray(0, CHUNK)), 'only verified chunks reach stdout');

      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: victim }));
      const m = await source(name);
      assert.equal(m.code, 1);
      assert.deepEqual(stderrLines(m), [`s3source: cannot read s3://${bucket}/${victim} (chunk missing): NoSuchKey (404); output is incomplete: only the first ${CHUNK} bytes were written`]);
    });

    it('rejects a truncated MANIFEST and one from a newer format, in one line', async () => {
      const name = fresh();
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${name}/MANIFEST`, Body: '{"format":1,"chunks":[' }));
      const t = await source(name);
      assert.equal(t.code, 1);
      assert.match(t.stderr, /^s3source: s3:\/\/.*\/MANIFEST: MANIFEST is not valid JSON \(truncated or corrupt\)\n$/);
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${name}/MANIFEST`, Body: JSON.stringify({ format: 99, chunks: [], size: 0, generation: 'x' }) }));
      const f = await source(name);
      assert.equal(f.code, 1);
      assert.match(f.stderr, /^s3source: .*MANIFEST format 99 is newer than this version understands \(2\); upgrade pipekit\n$/);
    });

    it('ends quietly when stdout is closed early (| head -c 10)', async () => {
      const name = fresh();
      // Two chunks: when head closes the pipe, the second is still to be written.
      await store(name, seededBytes(2 * CHUNK, 9));
      const r = await runCommand('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" "${filterPath('s3source')}" s3://${bucket}/${name} | head -c 10 | wc -c`], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.toString().trim(), '10');
      assert.deepEqual(stderrLines(r), []);
    });

    it('gives one line and a documented exit code for bad input', async () => {
      await checkBadInput([
        // Refused after a request: the current MANIFEST says whether SIZE is a chunk size or
        // a --dedup average (1K is a good one), so this case needs the server.
        { args: ['--chunk-size', '1K', `s3://${bucket}/x`], code: 2, line: /^s3sink: invalid --chunk-size '1K' \(a size from 5M to 5G, such as 8M\); see/ },
        { args: ['s3://no-such-bucket-here/x'], code: 1, line: /^s3sink: cannot write s3:\/\/no-such-bucket-here\/x\/.*: NoSuchBucket \(404\)$/ },
        { args: [`s3://${bucket}/x`], code: 1, line: /^s3sink: cannot write .*: InvalidAccessKeyId \(403\)$/, env: { ...env, AWS_ACCESS_KEY_ID: 'WRONGKEY' } },
        { filter: 's3source', args: ['s3://no-such-bucket-here/x'], code: 1, line: /^s3source: cannot read s3:\/\/no-such-bucket-here\/x: NoSuchBucket \(404\)$/ },
        { filter: 's3source', args: [`s3://${bucket}/nothing-here`], code: 1, line: /^s3source: cannot read .*nothing-here: nothing stored under that name/ },
      ], env);
    });

    it('after kill -9 mid-upload the previous generation restores, and the next upload removes the orphans', async () => {
      const name = fresh();
      const first = seededBytes(CHUNK + 10, 21);
      await store(name, first);
      const committed = (await keysUnder(client, bucket, `${name}/`)).filter((k) => k !== `${name}/MANIFEST`);
      const child = spawn(process.execPath, [filterPath('s3sink'), ...SMALL, `s3://${bucket}/${name}`], {
        env,
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      const exited = new Promise((resolve) => child.on('close', resolve));
      repeatingStream(512 * MiB).pipe(child.stdin).on('error', () => undefined);
      // Killed once the server holds a chunk of the new generation: mid-upload for sure.
      // Each poll is a listing: every 100 ms is soon enough in a 512 MiB upload.
      await waitFor(async () => (await keysUnder(client, bucket, `${name}/`)).some((k) => !committed.includes(k) && k !== `${name}/MANIFEST`), 20_000, 'a stored chunk', 100);
      child.kill('SIGKILL');
      await exited;
      await assertRestores(name, first, 'previous generation restores byte-identical');
      const gensBefore = new Set((await keysUnder(client, bucket, `${name}/`)).map((k) => k.split('/')[1]));
      assert.ok(gensBefore.size >= 3, 'the killed upload left an orphaned generation'); // MANIFEST, old, orphan
      const next = seededBytes(100, 22);
      assert.equal((await sink(name, next)).code, 0);
      const keys = await keysUnder(client, bucket, `${name}/`);
      const gens = new Set(keys.map((k) => k.split('/')[1]).filter((g) => g !== 'MANIFEST'));
      assert.equal(gens.size, 1, `orphans left: ${keys.join(' ')}`);
      await assertRestores(name, next);
    });

    it('on SIGINT mid-upload exits 130 and commits nothing; no chunk outlives the next upload', async () => {
      const name = fresh();
      const first = seededBytes(1000, 31);
      await store(name, first);
      const proxy = await FaultProxy.start(s.endpoint);
      let stderr = '';
      let code: number | null = null;
      try {
        const child = spawn(process.execPath, [filterPath('s3sink'), ...SMALL, `s3://${bucket}/${name}`], {
          env: s3Env(s, proxy.endpoint),
          stdio: ['pipe', 'ignore', 'pipe'],
        });
        child.stderr.on('data', (c: Buffer) => (stderr += c));
        const exited = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
        repeatingStream(512 * MiB).pipe(child.stdin).on('error', () => undefined);
        await waitFor(() => (proxy.requests.PUT ?? 0) >= 2, 20_000, 'two chunk PUTs');
        child.kill('SIGINT');
        code = await exited;
      } finally {
        await proxy.close();
      }
      assert.equal(code, 130);
      assert.equal(stderr, 's3sink: interrupted\n');
      await assertRestores(name, first, 'nothing was committed');
      // The interrupted run removes what it stored, but a PUT the server was still
      // finishing (RGW completes a request whose client went away) can land after that:
      // the guarantee is that the next successful upload leaves one generation.
      assert.equal((await sink(name, first)).code, 0);
      const gens = new Set((await keysUnder(client, bucket, `${name}/`)).map((k) => k.split('/')[1]).filter((g) => g !== 'MANIFEST'));
      assert.equal(gens.size, 1, 'no chunk of the interrupted generation is left');
    });

    describe('through a fault-injecting proxy', () => {
      let proxy: FaultProxy;
      let penv: NodeJS.ProcessEnv;
      const data = FAULTED;
      // What the GET cases read: stored once, each case faulting its own s3source run.
      const stored = 'faults-get';
      before(async () => {
        proxy = await FaultProxy.start(s.endpoint, 42);
        penv = s3Env(s, proxy.endpoint);
        await store(stored, data);
      });
      after(() => proxy.close());

      const CHUNK_URL = /\/\d{10}(\?|$)/;
      const MANIFEST_URL = /\/MANIFEST(\?|$)/;
      // The MANIFEST PUTs are the same requests whatever the set's size.
      const oneChunk = data.subarray(0, 1000);
      // The PUT cases upload `data` through the proxy; the GET cases read `stored`.
      const cases: { what: string; rule: FaultRule; data: Buffer }[] = [];
      for (const fault of ['reset', 'error500', 'slowdown', 'stall'] as const) {
        cases.push({ what: `${fault} on a chunk PUT`, rule: { fault, method: 'PUT', url: CHUNK_URL, times: 2 }, data });
        cases.push({ what: `${fault} on the MANIFEST PUT`, rule: { fault, method: 'PUT', url: MANIFEST_URL, times: 2 }, data: oneChunk });
      }
      for (const fault of ['reset', 'error500', 'slowdown', 'stall', 'truncate'] as const) {
        cases.push({ what: `${fault} on a chunk GET`, rule: { fault, method: 'GET', url: CHUNK_URL, times: 2 }, data });
      }

      for (const c of cases) {
        it(`survives ${c.what}: byte-identical after retries`, async () => {
          proxy.clear().add(c.rule);
          const before = proxy.totalInjected();
          if (c.rule.method === 'PUT') {
            const name = fresh();
            const w = await sink(name, c.data, [...SMALL, '--timeout', '1s'], penv);
            assert.equal(w.code, 0, w.stderr);
            await assertRestores(name, c.data);
          } else {
            const r = await source(stored, ['--timeout', '1s'], penv);
            assert.equal(r.code, 0, r.stderr);
            assert.ok(r.stdout.equals(c.data));
          }
          assert.equal(proxy.totalInjected() - before, 2, 'both faults were injected');
          proxy.clear();
        });
      }

      it('fails in one line on a persistent fault, and the previous generation still restores', async () => {
        const name = fresh();
        const good = seededBytes(CHUNK + 5, 50);
        await store(name, good);
        proxy.clear().add({ fault: 'error500', method: 'PUT', url: CHUNK_URL, times: 1000 });
        const w = await sink(name, seededBytes(CHUNK + 5, 51), SMALL, penv);
        proxy.clear();
        assert.equal(w.code, 1);
        const lines = stderrLines(w);
        assert.equal(lines.length, 1, w.stderr);
        assert.match(lines[0], /^s3sink: cannot write s3:\/\/.*\/\d{10}: InternalError \(500\)$/);
        await assertRestores(name, good);
      });
    });
  });
}
