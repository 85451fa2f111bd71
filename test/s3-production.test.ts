import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { runFilter, stderrLines, type RunResult } from './helpers/run';
import { freshBucket, s3Env, startS3rver, testClient, type S3TestServer } from './helpers/s3';
import { startRgw, type RgwServer } from './helpers/rgw';
import { FaultProxy } from './helpers/fault-proxy';
import { seededBytes, repeatingStream } from './helpers/data';

/**
 * What production buckets ask for (issue 19): storage classes, server-side encryption
 * (SSE-KMS, SSE-C), a bandwidth limit, archived chunks, region redirects, addressing.
 * Classes and encryption on Ceph RGW (a COLD class and the testing KMS backend, set up
 * by the helper); archived objects and redirects on s3rver behind the fault proxy.
 */

const MiB = 2 ** 20;
const DATA = seededBytes(12 * MiB + 5, 19); // three 5M chunks, the last one short
const CHUNKS = ['-s', '5M'];

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'pipekit-production-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

/** A file in the work dir holding `bytes`, mode 600. */
function file(name: string, bytes: Buffer | string): string {
  const path = join(work, name);
  writeFileSync(path, bytes, { mode: 0o600 });
  return path;
}

function oneLine(r: RunResult, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  const lines = stderrLines(r);
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], pattern);
}

