/**
 * Listing and deleting N keys (default 10,000) on one s3rver: `s3ls -r | s3rm` (one
 * DeleteObjects per 1000 keys) against one DELETE per key (the seed's
 * clear_environment.py loop, in-process with the same SDK), and against
 * `aws s3 ls --recursive` / `aws s3 rm --recursive` and `rclone lsf -R` / `rclone delete`
 * when those are installed. Prints times and ratios (target: at least as fast as the
 * fastest peer, and >= 20x one DELETE per key).
 *
 *   node dist/bench/s3list.js          # BENCH_S3_KEYS=2000 for a quicker run
 */
import { execFileSync } from 'node:child_process';
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { runCommand, runFilter } from '../test/helpers/run';
import { freshBucket, s3Env, startS3rver, testClient } from '../test/helpers/s3';
import { listPages } from '../lib/s3/lister';

function commandPath(name: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

async function populate(client: S3Client, bucket: string, keys: string[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++];
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }));
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

async function count(client: S3Client, bucket: string): Promise<number> {
  let n = 0;
  for await (const page of listPages({ client, bucket })) n += page.length;
  return n;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = process.hrtime.bigint();
  const out = await fn();
  return [out, Number(process.hrtime.bigint() - t0) / 1e6];
}

interface Row {
  what: string;
  listMs?: number;
  deleteMs: number;
}


export async function benchS3List(n = Number(process.env.BENCH_S3_KEYS ?? 10_000)): Promise<number> {
  const server = await startS3rver();
  const client = testClient(server);
  const env = s3Env(server);
  // 100 keys per "directory": s3rver re-reads a key's directory after every deletion,
  // so one flat directory of N keys makes any deletion O(N²) on the server and the
  // bench would time s3rver's cleanup, not the requests.
  const keys = Array.from({ length: n }, (_, i) => `bench/d${String(Math.floor(i / 100)).padStart(4, '0')}/k-${String(i).padStart(6, '0')}`);
  const rows: Row[] = [];
  const fresh = async () => {
    const bucket = await freshBucket(client, 'bench');
    await populate(client, bucket, keys);
    return bucket;
  };
  const check = async (bucket: string, what: string) => {
    const left = await count(client, bucket);
    if (left !== 0) throw new Error(`${what} left ${left} keys`);
  };
  try {
    {
      const bucket = await fresh();
      const [ls, listMs] = await timed(() => runFilter('s3ls', ['-r', `s3://${bucket}/bench/`], { env, timeout: 600_000 }));
      if (ls.code !== 0 || ls.stdout.toString().split('\n').length !== n + 1) throw new Error(`s3ls failed: ${ls.stderr}`);
      const [rm, deleteMs] = await timed(() => runFilter('s3rm', [], { env, input: ls.stdout, timeout: 600_000 }));
      if (rm.code !== 0) throw new Error(`s3rm failed: ${rm.stderr}`);
      await check(bucket, 's3rm');
      rows.push({ what: 's3ls -r | s3rm', listMs, deleteMs });
    }
    {
      const bucket = await fresh();
      const [, deleteMs] = await timed(async () => {
        for (const key of keys) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      });
      await check(bucket, 'one DELETE per key');
      rows.push({ what: 'one DELETE per key', deleteMs });
    }
    const aws = commandPath('aws');
    if (aws) {
      const bucket = await fresh();
      const common = ['--endpoint-url', server.endpoint, '--region', 'us-east-1'];
      const [ls, listMs] = await timed(() => runCommand(aws, ['s3', 'ls', '--recursive', ...common, `s3://${bucket}/bench/`], { env, timeout: 600_000 }));
      if (ls.code !== 0) throw new Error(`aws s3 ls failed: ${ls.stderr}`);
      const [rm, deleteMs] = await timed(() => runCommand(aws, ['s3', 'rm', '--recursive', '--only-show-errors', ...common, `s3://${bucket}/bench/`], { env, timeout: 1_800_000 }));
      if (rm.code !== 0) throw new Error(`aws s3 rm failed: ${rm.stderr}`);
      await check(bucket, 'aws s3 rm');
      rows.push({ what: 'aws s3 ls / rm --recursive', listMs, deleteMs });
    } else {
      process.stdout.write('s3list: aws cli not installed; skipped\n');
    }
    const rclone = commandPath('rclone');
    if (rclone) {
      const bucket = await fresh();
      const renv = {
        ...env,
        RCLONE_CONFIG_B_TYPE: 's3',
        RCLONE_CONFIG_B_PROVIDER: 'Other',
        RCLONE_CONFIG_B_ENDPOINT: server.endpoint,
        RCLONE_CONFIG_B_ACCESS_KEY_ID: server.accessKeyId,
        RCLONE_CONFIG_B_SECRET_ACCESS_KEY: server.secretAccessKey,
      };
      const [ls, listMs] = await timed(() => runCommand(rclone, ['lsf', '-R', `b:${bucket}/bench`], { env: renv, timeout: 600_000 }));
      if (ls.code !== 0) throw new Error(`rclone lsf failed: ${ls.stderr}`);
      const [rm, deleteMs] = await timed(() => runCommand(rclone, ['delete', `b:${bucket}/bench`], { env: renv, timeout: 1_800_000 }));
      if (rm.code !== 0) throw new Error(`rclone delete failed: ${rm.stderr}`);
      await check(bucket, 'rclone delete');
      rows.push({ what: 'rclone lsf -R / delete', listMs, deleteMs });
    } else {
      process.stdout.write('s3list: rclone not installed; skipped\n');
    }
  } finally {
    client.destroy();
    await server.stop();
  }
  const ours = rows[0];
  const perKey = rows[1];
  const sec = (ms?: number) => (ms === undefined ? '        -' : `${(ms / 1000).toFixed(2).padStart(7)} s`);
  const lines = [`s3list: ${n} keys on s3rver (list, then delete)`];
  for (const r of rows) lines.push(`  ${r.what.padEnd(28)} list ${sec(r.listMs)}   delete ${sec(r.deleteMs)}`);
  const deleteRatio = perKey.deleteMs / ours.deleteMs;
  lines.push(`  delete vs one DELETE per key  ${deleteRatio.toFixed(1)}x (target >= 20x)`);
  for (const r of rows.slice(2)) {
    const total = (r.listMs ?? 0) + r.deleteMs;
    lines.push(`  list+delete vs ${r.what.padEnd(26)} ${(total / ((ours.listMs ?? 0) + ours.deleteMs)).toFixed(2)}x (target >= 1x)`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return deleteRatio;
}

if (require.main === module) {
  benchS3List().catch((err) => {
    process.stderr.write(`bench s3list: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
