"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.benchRandfs = benchRandfs;
/**
 * randfs against tmpfs: `cat` of a 1 GiB file (first read through FUSE, then from the
 * page cache) and `find` over fanout 8, depth 5 (37,448 directories), each printed as a
 * ratio to the same work on /dev/shm. Targets from issue 5: >= 1 GB/s, >= 15k entries/s.
 *
 *   node dist/bench/randfs.js
 */
const promises_1 = require("node:fs/promises");
const node_path_1 = require("node:path");
const run_1 = require("../test/helpers/run");
const mount_1 = require("../test/helpers/mount");
const GIB = 2 ** 30;
async function timed(cmd) {
    const t0 = process.hrtime.bigint();
    const r = await (0, run_1.runCommand)('sh', ['-c', cmd], { timeout: 600_000 });
    if (r.code !== 0)
        throw new Error(`${cmd}: ${r.stderr}`);
    return Number(process.hrtime.bigint() - t0) / 1e9;
}
async function benchRandfs() {
    const shm = (0, node_path_1.join)('/dev/shm', `randfs-bench-${process.pid}`);
    const say = (line) => process.stdout.write(`randfs: ${line}\n`);
    try {
        const big = (0, node_path_1.join)(await (0, mount_1.tempDir)(), 'big');
        await (0, promises_1.mkdir)(big);
        const file = await (0, mount_1.startRandfs)(big, ['--fanout', '0', '--files', '1', '--file-size', '1G']);
        const path = (await (0, run_1.runCommand)('sh', ['-c', 'echo "$1"/*', 'sh', big])).stdout.toString().trim();
        const cold = await timed(`cat '${path}' > /dev/null`);
        const warm = await timed(`cat '${path}' > /dev/null`);
        await (0, promises_1.mkdir)(shm);
        await timed(`head -c ${GIB} /dev/zero > ${shm}/f`);
        const tmpfs = await timed(`cat ${shm}/f > /dev/null`);
        await file.stop();
        say(`cat 1 GiB: ${(GIB / cold / 1e9).toFixed(2)} GB/s first read, ${(GIB / warm / 1e9).toFixed(2)} GB/s cached; tmpfs ${(GIB / tmpfs / 1e9).toFixed(2)} GB/s (randfs/tmpfs ${(tmpfs / cold).toFixed(2)} first, ${(tmpfs / warm).toFixed(2)} cached)`);
        const treeDir = (0, node_path_1.join)(await (0, mount_1.tempDir)(), 'tree');
        await (0, promises_1.mkdir)(treeDir);
        const tree = await (0, mount_1.startRandfs)(treeDir, ['--fanout', '8', '--files', '0', '--max-depth', '5']);
        const entries = 8 + 64 + 512 + 4096 + 32768;
        const fuseFind = await timed(`find '${treeDir}' > /dev/null`);
        await tree.stop();
        await timed(`cd ${shm} && rm -f f && bash -c 'mkdir -p {1..8}/{1..8}/{1..8}/{1..8}/{1..8}'`);
        const shmEntries = Number((await (0, run_1.runCommand)('sh', ['-c', `find ${shm} -mindepth 1 | wc -l`])).stdout.toString().trim());
        const shmFind = await timed(`find ${shm} > /dev/null`);
        say(`find ${entries} entries: ${Math.round(entries / fuseFind)} entries/s; tmpfs ${Math.round(shmEntries / shmFind)} entries/s over ${shmEntries} (randfs/tmpfs ${(entries / fuseFind / (shmEntries / shmFind)).toFixed(2)})`);
    }
    finally {
        await (0, promises_1.rm)(shm, { recursive: true, force: true });
        await (0, mount_1.cleanup)();
    }
}
if (require.main === module) {
    benchRandfs().catch((err) => {
        process.stderr.write(`randfs bench: ${err.message}\n`);
        process.exit(1);
    });
}
