/**
 * Deduplicated chunk sets (s3sink --dedup), in one run:
 *
 *   1. a tar stream (~1 GiB) of a generated tree of ~1,000 files of random content;
 *      a second with 1% of the files changed in place, 1% added and 1% removed; a
 *      third with one byte inserted at the very front;
 *   2. content-defined chunking alone, at several averages: requests (chunks) against
 *      the new bytes the second stream needs and the share of the third deduplicated;
 *      the figures the man page's default average is chosen from;
 *   3. the filters on a local server: plain s3sink against --dedup for the first and
 *      the second upload, new bytes stored against the changed size, restore speed;
 *   4. the known-chunk index's memory, per TiB of stream.
 *
 * Targets (issue 20): second upload's new bytes <= 2x the changed and added files;
 * third >= 95% deduplicated; first --dedup upload >= 0.8x plain, second >= 2x plain;
 * restore as fast as plain.
 *
 *   node dist/bench/dedup.js    # BENCH_DEDUP_MIB=1024, BENCH_DEDUP_AVERAGES=128K,256K,512K,1M,2M, SERVER=rgw
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filterPath } from '../test/helpers/run';
import { freshBucket, s3Env, startS3rver, testClient, type S3TestServer } from '../test/helpers/s3';
import { startRgw } from '../test/helpers/rgw';
import { CdcAccumulator, DEFAULT_CDC_AVERAGE, cdcParams } from '../lib/s3/cdc';
import type { StoredForm } from '../lib/s3/dedup-index';
import { parseSize } from '../lib/units';
import { serverCpuSeconds, timeOnce } from './measure';

const MiB = 2 ** 20;
const TOTAL = Number(process.env.BENCH_DEDUP_MIB ?? 1024) * MiB;
const FILES = 1000;
const AVERAGES = (process.env.BENCH_DEDUP_AVERAGES ?? '128K,256K,512K,1M,2M').split(',').map(parseSize);

/** A deterministic generator for file sizes and choices (the contents are random bytes). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

function writeRandom(path: string, size: number): void {
  writeFileSync(path, randomBytes(size));
}

/** File sizes around TOTAL/FILES, from a few KiB to a few times the mean (as real trees vary). */
function fileSize(random: () => number): number {
  return Math.max(1024, Math.round((-Math.log(1 - random()) * TOTAL) / FILES));
}

function tar(dir: string, out: string): void {
  // --sort=name: the same tree gives the same stream, whatever readdir's order.
  const r = spawnSync('tar', ['--sort=name', '-cf', out, '-C', dir, '.']);
  if (r.status !== 0) throw new Error(`tar failed: ${r.stderr}`);
}

interface Streams {
  first: string;
  second: string;
  third: string;
  /** Bytes of the files changed in place and added for the second stream. */
  changed: number;
}

function makeStreams(work: string): Streams {
  const tree = join(work, 'tree');
  const random = lcg(20);
  for (let i = 0; i < FILES; i++) {
    const sub = join(tree, `d${i % 37}`);
    mkdirSync(sub, { recursive: true });
    writeRandom(join(sub, `f${i}`), fileSize(random));
  }
  const first = join(work, 'first.tar');
  tar(tree, first);
  const files = readdirSync(tree).flatMap((d) => readdirSync(join(tree, d)).map((f) => join(tree, d, f))).sort();
  const pick = () => files.splice(Math.floor(random() * files.length), 1)[0];
  let changed = 0;
  for (let i = 0; i < FILES / 100; i++) {
    const f = pick();
    const size = statSync(f).size;
    writeRandom(f, size);
    changed += size;
  }
  for (let i = 0; i < FILES / 100; i++) unlinkSync(pick());
  for (let i = 0; i < FILES / 100; i++) {
    const size = fileSize(random);
    writeRandom(join(tree, `d${i % 37}`, `new${i}`), size);
    changed += size;
  }
  const second = join(work, 'second.tar');
  tar(tree, second);
  rmSync(tree, { recursive: true, force: true });
  const third = join(work, 'third.tar');
  execFileSync('sh', ['-c', `{ printf x; cat '${second}'; } > '${third}'`]);
  return { first, second, third, changed };
}

