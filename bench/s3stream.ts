/**
 * A stream into S3 and back, against peers on the same local server in the same run,
 * runs alternating: s3sink beside `aws s3 cp -` and `rclone rcat`, s3source beside
 * `rclone cat` and `aws s3 cp … -` (and a deduplicated copy's restore beside the plain
 * one), and s3sink beside `curl -T` into a null HTTP sink
 * (the limit of the client itself). Every contender runs as a user runs it (the
 * installed filter, its shebang and all) under /usr/bin/time: wall, CPU per GiB, peak
 * RSS, MB/s, and the issue-16 targets with the measured ratio.
 *
 *   node dist/bench/s3stream.js   # BENCH_STREAM_MIB=1024, BENCH_RUNS=3, SERVER=rgw for Ceph RGW,
 *                                 # BENCH_QUICK=1: 128 MiB, one run
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { filterPath, runCommand } from '../test/helpers/run';
import { freshBucket, s3Env, startS3rver, testClient, type S3TestServer } from '../test/helpers/s3';
import { startRgw } from '../test/helpers/rgw';
import { NullS3 } from '../test/helpers/null-s3';
import { QUICK, RUNS, baselineOf, formatTable, installed, race, rcloneEnv, type Contender } from './measure';

const MiB = 2 ** 20;

/**
 * What hashing alone costs in CPU seconds per GiB (CPU, not wall: neighbours on the
 * same cores stretch wall time): SHA-256 is s3source's floor; 2 x SHA-256 (per chunk and
 * whole stream) is s3sink's, plus MD5 where the server does not check the signed hash.
 */
function hashSecondsPerGiB(): { md5: number; sha256: number } {
  const sample = randomBytes(64 * MiB);
  const time = (alg: string) => {
    const before = process.cpuUsage();
    for (let off = 0; off < sample.length; off += 8 * MiB) createHash(alg).update(sample.subarray(off, off + 8 * MiB)).digest();
    const used = process.cpuUsage(before);
    return ((used.user + used.system) / 1e6) * (2 ** 30 / sample.length);
  };
  return { md5: time('md5'), sha256: time('sha256') };
}

