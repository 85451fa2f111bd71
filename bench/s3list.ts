/**
 * Listing and deleting N keys (default 20,000) on one server (s3rver, or Ceph RGW with
 * SERVER=rgw): `s3ls -r` against `rclone lsf -R` and `aws s3 ls --recursive` on the same
 * keys, runs alternating under /usr/bin/time; then `s3ls -r | s3rm` (one DeleteObjects
 * per 1000 keys) against `rclone delete`, `aws s3 rm --recursive` and one DELETE per key
 * (the seed's clear_environment.py loop, in-process with the same SDK). Prints the table
 * and ratios (targets: s3ls -r at least as fast as rclone lsf -R; delete >= 20x one
 * DELETE per key).
 *
 *   node dist/bench/s3list.js   # BENCH_S3_KEYS=2000 (or BENCH_QUICK=1) for a quicker run
 */
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { filterPath } from '../test/helpers/run';
import { freshBucket, s3Env, startS3rver, testClient, type S3TestServer } from '../test/helpers/s3';
import { startRgw } from '../test/helpers/rgw';
import { listPages } from '../lib/s3/lister';
import { QUICK, RUNS, formatTable, installed, race, rcloneEnv, type Contender, type Row } from './measure';

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

const lines = (n: number) => (stdout: Buffer) => {
  const got = stdout.toString().split('\n').filter(Boolean).length;
  if (got !== n) throw new Error(`listed ${got} keys, expected ${n}`);
};

export async function benchS3List(n = Number(process.env.BENCH_S3_KEYS ?? (QUICK ? 2000 : 20_000))): Promise<void> {
  const server: S3TestServer = process.env.SERVER === 'rgw' ? await startRgw({ memstoreBytes: 1024 * 2 ** 20 }) : await startS3rver();
  const client = testClient(server);
  const env = s3Env(server);
  const renv = rcloneEnv(server, env);
  const aws = installed('aws') ? ['aws', '--endpoint-url', server.endpoint, '--region', 'us-east-1', 's3'] : undefined;
  const rclone = installed('rclone');
  // 100 keys per "directory": s3rver re-reads a key's directory after every deletion,
  // so one flat directory of N keys makes any deletion O(N²) on the server and the
  // bench would time s3rver's cleanup, not the requests.
  const keys = Array.from({ length: n }, (_, i) => `bench/d${String(Math.floor(i / 100)).padStart(4, '0')}/k-${String(i).padStart(6, '0')}`);
  const fresh = async () => {
    const bucket = await freshBucket(client, 'bench');
    await populate(client, bucket, keys);
    return bucket;
  };
  const emptied = (bucket: string, what: string) => async () => {
    const left = await count(client, bucket);
    if (left !== 0) throw new Error(`${what} left ${left} keys`);
  };
  try {
    process.stdout.write(`s3list: ${n} keys on ${server.kind}, listing: median of ${RUNS} alternating runs, deletion: one run each\n`);
    const listed = await fresh();
    const list: Contender[] = [{ label: 's3ls -r', argv: [filterPath('s3ls'), '-r', `s3://${listed}/bench/`], env, check: lines(n) }];
    if (rclone) list.push({ label: 'rclone lsf -R', argv: ['rclone', 'lsf', '-R', '--files-only', `b:${listed}/bench`], env: renv, check: lines(n) });
    if (aws) list.push({ label: 'aws s3 ls --recursive', argv: [...aws, 'ls', '--recursive', `s3://${listed}/bench/`], env, check: lines(n) });
    const listRows = await race(list, RUNS, server);
    process.stdout.write(`${formatTable(`list ${n} keys (${server.kind})`, listRows, { ratios: [{ row: 's3ls -r', peer: 'rclone lsf -R', target: 1 }] })}\n`);

    const del: Contender[] = [];
    const ours = await fresh();
    del.push({ label: 's3ls -r | s3rm', shell: `"${filterPath('s3ls')}" -r s3://${ours}/bench/ | "${filterPath('s3rm')}"`, env, after: emptied(ours, 's3rm') });
    if (rclone) {
      const b = await fresh();
      del.push({ label: 'rclone delete', argv: ['rclone', 'delete', `b:${b}/bench`], env: renv, after: emptied(b, 'rclone delete') });
    }
    if (aws) {
      const b = await fresh();
      del.push({ label: 'aws s3 rm --recursive', argv: [...aws, 'rm', '--recursive', '--only-show-errors', `s3://${b}/bench/`], env, after: emptied(b, 'aws s3 rm') });
    }
    const delRows: Row[] = await race(del, 1, server);
    const perKey = await fresh();
    const t0 = process.hrtime.bigint();
    for (const key of keys) await client.send(new DeleteObjectCommand({ Bucket: perKey, Key: key }));
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    await emptied(perKey, 'one DELETE per key')();
    // In-process: its CPU is not separable from the bench's own, so only its wall time counts.
    delRows.push({ label: 'one DELETE per key (wall only)', median: { wallS, cpuS: 0, rssKiB: 0 } });
    process.stdout.write(
      `${formatTable(`delete ${n} keys (${server.kind})`, delRows, {
        ratios: [
          { row: 's3ls -r | s3rm', peer: 'one DELETE per key (wall only)', target: 20 },
          { row: 's3ls -r | s3rm', peer: 'rclone delete', target: 1 },
          { row: 's3ls -r | s3rm', peer: 'aws s3 rm --recursive', target: 1 },
        ],
      })}\n`,
    );
  } finally {
    client.destroy();
    await server.stop();
  }
}

if (require.main === module) {
  benchS3List().catch((err) => {
    process.stderr.write(`bench s3list: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
