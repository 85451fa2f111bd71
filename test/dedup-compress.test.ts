import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { filterPath, runFilter, stderrLines } from './helpers/run';
import { FaultProxy } from './helpers/fault-proxy';
import { waitFor } from './helpers/wait';
import { freshBucket, keysUnder, s3Env, startS3rver, testClient, type S3TestServer } from './helpers/s3';
import { oddPieces, seededBytes, sha256 } from './helpers/data';
import { readManifest, readObject } from '../lib/s3/object-io';
import { COMPRESSED_MANIFEST_FORMAT, MANIFEST_FORMAT, generationManifestKey, manifestKey, parseManifest, type Manifest } from '../lib/s3/layout';
import { compressChunk, decompressChunk, undecodable, writeCodec } from '../lib/s3/chunk-codec';
import { dedupSummary } from '../lib/s3/dedup-summary';
import { dedupUsage } from '../lib/s3/dedup-usage';

/**
 * s3sink --compress: each new chunk of a deduplicated set compressed with zstd (deflate
 * on a Node without it) when that shrinks it, the codec in its manifest entry and key,
 * the content's SHA-256 verified after decompression by s3source and --check. Small
 * averages (4K) keep the inputs to a few dozen chunks, on s3rver (the dedup protocol
 * itself is test/dedup.test.ts's, on both servers).
 */

const KiB = 1024;
const COMPRESS = ['--compress', '--chunk-size', '4K', '--lease', '10s'];
const CODEC = writeCodec();

/** Text that compresses well, and differs by seed: log lines with seeded numbers. */
function logText(size: number, seed: number): Buffer {
  const noise = seededBytes(size / 8, seed);
  const lines: string[] = [];
  let n = 0;
  for (let i = 0; n < size; i++) {
    const line = `2026-12-02T01:${String(i % 60).padStart(2, '0')}:00Z host${noise[i % noise.length] % 16} sshd[${noise.readUInt16LE((2 * i) % (noise.length - 2))}]: session opened for user backup\n`;
    lines.push(line);
    n += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, size);
}