/** The SHA-256 and size of every content-defined chunk of a file. */
async function chunksOf(file: string, avg: number): Promise<Map<string, number>> {
  const acc = new CdcAccumulator(cdcParams(avg));
  const out = new Map<string, number>();
  const add = (c: Buffer) => out.set(createHash('sha256').update(c).digest('hex'), c.length);
  for await (const data of createReadStream(file, { highWaterMark: 1 * MiB })) for (const c of acc.push(data as Buffer)) add(c);
  const last = acc.flush();
  if (last) add(last);
  return out;
}

function newBytes(chunks: Map<string, number>, known: Map<string, number>[]): number {
  let n = 0;
  for (const [sha, size] of chunks) if (!known.some((k) => k.has(sha))) n += size;
  return n;
}

const pct = (part: number, whole: number) => `${((part / whole) * 100).toFixed(1)}%`;

/** The table; returns chunks per GiB at each average. */
async function measureAverages(s: Streams): Promise<Map<number, number>> {
  const perGiBOf = new Map<number, number>();
  const size = statSync(s.second).size;
  process.stdout.write(`\n  chunking alone: requests against new bytes (changed and added files: ${(s.changed / MiB).toFixed(1)} MiB, ${pct(s.changed, size)})\n`);
  process.stdout.write(`  ${'average'.padEnd(8)} ${'chunks/GiB'.padStart(10)} ${'2nd new MiB'.padStart(12)} ${'x changed'.padStart(10)} ${'3rd dedup'.padStart(10)}\n`);
  for (const avg of AVERAGES) {
    const one = await chunksOf(s.first, avg);
    const two = await chunksOf(s.second, avg);
    const three = await chunksOf(s.third, avg);
    const fresh2 = newBytes(two, [one]);
    const fresh3 = newBytes(three, [one, two]);
    const perGiB = (one.size / statSync(s.first).size) * 2 ** 30;
    perGiBOf.set(avg, perGiB);
    process.stdout.write(
      `  ${`${avg / 1024}K`.padEnd(8)} ${perGiB.toFixed(0).padStart(10)} ${(fresh2 / MiB).toFixed(1).padStart(12)} ${(fresh2 / s.changed).toFixed(2).padStart(10)} ${pct(size - fresh3, size).padStart(10)}\n`,
    );
  }
  return perGiBOf;
}

/** One run of a shell line under /usr/bin/time: MB/s, CPU per GiB of the filter and of the server, and the dedup closing line. */
async function timed(label: string, bytes: number, shell: string, env: NodeJS.ProcessEnv, server: S3TestServer): Promise<{ mbps: number; stderr: string }> {
  const before = serverCpuSeconds(server);
  const r = await timeOnce({ label, shell, env });
  const after = serverCpuSeconds(server);
  const mbps = bytes / 1e6 / r.wallS;
  const closing = r.stderr.trim().split('\n').at(-1) ?? '';
  const perGiB = (s: number) => (s / (bytes / 2 ** 30)).toFixed(1).padStart(5);
  const cpu = `${perGiB(r.cpuS)} CPU s/GiB${before === undefined ? '' : `, server ${perGiB(after! - before)}`}`;
  process.stdout.write(`  ${label.padEnd(30)} ${mbps.toFixed(0).padStart(5)} MB/s ${cpu}  ${/deduplicated/.test(closing) ? closing.replace(/^s3sink: /, '') : ''}\n`);
  return { mbps, stderr: r.stderr };
}