async function chunkKeys(client: S3Client, bucket: string, name: string): Promise<string[]> {
  const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${name}/` }));
  return (out.Contents ?? []).map((o) => o.Key!).filter((k) => /\/\d{10}$/.test(k));
}

describe('production options on Ceph RGW', () => {
  let s: RgwServer;
  let client: S3Client;
  let bucket: string;
  let env: NodeJS.ProcessEnv;
  const key = seededBytes(32, 7);
  let keyFile: string;
  const run = (name: string, args: string[], input?: Buffer) => runFilter(name, args, { env, input });
  const head = (k: string, customerKey?: Buffer) =>
    client.send(
      new HeadObjectCommand({
        Bucket: bucket,
        Key: k,
        ...(customerKey ? { SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey.toString('base64') } : {}),
      }),
    );

  before(async () => {
    s = await startRgw();
    client = testClient(s);
    bucket = await freshBucket(client, 'prod');
    env = s3Env(s);
    keyFile = file('sse-c.key', key);
  });
  after(async () => {
    client?.destroy();
    await s?.stop();
  });

  it('--storage-class COLD: chunks report COLD on HEAD, manifests STANDARD; s3ls -l shows it; the set reads back', async () => {
    const w = await run('s3sink', [...CHUNKS, '--storage-class', s.storageClass, `s3://${bucket}/cold`], DATA);
    assert.equal(w.code, 0, w.stderr);
    const chunks = await chunkKeys(client, bucket, 'cold');
    assert.equal(chunks.length, 3);
    for (const k of chunks) assert.equal((await head(k)).StorageClass, 'COLD', k);
    const gen = chunks[0].split('/')[1];
    for (const k of ['cold/MANIFEST', `cold/${gen}/MANIFEST`]) assert.equal((await head(k)).StorageClass ?? 'STANDARD', 'STANDARD', k);
    const ls = await run('s3ls', ['-r', '-l', `s3://${bucket}/cold/`]);
    const lines = ls.stdout.toString().trim().split('\n');
    assert.equal(lines.filter((l) => / COLD {8}  s3:\/\/.*\/\d{10}$/.test(l)).length, 3, ls.stdout.toString());
    assert.equal(lines.filter((l) => / STANDARD {4}  s3:\/\/.*MANIFEST$/.test(l)).length, 2, ls.stdout.toString());
    const r = await run('s3source', [`s3://${bucket}/cold`]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.equals(DATA));
  });

  it('--storage-class on s3sink --object and s3put (multipart and single PUT)', async () => {
    const w = await run('s3sink', ['--object', ...CHUNKS, '--storage-class', 'COLD', `s3://${bucket}/one.bin`], DATA);
    assert.equal(w.code, 0, w.stderr);
    assert.equal((await head('one.bin')).StorageClass, 'COLD');
    const small = file('small.txt', 'small\n');
    const big = file('big.bin', DATA);
    const p = await run('s3put', ['--storage-class', 'COLD', '--multipart-threshold', '5M', '--part-size', '5M', `s3://${bucket}/put/`, small, big]);
    assert.equal(p.code, 0, p.stderr);
    for (const path of [small, big]) assert.equal((await head(`put${path}`)).StorageClass, 'COLD', path);
  });

  it('a storage class the server refuses: exit 1, one line naming it, nothing committed', async () => {
    const r = await run('s3sink', [...CHUNKS, '--storage-class', 'NO_SUCH_CLASS', `s3://${bucket}/refused`], DATA);
    oneLine(r, 1, /^s3sink: cannot write s3:\/\/\S+: InvalidArgument \(400\): is storage class NO_SUCH_CLASS defined on the server\?$/);
    const m = await run('s3source', [`s3://${bucket}/refused`]);
    assert.equal(m.code, 1);
  });

  it('--sse aws:kms --sse-kms-key-id: every object encrypted with that key, manifests included; reads back without flags', async () => {
    const w = await run('s3sink', [...CHUNKS, '--sse', 'aws:kms', '--sse-kms-key-id', s.kmsKeyId, `s3://${bucket}/kms`], DATA);
    assert.equal(w.code, 0, w.stderr);
    for (const k of [...(await chunkKeys(client, bucket, 'kms')), 'kms/MANIFEST']) {
      const h = await head(k);
      assert.equal(h.ServerSideEncryption, 'aws:kms', k);
      assert.equal(h.SSEKMSKeyId, s.kmsKeyId, k);
    }
    const r = await run('s3source', [`s3://${bucket}/kms`]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.equals(DATA));
  });

  it('--sse-c-key-file: every object needs the key (manifests too); s3source and s3ls read with it; never printed', async () => {
    const w = await run('s3sink', [...CHUNKS, '--sse-c-key-file', keyFile, `s3://${bucket}/ssec`], DATA);
    assert.equal(w.code, 0, w.stderr);
    for (const k of [...(await chunkKeys(client, bucket, 'ssec')), 'ssec/MANIFEST']) {
      await assert.rejects(head(k), (err: { $metadata?: { httpStatusCode?: number } }) => err.$metadata?.httpStatusCode === 400, k);
      assert.equal((await head(k, key)).SSECustomerAlgorithm, 'AES256', k);
    }
    const r = await run('s3source', ['--sse-c-key-file', keyFile, `s3://${bucket}/ssec`]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.equals(DATA));
    const sets = await run('s3ls', ['--sets', '-l', '--sse-c-key-file', keyFile, `s3://${bucket}/`]);
    assert.match(sets.stdout.toString(), new RegExp(`^ +${DATA.length} +- +-  \\S+  \\S+  s3://${bucket}/ssec$`, 'm'), sets.stderr);
    const o = await run('s3sink', ['--object', ...CHUNKS, '--sse-c-key-file', keyFile, `s3://${bucket}/ssec.bin`], DATA);
    assert.equal(o.code, 0, o.stderr);
    const ro = await run('s3source', ['--sse-c-key-file', keyFile, `s3://${bucket}/ssec.bin`]);
    assert.equal(ro.code, 0, ro.stderr);
    assert.ok(ro.stdout.equals(DATA));
    for (const out of [w, r, sets, o, ro]) {
      for (const secret of [key.toString('base64'), key.toString('hex')]) assert.ok(!out.stderr.includes(secret) && !out.stdout.includes(secret));
    }
  });

  it('an SSE-C restore without the key, or with another key, fails in one line and writes nothing', async () => {
    const without = await run('s3source', [`s3://${bucket}/ssec`]);
    oneLine(without, 1, /^s3source: cannot read s3:\/\/\S+\/ssec: /);
    assert.equal(without.stdout.length, 0);
    const wrong = await run('s3source', ['--sse-c-key-file', file('wrong.key', seededBytes(32, 8)), `s3://${bucket}/ssec`]);
    oneLine(wrong, 1, /^s3source: cannot read s3:\/\/\S+\/ssec: /);
    assert.equal(wrong.stdout.length, 0);
  });
});

