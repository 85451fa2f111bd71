"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * `make bench`: every benchmark in turn, each printing its figures and ratios against
 * peers measured in the same run. Benchmarks are never tests: nothing here fails on speed.
 * SERVER=rgw runs the S3 ones against Ceph RGW instead of s3rver; BENCH_QUICK=1 runs
 * everything small and once, to iterate fast.
 */
const node_child_process_1 = require("node:child_process");
const node_path_1 = require("node:path");
const BENCHES = ['chunker', 's3stream', 's3list', 'startup', 'mail', 'randfs'];
let failed = 0;
for (const name of process.argv.slice(2).length ? process.argv.slice(2) : BENCHES) {
    process.stdout.write(`\n== bench ${name}\n`);
    const r = (0, node_child_process_1.spawnSync)(process.execPath, [(0, node_path_1.join)(__dirname, `${name}.js`)], { stdio: 'inherit' });
    if (r.status !== 0)
        failed++;
}
process.exit(failed ? 1 : 0);