describe('s3sink --compress', { concurrency: true }, () => {
  let s: S3TestServer;
  let client: S3Client;
  let bucket: string;
  let env: NodeJS.ProcessEnv;
  let n = 0;
  const fresh = () => `compress${++n}`;
  const url = (name: string) => `s3://${bucket}/${name}`;
  const sink = (name: string, input: Buffer, args: string[]) => runFilter('s3sink', [...args, url(name)], { input: oddPieces(input), env });
  const source = (name: string, args: string[] = []) => runFilter('s3source', [...args, url(name)], { env });
  const stored = async (name: string, input: Buffer, args: string[] = COMPRESS) => {
    const r = await sink(name, input, args);
    assert.equal(r.code, 0, r.stderr);
    return r;
  };
  const generations = async (name: string): Promise<Manifest[]> => {
    const keys = (await keysUnder(client, bucket, `${name}/`)).filter((k) => /\/\d{8}T\d{9}Z-[0-9a-f]{8}\/MANIFEST$/.test(k)).sort();
    return Promise.all(keys.map(async (k) => (await readManifest(client, bucket, k))!));
  };
  const objectSize = async (key: string) => (await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ContentLength;

  before(async () => {
    s = await startS3rver();
    client = testClient(s);
    bucket = await freshBucket(client, 'compress');
    env = s3Env(s);
  });
  after(() => s.stop());

  it('round-trips compressible and incompressible bytes; the manifest records each codec, a chunk that does not shrink is stored as is', async () => {
    const name = fresh();
    const data = Buffer.concat([logText(40 * KiB, 1), seededBytes(40 * KiB, 2), logText(30 * KiB, 3)]);
    const r = await stored(name, data);
    assert.match(stderrLines(r).at(-1)!, /^s3sink: stored 110 KiB \(\d[\d.]* KiB new, \d[\d.]* KiB before compression, \d+% deduplicated\) in \d+ chunks at /);
    const m = (await readManifest(client, bucket, manifestKey(name)))!;
    assert.equal(m.format, COMPRESSED_MANIFEST_FORMAT);
    assert.equal(m.dedup?.compress, true);
    const compressed = m.chunks.filter((c) => c.codec);
    const plain = m.chunks.filter((c) => !c.codec);
    assert.ok(compressed.length > 0 && plain.length > 0, `both kinds: ${JSON.stringify(m.chunks.map((c) => c.codec ?? '-'))}`);
    for (const c of compressed) {
      assert.equal(c.codec, CODEC);
      assert.equal(c.key, `${name}/chunks/${c.sha256.slice(0, 2)}/${c.sha256}.${CODEC}`);
      assert.ok(c.stored! < c.size, `${c.key}: ${c.stored} < ${c.size}`);
      assert.equal(await objectSize(c.key), c.stored);
    }
    for (const c of plain) {
      assert.equal(c.key, `${name}/chunks/${c.sha256.slice(0, 2)}/${c.sha256}`);
      assert.equal(c.stored, undefined);
      assert.deepEqual(await readObject(client, bucket, c.key), data.subarray(offsetOf(m, c.key), offsetOf(m, c.key) + c.size), 'stored as it is');
    }
    // The random middle is stored as it is, the text around it shrinks.
    const distinct = new Map(m.chunks.map((c) => [c.key, c.stored ?? c.size]));
    assert.equal(m.newBytes, [...distinct.values()].reduce((t, size) => t + size, 0), 'new bytes are the stored sizes');
    assert.ok(m.newBytes! < data.length - 20 * KiB, `newBytes ${m.newBytes} of ${data.length}`);
    const back = await source(name);
    assert.equal(back.code, 0, back.stderr);
    assert.equal(sha256(back.stdout), sha256(data));
    const check = await source(name, ['--check']);
    assert.equal(check.code, 0, check.stderr);
  });

  it('reuses chunks stored either way: a plain --dedup set, then --compress, then no flag (it sticks)', async () => {
    const name = fresh();
    const a = logText(32 * KiB, 4);
    const b = Buffer.concat([a, logText(24 * KiB, 5)]);
    const c = Buffer.concat([b, logText(24 * KiB, 6)]);
    await stored(name, a, ['--dedup', '--chunk-size', '4K', '--lease', '10s']);
    await stored(name, b, ['--compress', '--keep', '3']);
    const r = await stored(name, c, ['--keep', '3']);
    assert.match(stderrLines(r).at(-1)!, / before compression, \d+% deduplicated\)/, 'the third upload compresses without the flag');
    const [g1, g2, g3] = await generations(name);
    assert.equal(g1.format, MANIFEST_FORMAT);
    assert.ok(g1.chunks.every((ch) => !ch.codec), 'the first upload stored its chunks as they are');
    assert.equal(g3.dedup?.compress, true);
    const first = new Map(g1.chunks.map((ch) => [ch.sha256, ch]));
    const second = new Map(g2.chunks.map((ch) => [ch.sha256, ch]));
    let reusedPlain = 0;
    let reusedCompressed = 0;
    for (const [later, earlier] of [
      [g2, first],
      [g3, second],
    ] as const) {
      for (const ch of later.chunks) {
        const before = earlier.get(ch.sha256);
        if (before) {
          assert.deepEqual({ key: ch.key, codec: ch.codec, stored: ch.stored }, { key: before.key, codec: before.codec, stored: before.stored }, 'a reused chunk keeps how it is stored');
          if (ch.codec) reusedCompressed++;
          else reusedPlain++;
        } else if (!first.has(ch.sha256) && ch.size >= KiB) {
          // Only the stream's last chunk is shorter than the minimum (1K), and a few bytes of text may not shrink.
          assert.equal(ch.codec, CODEC, `new text chunk ${ch.key} (${ch.size} bytes) of ${later.generation} is compressed`);
        }
      }
    }
    assert.ok(reusedPlain > 0 && reusedCompressed > 0, `reused: ${reusedPlain} plain, ${reusedCompressed} compressed`);
    // Only the new chunks were sent: the bucket holds each distinct chunk once.
    const keys = (await keysUnder(client, bucket, `${name}/chunks/`)).sort();
    assert.deepEqual(keys, [...new Set([g1, g2, g3].flatMap((g) => g.chunks.map((ch) => ch.key)))].sort());
    for (const [ref, data] of [
      ['~2', a],
      ['~1', b],
      ['~0', c],
    ] as const) {
      const back = await source(name, ['--generation', ref]);
      assert.equal(back.code, 0, back.stderr);
      assert.equal(sha256(back.stdout), sha256(data), ref);
    }
  });

  it('a compressed chunk corrupted in place fails --check and s3source, naming every generation that uses it', async () => {
    const name = fresh();
    const base = logText(32 * KiB, 7);
    await stored(name, base);
    await stored(name, Buffer.concat([base, logText(5000, 8)]), ['--keep', '2']);
    const [older, newer] = await generations(name);
    const shared = older.chunks.find((ch) => ch.codec)!;
    assert.ok(newer.chunks.some((ch) => ch.key === shared.key));
    const body = await readObject(client, bucket, shared.key);
    body[body.length >> 1] ^= 0x55;
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: shared.key, Body: body }));
    const check = await source(name, ['--check', '--all-generations']);
    assert.equal(check.code, 1);
    const lines = stderrLines(check);
    for (const g of [older, newer]) {
      assert.ok(lines.some((l) => l.startsWith(`BAD ${g.generation} chunk `) && l.includes(shared.key) && l.includes('corrupt')), `${g.generation} in:\n${check.stderr}`);
    }
    assert.ok(lines.some((l) => l.includes(`${shared.key} is used by 2 generations: ${older.generation} ${newer.generation}`)), check.stderr);
    const r = await source(name);
    assert.equal(r.code, 1);
    assert.ok(stderrLines(r).some((l) => l.includes(shared.key) && l.includes(older.generation) && l.includes(newer.generation)), r.stderr);
    // Verified before a byte of it is written: the output stops where the bad chunk starts, or before.
    const data = Buffer.concat([base, logText(5000, 8)]);
    assert.ok(r.stdout.length <= offsetOf(newer, shared.key), `${r.stdout.length} bytes written`);
    assert.deepEqual(r.stdout, data.subarray(0, r.stdout.length));
  });

  it('a codec this version does not know fails before the first byte, one line naming the chunk and the codec', async () => {
    const name = fresh();
    await stored(name, logText(24 * KiB, 9));
    const m = (await readManifest(client, bucket, manifestKey(name)))!;
    const victim = m.chunks.findIndex((ch) => ch.codec);
    m.chunks[victim].codec = 'lz4';
    const body = JSON.stringify(m);
    for (const key of [manifestKey(name), generationManifestKey(name, m.generation)]) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }));
    }
    const r = await source(name);
    assert.equal(r.code, 1);
    assert.equal(r.stdout.length, 0);
    assert.deepEqual(stderrLines(r), [`s3source: cannot read ${url(m.chunks[victim].key)}: it is compressed with lz4, a codec this version of pipekit does not know; upgrade pipekit`]);
    const check = await source(name, ['--check']);
    assert.equal(check.code, 1);
    assert.match(stderrLines(check)[0], new RegExp(`^BAD ${m.generation} chunk ${victim}: .*compressed with lz4`));
  });

  it('kill -9 during a compressed upload, then --resume does not send again the compressed chunks it stored', async () => {
    const name = fresh();
    const data = logText(160 * KiB, 10);
    const proxy = await FaultProxy.start(s.endpoint);
    try {
      // The 12th chunk PUT (of about 23: this text cuts at about 7K) is held,
      // so the kill lands before the commit; with -j 2 at most one of the 11 before it is
      // still in flight.
      proxy.add({ fault: 'delay', method: 'PUT', url: /\/chunks\/[0-9a-f]{2}\/[0-9a-f]{64}/, nth: 12 });
      const child = spawn(process.execPath, [filterPath('s3sink'), ...COMPRESS, '-j', '2', url(name)], { env: s3Env(s, proxy.endpoint), stdio: ['pipe', 'ignore', 'ignore'] });
      child.stdin!.on('error', () => {});
      child.stdin!.end(data);
      const exited = once(child, 'close');
      await waitFor(() => proxy.injected.delay > 0, 60_000, 'the 12th chunk PUT held');
      child.kill('SIGKILL');
      await exited;
      proxy.clear().releaseDelayed();
      const left = await keysUnder(client, bucket, `${name}/chunks/`);
      assert.ok(left.length >= 10 && left.every((k) => k.endsWith(`.${CODEC}`)), `compressed chunks left: ${left.join(' ')}`);
      const r = await stored(name, data, [...COMPRESS, '--resume']);
      const resumed = Number(/resumed: (\d+) chunks/.exec(r.stderr)?.[1]);
      assert.ok(resumed >= left.length - 1, r.stderr);
      const back = await source(name);
      assert.equal(sha256(back.stdout), sha256(data));
    } finally {
      await proxy.close();
    }
  });

  it('--compress goes with the sets that have chunks of their own', async () => {
    const r = await runFilter('s3sink', ['--compress', '--object', url(fresh())], { input: 'x', env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--object stores one plain object/);
  });
});

