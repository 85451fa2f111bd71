import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { UsageError, type Flags } from '../lib/cli/args';
import { checkChunkSize } from '../lib/s3/options';
import { chunkKey, newGeneration, parseManifest } from '../lib/s3/layout';
import { startHttpServer, type LoopbackHttpServer } from './helpers/http-server';
import { runFilter } from './helpers/run';
import { freshBucket, getObjectBytes, keysUnder, s3Env, startS3rver, testClient, type S3TestServer } from './helpers/s3';
import { seededBytes } from './helpers/data';

/**
 * s3sink's --chunk-size (issue 20): what is decided before any request and what waits for
 * the set's manifest, a deduplicated set's recorded cut, and --resume with another chunk
 * size when one chunk was stored. On s3rver (a new file: s3sink.test.ts and dedup.test.ts
 * are being refactored).
 */

const MiB = 2 ** 20;
const COMBINED = (size: string) => `invalid --chunk-size '${size}' (a size from 5M to 5G, such as 8M; for a deduplicated set, a power of two from 1K to 64M)`;

describe('checkChunkSize: what the flags alone decide', () => {
  // [what, flags, the usage error before any request (undefined: none yet)]
  const cases: [string, Flags, string | undefined][] = [
    ['no --chunk-size', {}, undefined],
    ['a plain size (8M, a power of two: either kind takes it)', { 'chunk-size': '8M' }, undefined],
    ['a plain size no deduplicated set takes (100M): the manifest decides', { 'chunk-size': '100M' }, undefined],
    ['a size only a deduplicated set takes (1K): the manifest decides', { 'chunk-size': '1K' }, undefined],
    ['a size only a deduplicated set takes (4M): the manifest decides', { 'chunk-size': '4M' }, undefined],
    ['3K: no set takes it', { 'chunk-size': '3K' }, COMBINED('3K')],
    ['100K: below 5M and no power of two', { 'chunk-size': '100K' }, COMBINED('100K')],
    ['512 bytes: below both', { 'chunk-size': '512' }, COMBINED('512')],
    ['6G: above both', { 'chunk-size': '6G' }, COMBINED('6G')],
    ['not a size', { 'chunk-size': 'abc' }, COMBINED('abc')],
    ['--dedup with 1K', { dedup: true, 'chunk-size': '1K' }, undefined],
    ['--dedup with 6M: no power of two', { dedup: true, 'chunk-size': '6M' }, "invalid --chunk-size '6M' (with --dedup, a power of two such as 512K or 1M)"],
    ['--dedup with 128M: above 64M', { dedup: true, 'chunk-size': '128M' }, "invalid --chunk-size '128M' (a size from 1K to 64M, such as 8M)"],
    ['--dedup with a bad --lease', { dedup: true, lease: 'soon' }, "invalid --lease 'soon' (a duration such as 30s, 500ms or 2m)"],
    ['--object with 1K: parts are 5M to 5G', { object: true, 'chunk-size': '1K' }, "invalid --chunk-size '1K' (a size from 5M to 5G, such as 8M)"],
    ['--object with 5M', { object: true, 'chunk-size': '5M' }, undefined],
  ];
  for (const [what, flags, message] of cases) {
    it(what, () => {
      if (message === undefined) assert.doesNotThrow(() => checkChunkSize(flags));
      else assert.throws(() => checkChunkSize(flags), (err: unknown) => err instanceof UsageError && err.message === message);
    });
  }
});

/** One s3rver for the file's server tests. */
let server: S3TestServer;
let client: S3Client;
let bucket: string;
let env: NodeJS.ProcessEnv;
before(async () => {
  server = await startS3rver();
  client = testClient(server);
  bucket = await freshBucket(client);
  env = s3Env(server);
});
after(() => server.stop());