async function measureFilters(s: Streams): Promise<void> {
  const server: S3TestServer = process.env.SERVER === 'rgw' ? await startRgw({ memstoreBytes: 8 * TOTAL }) : await startS3rver();
  try {
    const bucket = await freshBucket(testClient(server), 'dedup');
    const env = s3Env(server);
    const sink = (args: string, file: string) => `'${process.execPath}' '${filterPath('s3sink')}' ${args} < '${file}'`;
    const restore = (name: string) => `'${process.execPath}' '${filterPath('s3source')}' s3://${bucket}/${name} > /dev/null`;
    const size = (f: string) => statSync(f).size;
    process.stdout.write(`\n  the filters on ${server.kind} (default sizes: plain 8M chunks, --dedup 256K average; CPU per GiB of the filter, and of the server's processes)\n`);
    const plain1 = await timed('plain s3sink, 1st', size(s.first), sink(`--keep 3 s3://${bucket}/plain`, s.first), env, server);
    const dedup1 = await timed('s3sink --dedup, 1st', size(s.first), sink(`--dedup --keep 3 s3://${bucket}/dedup`, s.first), env, server);
    const plain2 = await timed('plain s3sink, 2nd', size(s.second), sink(`--keep 3 s3://${bucket}/plain`, s.second), env, server);
    const dedup2 = await timed('s3sink --dedup, 2nd', size(s.second), sink(`--keep 3 s3://${bucket}/dedup`, s.second), env, server);
    await timed('s3sink --dedup, 3rd (1 byte in front)', size(s.third), sink(`--keep 3 s3://${bucket}/dedup`, s.third), env, server);
    const restorePlain = await timed('plain s3source', size(s.second), restore('plain'), env, server);
    const restoreDedup = await timed('s3source of --dedup', size(s.third), restore('dedup'), env, server);
    const newOf = (stderr: string) => /\(([\d.]+ [KMGTP]?i?B) new/.exec(stderr)?.[1] ?? '?';
    process.stdout.write(`  2nd upload: ${newOf(dedup2.stderr)} new for ${(s.changed / MiB).toFixed(1)} MiB changed and added (target <= 2x)\n`);
    process.stdout.write(`  ratios: 1st --dedup/plain ${(dedup1.mbps / plain1.mbps).toFixed(2)} (target >= 0.8), 2nd ${(dedup2.mbps / plain2.mbps).toFixed(2)} (>= 2), restore ${(restoreDedup.mbps / restorePlain.mbps).toFixed(2)} (>= 1)\n`);
  } finally {
    await server.stop();
  }
}

/** Bytes per entry of the known-chunk index (a Map from hex SHA-256 to how the chunk is stored), measured; per TiB at the default average's chunks per GiB. */
function indexMemory(chunksPerGiB: number): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const n = 200_000;
  // As dedup-index.ts builds it: the content's SHA-256 to how the chunk is stored.
  const index = new Map<string, StoredForm>();
  for (let i = 0; i < n; i++) {
    const sha256 = randomBytes(32).toString('hex');
    index.set(sha256, { sha256 });
  }
  gc?.();
  const perEntry = (process.memoryUsage().heapUsed - before) / n;
  const perTiB = perEntry * chunksPerGiB * 1024;
  process.stdout.write(`\n  known-chunk index: ${perEntry.toFixed(0)} bytes per chunk${gc ? '' : ' (run with --expose-gc for a steadier figure)'}; at the ${DEFAULT_CDC_AVERAGE / 1024}K average (${chunksPerGiB.toFixed(0)} chunks/GiB) ${(perTiB / MiB).toFixed(0)} MiB per TiB of distinct chunks\n`);
  if (index.size !== n) throw new Error('index lost entries');
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'pipekit-bench-dedup-'));
  try {
    process.stdout.write(`  ${FILES} files, ${(TOTAL / MiB).toFixed(0)} MiB of random content in tar streams\n`);
    const streams = makeStreams(work);
    const perGiB = await measureAverages(streams);
    if (process.env.BENCH_DEDUP_FILTERS !== '0') await measureFilters(streams);
    indexMemory(perGiB.get(DEFAULT_CDC_AVERAGE) ?? 2 ** 30 / DEFAULT_CDC_AVERAGE);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

void main().catch((err: Error) => {
  process.stderr.write(`bench dedup: ${err.message}\n`);
  process.exit(1);
});