export async function benchS3Stream(): Promise<void> {
  const size = Number(process.env.BENCH_STREAM_MIB ?? (QUICK ? 128 : 1024)) * MiB;
  const dir = mkdtempSync(join(tmpdir(), 'pipekit-bench-'));
  const file = join(dir, 'stream.bin');
  const block = randomBytes(MiB);
  writeFileSync(file, Buffer.alloc(0));
  for (let i = 0; i < size / MiB; i++) writeFileSync(file, block, { flag: 'a' });
  // RGW keeps objects in the OSD's memory: room for every copy stored in the run, since
  // its garbage collector reclaims overwritten and pruned ones only hourly (RUNS + 1
  // s3sink generations, RUNS copies each by aws and rclone, --dedup). With room for 5,
  // the OSD was full in the second round of uploads and stopped taking writes.
  const copies = 3 * RUNS + 2;
  const server: S3TestServer = process.env.SERVER === 'rgw' ? await startRgw({ memstoreBytes: copies * size + 512 * MiB }) : await startS3rver();
  const sink = await NullS3.start();
  try {
    const bucket = await freshBucket(testClient(server), 'bench');
    const env = s3Env(server);
    const renv = rcloneEnv(server, env);
    const aws = installed('aws') ? `aws --endpoint-url ${server.endpoint} s3 cp` : undefined;
    const rclone = installed('rclone');
    const bytes = size;
    const up: Contender[] = [{ label: 's3sink -q (upload)', shell: `"${filterPath('s3sink')}" -q s3://${bucket}/set < "${file}"`, env, bytes }];
    if (aws) up.push({ label: 'aws s3 cp - (upload)', shell: `${aws} - s3://${bucket}/aws.bin < "${file}"`, env, bytes });
    if (rclone) up.push({ label: 'rclone rcat (upload)', shell: `rclone rcat b:${bucket}/rclone.bin < "${file}"`, env: renv, bytes });
    const down: Contender[] = [{ label: 's3source (download)', shell: `"${filterPath('s3source')}" s3://${bucket}/set > /dev/null`, env, bytes }];
    if (rclone) down.push({ label: 'rclone cat (download)', shell: `rclone cat b:${bucket}/rclone.bin > /dev/null`, env: renv, bytes });
    if (aws) down.push({ label: 'aws s3 cp … - (download)', shell: `${aws} s3://${bucket}/aws.bin - > /dev/null`, env, bytes });
    const nul: Contender[] = [
      { label: 's3sink -q (null sink)', shell: `"${filterPath('s3sink')}" -q s3://null/set < "${file}"`, env: s3Env(server, sink.endpoint), bytes },
      { label: 'curl -T (null sink)', shell: `curl -sf -T "${file}" ${sink.endpoint}/null/curl.bin`, env, bytes },
    ];
    const withBaseline = (list: Contender[], name: string) => {
      const theirs = baselineOf(list[0], filterPath(name), name);
      return theirs ? [list[0], theirs, ...list.slice(1)] : list;
    };
    up.splice(0, up.length, ...withBaseline(up, 's3sink'));
    down.splice(0, down.length, ...withBaseline(down, 's3source'));
    nul.splice(0, nul.length, ...withBaseline(nul, 's3sink'));
    process.stdout.write(`s3 stream: ${size / MiB} MiB against ${server.kind} at ${server.endpoint}, median of ${RUNS} alternating runs\n`);
    // Uploads first: the downloads read what they stored.
    const upRows = await race(up, RUNS, server);
    // A deduplicated copy (stored untimed) restores beside the plain set: issue 16 wants it as fast.
    const dedup = await runCommand('bash', ['-c', `"${filterPath('s3sink')}" -q --dedup s3://${bucket}/dedup < "${file}"`], { env, timeout: 3_600_000 });
    if (dedup.code !== 0) throw new Error(`s3sink --dedup failed (${dedup.code}): ${dedup.stderr.trim()}`);
    down.push({ label: 's3source of --dedup (download)', shell: `"${filterPath('s3source')}" s3://${bucket}/dedup > /dev/null`, env, bytes });
    const downRows = await race(down, RUNS, server);
    const nulRows = await race(nul, RUNS);
    const onRgw = server.kind === 'rgw';
    process.stdout.write(
      `${formatTable(`upload (${server.kind})`, upRows, {
        ratios: [
          { row: 's3sink -q (upload)', peer: 'aws s3 cp - (upload)', target: onRgw ? 1.5 : 2 },
          { row: 's3sink -q (upload)', peer: 'rclone rcat (upload)', target: onRgw ? 1.5 : 2 },
        ],
        cpu: [{ row: 's3sink -q (upload)', max: 3 }],
      })}\n`,
    );
    process.stdout.write(
      `${formatTable(`download (${server.kind})`, downRows, {
        ratios: [
          { row: 's3source (download)', peer: 'rclone cat (download)', target: 1 },
          { row: 's3source of --dedup (download)', peer: 's3source (download)', target: 1 },
        ],
        cpu: [{ row: 's3source (download)', max: 1.3 }],
      })}\n`,
    );
    process.stdout.write(
      `${formatTable('into a null HTTP sink', nulRows, { ratios: [{ row: 's3sink -q (null sink)', peer: 'curl -T (null sink)', target: 0.8 }] })}\n`,
    );
    const floor = hashSecondsPerGiB();
    // RGW checks the signed SHA-256, so s3sink sends no MD5 there (lib/s3/client.ts).
    const sinkFloor = onRgw ? `2 x SHA-256 ${(2 * floor.sha256).toFixed(2)}` : `MD5 + 2 x SHA-256 ${(floor.md5 + 2 * floor.sha256).toFixed(2)}`;
    process.stdout.write(
      `  hashing alone (CPU s/GiB): SHA-256 ${floor.sha256.toFixed(2)} (s3source's floor), ${sinkFloor} (s3sink's on ${server.kind}), MD5 + 2 x SHA-256 ${(floor.md5 + 2 * floor.sha256).toFixed(2)} (s3sink's into the null sink)\n`,
    );
  } finally {
    await sink.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchS3Stream().catch((err: Error) => {
    process.stderr.write(`bench s3stream: ${err.message}\n`);
    process.exit(1);
  });
}