/** Where chunk `key` starts in the stream its manifest describes. */
function offsetOf(m: Manifest, key: string): number {
  let at = 0;
  for (const c of m.chunks) {
    if (c.key === key) return at;
    at += c.size;
  }
  throw new Error(`${key} is not in the manifest`);
}

describe('chunk codecs, as pure functions', () => {
  it('writes zstd where node:zlib has it, else deflate', () => {
    assert.equal(writeCodec({ zstdCompress: () => undefined }), 'zstd');
    assert.equal(writeCodec({}), 'deflate');
  });

  // [codec, node:zlib's zstd decompressor present, why it cannot be read (undefined: it can)]
  const cases: [string, boolean, RegExp | undefined][] = [
    ['zstd', true, undefined],
    ['deflate', true, undefined],
    ['deflate', false, undefined],
    ['zstd', false, /^it is compressed with zstd, which this Node \(v[\d.]+\) cannot decompress; run it on Node 22\.15 or later$/],
    ['lz4', true, /^it is compressed with lz4, a codec this version of pipekit does not know; upgrade pipekit$/],
  ];
  for (const [codec, zstd, why] of cases) {
    it(`${codec}${zstd ? '' : ' on a Node without zstd'}: ${why ? 'refused' : 'read'}`, () => {
      const got = undecodable(codec, zstd ? { zstdDecompress: () => undefined } : {});
      if (why) assert.match(got ?? '', why);
      else assert.equal(got, undefined);
    });
  }

  for (const codec of ['zstd', 'deflate'] as const) {
    it(`${codec}: text round-trips, random bytes are stored as they are, a body that inflates past its size fails`, async () => {
      const text = logText(16 * KiB, 11);
      const packed = (await compressChunk(text, codec))!;
      assert.ok(packed.length < text.length / 2, `${packed.length} bytes`);
      assert.deepEqual(await decompressChunk(packed, codec, text.length), text);
      assert.equal(await compressChunk(seededBytes(16 * KiB, 12), codec), null);
      await assert.rejects(decompressChunk(packed, codec, text.length - 1));
    });
  }

  it('the closing line counts new bytes as stored, and deduplication from the content', () => {
    assert.equal(dedupSummary(2 ** 30, 31 * 2 ** 20), '1.0 GiB (31 MiB new, 96% deduplicated)');
    assert.equal(dedupSummary(2 ** 30, 31 * 2 ** 20, 12 * 2 ** 20), '1.0 GiB (12 MiB new, 31 MiB before compression, 96% deduplicated)');
  });

  it('stored bytes are the compressed sizes, each distinct chunk once', () => {
    const chunk = (key: string, size: number, stored?: number) => ({ key, size, sha256: 'a'.repeat(64), ...(stored ? { codec: 'zstd', stored } : {}) });
    const gen = (chunks: ReturnType<typeof chunk>[]) => ({ size: chunks.reduce((t, c) => t + c.size, 0), chunks }) as unknown as Manifest;
    assert.deepEqual(dedupUsage([gen([chunk('x.zstd', 100, 30), chunk('y', 50)]), gen([chunk('x.zstd', 100, 30)])]), { logical: 250, stored: 80 });
  });

  it('a manifest entry with a codec needs its stored size; one without a codec has none', () => {
    const manifest = (c: object) => JSON.stringify({ format: 2, name: 'n', generation: 'g', chunkSize: 4096, chunks: [{ key: 'k', size: 10, sha256: 'b'.repeat(64), ...c }], size: 10, sha256: 'c'.repeat(64), created: '' });
    assert.equal(parseManifest(manifest({ codec: 'zstd', stored: 7 })).chunks[0].stored, 7);
    assert.equal(parseManifest(manifest({ codec: 'lz4', stored: 7 })).chunks[0].codec, 'lz4', 'an unknown codec parses: that chunk fails when read');
    assert.throws(() => parseManifest(manifest({ codec: 'zstd' })), /malformed chunk entry/);
    assert.throws(() => parseManifest(manifest({ stored: 7 })), /malformed chunk entry/);
    assert.throws(() => parseManifest(manifest({ codec: 'ZSTD/../x', stored: 7 })), /malformed chunk entry/);
    assert.throws(() => parseManifest(JSON.stringify({ ...JSON.parse(manifest({})), format: 3 })), /format 3 is newer than this version understands \(2\); upgrade pipekit/);
  });
});
