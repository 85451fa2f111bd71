import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { runFilter, stderrLines } from './helpers/run';
import { freshBucket, s3Env, startS3rver, testClient, type S3TestServer } from './helpers/s3';
import { seededBytes } from './helpers/data';
import { FaultProxy } from './helpers/fault-proxy';
import { waitFor } from './helpers/wait';
import { ChunkSetSink } from '../lib/s3/sink';
import { ChunkSetSource } from '../lib/s3/source';
import { listObjects } from '../lib/s3/lister';
import { DeleteObjects } from '../lib/s3/delete-objects';
import { listChunkSets } from '../lib/s3/sets';
import { uploadFiles } from '../lib/s3/uploader';
import { removeTree } from '../lib/s3/remove';

/**
 * A caller's AbortSignal (a filter's SIGINT signal, an application's) outlives every
 * stream and request it is given to: each may listen to it only while it runs. Streams
 * that never removed their listener printed a two-line MaxListenersExceededWarning once
 * a dozen of them had come and gone in one process.
 */
describe('abort listeners never outlive their streams', () => {
  let s3: S3TestServer;
  let client: S3Client;
  let env: NodeJS.ProcessEnv;
  let bucket: string;
  let dir: string;
  const prefixes = Array.from({ length: 12 }, (_, i) => `p${i}/`);
  const files: string[] = [];

  before(async () => {
    s3 = await startS3rver();
    client = testClient(s3);
    env = s3Env(s3);
    bucket = await freshBucket(client, 'listen');
    dir = mkdtempSync(join(tmpdir(), 'pipekit-listeners-'));
    for (let i = 0; i < 20; i++) {
      const path = join(dir, `f${i}`);
      writeFileSync(path, `file ${i}\n`);
      files.push(path);
    }
    // 20 ranges of 1 KiB: s3source -j 11 -s 1K has 11 GETs in flight on one signal.
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'ranged', Body: seededBytes(20 * 1024) }));
    // Buckets of their own for `s3rm --all -n`, each listed and "emptied" in turn.
    for (let i = 0; i < 6; i++) await client.send(new CreateBucketCommand({ Bucket: `${bucket}-all-${i}` }));
  });

  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await s3?.stop();
  });

  async function putUnderPrefixes(): Promise<void> {
    for (const p of prefixes) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${p}a`, Body: 'a' }));
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${p}b/c`, Body: 'c' }));
    }
  }

  const urls = (list: string[]) => list.map((p) => `s3://${bucket}/${p}`);

  const cases: { what: string; filter: string; args: () => string[]; setup?: () => Promise<void> }[] = [
    { what: 's3rm -r with a dozen prefixes', filter: 's3rm', setup: putUnderPrefixes, args: () => ['-r', ...urls(prefixes)] },
    { what: 's3rm -r -j 16 with a dozen prefixes', filter: 's3rm', setup: putUnderPrefixes, args: () => ['-r', '-j', '16', ...urls(prefixes)] },
    { what: 's3put --multipart-threshold 1 over a dozen files', filter: 's3put', args: () => ['-q', '--multipart-threshold', '1', `s3://${bucket}/mp/`, ...files.slice(0, 12)] },
    { what: 's3source -j 11', filter: 's3source', args: () => ['-j', '11', '-s', '1K', `s3://${bucket}/ranged`] },
    { what: 's3ls with 11 prefixes', filter: 's3ls', setup: putUnderPrefixes, args: () => urls(prefixes.slice(0, 11)) },
    { what: 's3rm --all -n', filter: 's3rm', args: () => ['--all', '-n'] },
  ];
  for (const c of cases) {
    it(`${c.what}: exit 0, stderr empty`, async () => {
      await c.setup?.();
      const r = await runFilter(c.filter, c.args(), { env });
      assert.deepEqual(stderrLines(r), []);
      assert.equal(r.code, 0);
    });
  }

  it('s3put -j 16 with 16 PUTs in flight at once: exit 0, stderr empty', async () => {
    // The proxy keeps the first 16 PUTs back until all 16 are in flight together.
    const proxy = await FaultProxy.start(s3.endpoint);
    try {
      proxy.add({ fault: 'delay', method: 'PUT', times: 16 });
      const run = runFilter('s3put', ['-q', '-j', '16', `s3://${bucket}/put/`, ...files], { env: s3Env(s3, proxy.endpoint) });
      await waitFor(() => proxy.injected.delay === 16, 30_000, '16 PUTs in flight');
      proxy.releaseDelayed();
      const r = await run;
      assert.deepEqual(stderrLines(r), []);
      assert.equal(r.code, 0);
    } finally {
      await proxy.close();
    }
  });

  it('s3source -j 11 wrote every byte of the ranged object, in order', async () => {
    const r = await runFilter('s3source', ['-j', '11', '-s', '1K', `s3://${bucket}/ranged`], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.equals(seededBytes(20 * 1024)));
  });

  it('50 ChunkSetSinks in turn on one signal: each listens while it runs, none after', async () => {
    const signal = new AbortController().signal;
    for (let i = 0; i < 50; i++) {
      const sink = new ChunkSetSink({ client, bucket, name: `loop/${i % 5}`, signal });
      assert.equal(getEventListeners(signal, 'abort').length, 1, 'a live sink listens');
      await pipeline(Readable.from([Buffer.from(`run ${i}`)]), sink);
      assert.equal(getEventListeners(signal, 'abort').length, 0, `after sink ${i}`);
    }
  });

  it('a failed or destroyed stream removes its listener too', async () => {
    const signal = new AbortController().signal;
    const sink = new ChunkSetSink({ client, bucket: 'no-such-bucket-listeners', name: 'x', signal });
    await assert.rejects(pipeline(Readable.from([Buffer.from('x')]), sink), /NoSuchBucket/);
    const source = new ChunkSetSource({ client, bucket, name: 'ranged', signal });
    source.destroy();
    await new Promise((resolve) => source.once('close', resolve));
    assert.equal(getEventListeners(signal, 'abort').length, 0);
  });

  it('every library stream and fan-out leaves the caller signal as it found it', async () => {
    const signal = new AbortController().signal;
    const drain = () => new Writable({ objectMode: true, write: (_c, _e, cb) => cb() });
    const ops: [string, () => Promise<unknown>][] = [
      ['ChunkSetSource', () => pipeline(new ChunkSetSource({ client, bucket, name: 'ranged', chunkSize: 1024, jobs: 16, signal }), drain())],
      ['listObjects', () => pipeline(listObjects({ client, bucket, signal }), drain())],
      ['DeleteObjects', () => pipeline(Readable.from(['none-1', 'none-2']), new DeleteObjects({ client, bucket, jobs: 16, signal }))],
      ['listChunkSets', async () => {
        for await (const set of listChunkSets({ client, bucket, prefix: 'loop/', jobs: 16, signal })) assert.equal(set.error, undefined);
      }],
      ['uploadFiles', () => uploadFiles(files, { client, bucket, prefix: 'lib/', jobs: 16, signal })],
      ['removeTree', () => removeTree({ client, bucket, path: 'lib', jobs: 16, signal })],
    ];
    for (const [name, op] of ops) {
      for (let i = 0; i < 12; i++) await op();
      assert.equal(getEventListeners(signal, 'abort').length, 0, name);
    }
  });
});