describe('s3sink --chunk-size against a server', () => {
  let refuser: LoopbackHttpServer;
  let requests = 0;
  before(async () => {
    // Answers every request 403 at once (no retries): shows whether a request was sent.
    refuser = await startHttpServer((_req, res) => {
      requests++;
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
    });
  });
  after(() => refuser.close());

  const sink = (args: string[], input: Buffer | string, e = env) => runFilter('s3sink', ['-q', ...args], { input, env: e });
  const source = (name: string) => runFilter('s3source', [`s3://${bucket}/${name}`], { env });
  const manifestOf = async (name: string) => parseManifest((await getObjectBytes(client, bucket, `${name}/MANIFEST`)).toString('utf8'));

  it('a size no set takes: exit 2 before any request', async () => {
    requests = 0;
    const r = await sink(['--chunk-size', '3K', 's3://b/x'], 'x', s3Env(server, refuser.endpoint));
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr, `s3sink: ${COMBINED('3K')}; see s3sink --help\n`);
    assert.equal(requests, 0);
  });

  it('a size only a deduplicated set takes: the manifest is read first (a refused read is exit 1)', async () => {
    requests = 0;
    const r = await sink(['--chunk-size', '1K', 's3://b/x'], 'x', s3Env(server, refuser.endpoint));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^s3sink: cannot write s3:\/\/b\/x\/: AccessDenied \(403\)\n$/);
    assert.ok(requests > 0);
  });

  it('that size, to a plain set: refused once its manifest is read, nothing committed', async () => {
    const data = seededBytes(3000, 1);
    assert.equal((await sink([`s3://${bucket}/plain`], data)).code, 0);
    const r = await sink(['--chunk-size', '2K', `s3://${bucket}/plain`], seededBytes(3000, 2));
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr, "s3sink: invalid --chunk-size '2K' (a size from 5M to 5G, such as 8M); see s3sink --help\n");
    assert.deepEqual((await source('plain')).stdout, data);
  });

  it('that size, to a deduplicated set, without --dedup: its new average; the manifest records the cut, level 1', async () => {
    const name = 'dedup';
    assert.equal((await sink(['--dedup', '--chunk-size', '4K', `s3://${bucket}/${name}`], seededBytes(50_000, 3))).code, 0);
    const data = seededBytes(50_000, 4);
    const r = await sink(['--chunk-size', '2K', `s3://${bucket}/${name}`], data);
    assert.equal(r.code, 0, r.stderr);
    const { dedup } = await manifestOf(name);
    assert.deepEqual({ ...dedup, leaseMs: undefined }, { min: 512, avg: 2048, max: 8192, normalization: 1, leaseMs: undefined });
    const raw = JSON.parse((await getObjectBytes(client, bucket, `${name}/MANIFEST`)).toString('utf8')) as { dedup: { normalization?: number } };
    assert.equal(raw.dedup.normalization, 1, 'written, not only read as the default');
    assert.deepEqual((await source(name)).stdout, data);
  });
});

describe('s3sink --resume with another --chunk-size when one chunk was stored', () => {
  const data = seededBytes(12 * MiB, 7);
  /** What an upload with --chunk-size `size` leaves when killed once chunk `index` was stored, alone: its GEN. */
  const interrupted = async (name: string, index: number, size = 5 * MiB): Promise<string> => {
    const generation = newGeneration(new Date(), 'abcdef01');
    const body = data.subarray(index * size, (index + 1) * size);
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: chunkKey(name, generation, index), Body: body }));
    return generation;
  };
  const resume = (name: string, chunkSize: string) => runFilter('s3sink', ['--resume', '--chunk-size', chunkSize, `s3://${bucket}/${name}`], { input: data, env });

  it('the same chunk size: the stored chunk is not sent again (the control)', async () => {
    const generation = await interrupted('same', 0);
    const r = await resume('same', '5M');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`^s3sink: resumed ${generation}: 1 of 1 chunks already stored$`, 'm'));
  });

  // Accepted, by design: one stored chunk is either a whole chunk of another size or the
  // last of a stream that short, and the listing cannot tell which (resumeMismatch's table
  // in retention.test.ts). Accepting costs nothing: a chunk is reused only when its size
  // and MD5 match, so this one is sent again and the set comes out whole.
  it('a larger chunk size: resumed, the stored chunk sent again, the set restores byte for byte', async () => {
    const generation = await interrupted('larger', 0);
    const r = await resume('larger', '8M');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`^s3sink: resumed ${generation}: 0 of 1 chunks already stored$`, 'm'));
    assert.deepEqual((await runFilter('s3source', [`s3://${bucket}/larger`], { env })).stdout, data);
    assert.deepEqual((await keysUnder(client, bucket, `larger/${generation}/`)).sort(), [chunkKey('larger', generation, 0), chunkKey('larger', generation, 1), `larger/${generation}/MANIFEST`]);
  });

  it('a shorter stream than the interrupted one: the chunks it stored past the end are removed', async () => {
    const generation = newGeneration(new Date(), 'abcdef02');
    for (const index of [0, 1, 2]) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: chunkKey('shorter', generation, index), Body: data.subarray(index * 5 * MiB, (index + 1) * 5 * MiB) }));
    }
    const shorter = data.subarray(0, 7 * MiB);
    const r = await runFilter('s3sink', ['--resume', '--chunk-size', '5M', `s3://${bucket}/shorter`], { input: shorter, env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`^s3sink: resumed ${generation}: 1 of 3 chunks already stored$`, 'm'));
    assert.deepEqual((await keysUnder(client, bucket, `shorter/${generation}/`)).sort(), [chunkKey('shorter', generation, 0), chunkKey('shorter', generation, 1), `shorter/${generation}/MANIFEST`]);
    assert.deepEqual((await runFilter('s3source', [`s3://${bucket}/shorter`], { env })).stdout, shorter);
  });

  it('a smaller chunk size: refused, one line, exit 2', async () => {
    const generation = await interrupted('smaller', 0, 6 * MiB);
    const r = await resume('smaller', '5M');
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr, `s3sink: cannot resume ${generation}: its chunk 0 is ${6 * MiB} bytes, not --chunk-size ${5 * MiB}; give the --chunk-size it was uploaded with; see s3sink --help\n`);
  });
});