describe('production options on s3rver behind the fault proxy', () => {
  let s: S3TestServer;
  let proxy: FaultProxy;
  let client: S3Client;
  let bucket: string;
  let env: NodeJS.ProcessEnv;
  const run = (name: string, args: string[], input?: Buffer) => runFilter(name, args, { env, input });

  before(async () => {
    s = await startS3rver();
    proxy = await FaultProxy.start(s.endpoint);
    client = testClient(s);
    bucket = await freshBucket(client, 'prod');
    env = s3Env(s, proxy.endpoint);
    const w = await run('s3sink', [...CHUNKS, `s3://${bucket}/arch`], DATA);
    assert.equal(w.code, 0, w.stderr);
  });
  after(async () => {
    client?.destroy();
    await proxy?.close();
    await s?.stop();
  });

  // GETs carry `?x-id=GetObject`.
  const CHUNK_URL = /\/arch\/[^/]+\/\d{10}(\?|$)/;

  it('chunks in GLACIER (HEAD) that a GET refuses (InvalidObjectState): one line before any output', async () => {
    proxy.clear();
    proxy.add({ fault: 'headers', method: 'HEAD', url: CHUNK_URL, times: Infinity, headers: { 'x-amz-storage-class': 'GLACIER' } });
    proxy.add({ fault: 'answer', method: 'GET', url: CHUNK_URL, times: Infinity, status: 403, code: 'InvalidObjectState' });
    const r = await run('s3source', [`s3://${bucket}/arch`]);
    proxy.clear();
    oneLine(
      r,
      1,
      /^s3source: cannot read s3:\/\/\S+\/arch generation \d{8}T\d{9}Z-[0-9a-f]{8}: 3 of 3 chunks are in GLACIER; restore the objects first \(s3 restore-object\), then read again$/,
    );
    assert.equal(r.stdout.length, 0);
  });

  it('a restored GLACIER copy, and a class merely named GLACIER that a GET serves, are read', async () => {
    proxy.clear();
    const restored = { 'x-amz-storage-class': 'GLACIER', 'x-amz-restore': 'ongoing-request="false", expiry-date="Fri, 21 Dec 2029 00:00:00 GMT"' };
    proxy.add({ fault: 'headers', method: 'HEAD', url: CHUNK_URL, times: Infinity, headers: restored });
    const a = await run('s3source', [`s3://${bucket}/arch`]);
    proxy.clear();
    proxy.add({ fault: 'headers', method: 'HEAD', url: CHUNK_URL, times: Infinity, headers: { 'x-amz-storage-class': 'GLACIER' } });
    const b = await run('s3source', [`s3://${bucket}/arch`]);
    proxy.clear();
    for (const r of [a, b]) {
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.equals(DATA));
    }
  });

  it('a plain object in DEEP_ARCHIVE: one line, nothing written', async () => {
    const w = await run('s3sink', ['--object', `s3://${bucket}/deep.bin`], DATA);
    assert.equal(w.code, 0, w.stderr);
    proxy.clear();
    proxy.add({ fault: 'headers', method: 'HEAD', url: /\/deep\.bin(\?|$)/, times: Infinity, headers: { 'x-amz-storage-class': 'DEEP_ARCHIVE' } });
    proxy.add({ fault: 'answer', method: 'GET', url: /\/deep\.bin(\?|$)/, times: Infinity, status: 403, code: 'InvalidObjectState' });
    const r = await run('s3source', [`s3://${bucket}/deep.bin`]);
    proxy.clear();
    oneLine(r, 1, /^s3source: cannot read s3:\/\/\S+\/deep\.bin: the object is in DEEP_ARCHIVE; restore the objects first \(s3 restore-object\)/);
    assert.equal(r.stdout.length, 0);
  });

  it('a 301 PermanentRedirect with x-amz-bucket-region is followed once, signed for that region', async () => {
    proxy.clear();
    const redirect = { 'x-amz-bucket-region': 'eu-west-3' };
    proxy.add({ fault: 'answer', method: 'PUT', url: /\/moved\//, times: 1, status: 301, code: 'PermanentRedirect', headers: redirect });
    const before = proxy.injected.answer;
    const w = await run('s3sink', [`s3://${bucket}/moved`], DATA);
    assert.equal(w.code, 0, w.stderr);
    assert.equal(proxy.injected.answer - before, 1);
    const r = await run('s3source', [`s3://${bucket}/moved`]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.equals(DATA));
    // Followed once: a server that redirects again is a failure, not a loop.
    proxy.add({ fault: 'answer', method: 'GET', url: /\/moved\/MANIFEST(\?|$)/, times: Infinity, status: 301, code: 'PermanentRedirect', headers: redirect });
    const again = await run('s3source', [`s3://${bucket}/moved`]);
    proxy.clear();
    oneLine(again, 1, /^s3source: cannot read s3:\/\/\S+\/moved: PermanentRedirect \(301\)$/);
  });

  it('--bwlimit 3M caps the total: 20 MiB in 5 MiB chunks take at least 5.5 s with -j 1 and -j 8, up and down', async () => {
    const size = 20 * MiB;
    const seed = await runFilter('s3sink', ['--chunk-size', '5M', `s3://${bucket}/limited-src`], { env: s3Env(s), input: repeatingStream(size) });
    assert.equal(seed.code, 0, seed.stderr);
    const timed = async (name: string, args: string[], input?: Readable) => {
      const started = Date.now();
      const r = await runFilter(name, args, { env: s3Env(s), input });
      return { r, seconds: (Date.now() - started) / 1000 };
    };
    const runs = await Promise.all([
      timed('s3sink', ['-j', '1', '--chunk-size', '5M', '--bwlimit', '3M', `s3://${bucket}/limited-1`], repeatingStream(size)),
      timed('s3sink', ['-j', '8', '--chunk-size', '5M', '--bwlimit', '3M', `s3://${bucket}/limited-8`], repeatingStream(size)),
      timed('s3source', ['-j', '8', '--bwlimit', '3M', `s3://${bucket}/limited-src`]),
    ]);
    for (const { r, seconds } of runs) {
      assert.equal(r.code, 0, r.stderr);
      assert.ok(seconds >= 5.5, `took ${seconds} s`);
    }
    assert.equal(runs[2].r.stdout.length, size);
  });
});

describe('bad production flags: one line, exit 2, before any request', () => {
  const env = { ...process.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' };
  const table: [string, string, string[], RegExp][] = [
    ['a missing key file', 's3source', ['--sse-c-key-file', '/nonexistent/key', 's3://b/n'], /^s3source: cannot read --sse-c-key-file \/nonexistent\/key: ENOENT/],
    ['a short key file', 's3sink', ['--sse-c-key-file', 'SHORT', 's3://b/n'], /^s3sink: --sse-c-key-file \S+ holds 16 bytes; an SSE-C key is 32 bytes/],
    ['--bwlimit banana', 's3sink', ['--bwlimit', 'banana', 's3://b/n'], /^s3sink: invalid --bwlimit 'banana': 'banana' is not a rate such as 10M or off/],
    ['a bad timetable', 's3put', ['--bwlimit', '08:00,2M 25:00,off', 's3://b/p/', '/etc/hostname'], /^s3put: invalid --bwlimit '08:00,2M 25:00,off': '25:00,off' is not a timetable entry/],
    ['--sse of another kind', 's3sink', ['--sse', 'rot13', 's3://b/n'], /^s3sink: invalid --sse 'rot13' \(AES256 or aws:kms\)/],
    ['--addressing sideways', 's3ls', ['--addressing', 'sideways', 's3://b/'], /^s3ls: invalid --addressing 'sideways' \(auto, path or virtual\)/],
  ];
  for (const [what, name, args, pattern] of table) {
    it(what, async () => {
      const resolved = args.map((a) => (a === 'SHORT' ? file('short.key', seededBytes(16, 1)) : a));
      const r = await runFilter(name, resolved, { env, input: Buffer.from('x') });
      oneLine(r, 2, pattern);
    });
  }
});
