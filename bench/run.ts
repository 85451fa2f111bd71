/**
 * `make bench`: every benchmark in turn, each printing its figures and ratios against
 * peers measured in the same run. Benchmarks are never tests: nothing here fails on speed.
 * SERVER=rgw runs the S3 ones against Ceph RGW instead of s3rver; BENCH_QUICK=1 runs
 * everything small and once, to iterate fast.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const BENCHES = ['chunker', 's3stream', 's3list', 'startup', 'mail', 'randfs', 'bwlimit', 'dedup'];

let failed = 0;
for (const name of process.argv.slice(2).length ? process.argv.slice(2) : BENCHES) {
  process.stdout.write(`\n== bench ${name}\n`);
  const r = spawnSync(process.execPath, [join(__dirname, `${name}.js`)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
