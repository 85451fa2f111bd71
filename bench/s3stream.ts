/**
 * A stream into S3 and back, against peers on the same local server in the same run:
 * s3sink / s3source beside `aws s3 cp -` and `rclone rcat` / `rclone cat`, and s3sink
 * into a null HTTP sink (the limit of the client itself). Prints MB/s and ratios.
 * Targets: s3sink >= 2x aws cli upload, s3source >= rclone download, >= 500 MB/s into
 * the null sink.
 *
 *   node dist/bench/s3stream.js     # BENCH_STREAM_MIB=1024 (default), SERVER=rgw for Ceph RGW
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { filterPath, runCommand, type RunResult } from '../test/helpers/run';
import { freshBucket, s3Env, startS3rver, testClient, type S3TestServer } from '../test/helpers/s3';
import { startRgw } from '../test/helpers/rgw';
import { NullS3 } from '../test/helpers/null-s3';

const MiB = 2 ** 20;

function installed(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function timed(label: string, bytes: number, run: () => Promise<RunResult>): Promise<number> {
  const t0 = process.hrtime.bigint();
  const r = await run();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.code !== 0) throw new Error(`${label} failed (${r.code}): ${r.stderr.trim().split('\n').at(-1)}`);
  const mbps = bytes / 1e6 / s;
  process.stdout.write(`  ${label.padEnd(34)} ${mbps.toFixed(0).padStart(5)} MB/s\n`);
  return mbps;
}

/**
 * What s3sink's checks cost before any I/O: per chunk MD5 (Content-MD5, ETag) and
 * SHA-256 (manifest, signed payload), plus the whole-stream SHA-256, timed on one core
 * and spread ideally over all of them. A null-sink figure near this is CPU-bound.
 */
function hashCeiling(): { mbps: number; cores: number } {
  const sample = randomBytes(64 * MiB);
  const chunk = 8 * MiB;
  const t0 = process.hrtime.bigint();
  const whole = createHash('sha256');
  for (let off = 0; off < sample.length; off += chunk) {
    const piece = sample.subarray(off, off + chunk);
    createHash('md5').update(piece).digest();
    createHash('sha256').update(piece).digest();
    whole.update(piece);
  }
  whole.digest();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cores = availableParallelism();
  return { mbps: (sample.length / 1e6 / seconds) * cores, cores };
}

export async function benchS3Stream(): Promise<void> {
  const size = Number(process.env.BENCH_STREAM_MIB ?? 1024) * MiB;
  const dir = mkdtempSync(join(tmpdir(), 'pipekit-bench-'));
  const file = join(dir, 'stream.bin');
  const block = randomBytes(MiB);
  writeFileSync(file, Buffer.alloc(0));
  for (let i = 0; i < size / MiB; i++) writeFileSync(file, block, { flag: 'a' });
  // RGW keeps objects in the OSD's memory: room for the three copies stored (s3sink, aws, rclone).
  const server: S3TestServer = process.env.SERVER === 'rgw' ? await startRgw({ memstoreBytes: 3 * size + 512 * MiB }) : await startS3rver();
  const sink = await NullS3.start();
  try {
    const bucket = await freshBucket(testClient(server), 'bench');
    const env = s3Env(server);
    const sh = (cmd: string, e: NodeJS.ProcessEnv = env) => runCommand('bash', ['-o', 'pipefail', '-c', cmd], { env: e, timeout: 3_600_000 });
    process.stdout.write(`s3 stream: ${size / MiB} MiB against ${server.kind} at ${server.endpoint}\n`);
    const up = await timed('s3sink (upload)', size, () => sh(`"${filterPath('s3sink')}" -q s3://${bucket}/set < "${file}"`));
    const down = await timed('s3source (download)', size, () => sh(`"${filterPath('s3source')}" s3://${bucket}/set > /dev/null`));
    const nul = await timed('s3sink into a null HTTP sink', size, () =>
      sh(`"${filterPath('s3sink')}" -q s3://null/set < "${file}"`, s3Env(server, sink.endpoint)),
    );
    const pipe = await timed('cat | cat (a pipe, for scale)', size, () => sh(`cat "${file}" | cat > /dev/null`));
    const ceiling = hashCeiling();
    process.stdout.write(`  ${`hashing alone, ${ceiling.cores} cores, no I/O`.padEnd(34)} ${ceiling.mbps.toFixed(0).padStart(5)} MB/s\n`);
    let awsUp: number | undefined;
    if (installed('aws')) {
      const a = `aws --endpoint-url ${server.endpoint} s3 cp`;
      awsUp = await timed('aws s3 cp - (upload)', size, () => sh(`${a} - s3://${bucket}/aws.bin < "${file}"`));
      await timed('aws s3 cp - (download)', size, () => sh(`${a} s3://${bucket}/aws.bin - > /dev/null`));
    }
    let rcloneDown: number | undefined;
    if (installed('rclone')) {
      // rclone reads its remote from the environment; it rejects AWS_CA_BUNDLE pointing at a bundle it cannot use.
      const { AWS_CA_BUNDLE: _unused, ...rest } = env;
      const renv = {
        ...rest,
        RCLONE_CONFIG_B_TYPE: 's3',
        RCLONE_CONFIG_B_PROVIDER: 'Other',
        RCLONE_CONFIG_B_ENDPOINT: server.endpoint,
        RCLONE_CONFIG_B_ACCESS_KEY_ID: server.accessKeyId,
        RCLONE_CONFIG_B_SECRET_ACCESS_KEY: server.secretAccessKey,
        RCLONE_CONFIG_B_FORCE_PATH_STYLE: 'true',
      };
      await timed('rclone rcat (upload)', size, () => sh(`rclone rcat b:${bucket}/rclone.bin < "${file}"`, renv));
      rcloneDown = await timed('rclone cat (download)', size, () => sh(`rclone cat b:${bucket}/rclone.bin > /dev/null`, renv));
    }
    process.stdout.write(`  ratios: s3sink/aws upload ${awsUp ? (up / awsUp).toFixed(2) : 'n/a (aws not installed)'} (target >= 2), `);
    process.stdout.write(`s3source/rclone download ${rcloneDown ? (down / rcloneDown).toFixed(2) : 'n/a (rclone not installed)'} (target >= 1), `);
    process.stdout.write(`null sink ${nul.toFixed(0)} MB/s (target >= 500; ${(nul / ceiling.mbps).toFixed(2)} of the hashing ceiling, ${(nul / pipe).toFixed(2)} of a bare pipe)\n`);
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
