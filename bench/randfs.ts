/**
 * randfs against tmpfs: `cat` of a 1 GiB file (first read through FUSE, then from the
 * page cache) and `find` over fanout 8, depth 5 (37,448 directories), each printed as a
 * ratio to the same work on /dev/shm. Then the same two with 1% faults active, against
 * randfs without them (issue 18: with rules active randfs serves uncached, direct_io,
 * so tmpfs is no peer): `dd conv=noerror` reads on past each failed 128 KiB request, and
 * find walks on past each failed directory. Targets: >= 1 GB/s, >= 15k entries/s, and
 * with faults at least half the speed without.
 *
 *   node dist/bench/randfs.js
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from '../test/helpers/run';
import { cleanup, startRandfs, tempDir } from '../test/helpers/mount';

const GIB = 2 ** 30;
const ENTRIES = 8 + 64 + 512 + 4096 + 32768;
const FILE = ['--fanout', '0', '--files', '1', '--file-size', '1G'];
const TREE = ['--fanout', '8', '--files', '0', '--max-depth', '5'];

interface Timed {
  seconds: number;
  stdout: string;
}

/** Wall seconds of `cmd`; `failing` when faults make it exit non-zero by design. */
async function timed(cmd: string, failing = false): Promise<Timed> {
  const t0 = process.hrtime.bigint();
  const r = await runCommand('sh', ['-c', cmd], { timeout: 600_000 });
  if (r.code !== 0 && !failing) throw new Error(`${cmd}: ${r.stderr}`);
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, stdout: r.stdout.toString() };
}

const gbps = (seconds: number) => GIB / seconds / 1e9;

async function mounted(name: string, args: string[]) {
  const dir = join(await tempDir(), name);
  await mkdir(dir);
  return startRandfs(dir, args);
}

async function onlyFile(dir: string): Promise<string> {
  return (await runCommand('sh', ['-c', 'echo "$1"/*', 'sh', dir])).stdout.toString().trim();
}

export async function benchRandfs(): Promise<void> {
  const shm = join('/dev/shm', `randfs-bench-${process.pid}`);
  const say = (line: string) => process.stdout.write(`randfs: ${line}\n`);
  try {
    const file = await mounted('big', FILE);
    const path = await onlyFile(file.mountpoint);
    const cold = (await timed(`cat '${path}' > /dev/null`)).seconds;
    const warm = (await timed(`cat '${path}' > /dev/null`)).seconds;
    const dd = `dd of=/dev/null bs=128K conv=noerror status=none`;
    await file.stop();
    // A fresh mount, so the page cache holds nothing of the file.
    const plain = await mounted('plain', FILE);
    const plainDd = (await timed(`${dd} if='${await onlyFile(plain.mountpoint)}'`)).seconds;
    await plain.stop();
    const faulty = await mounted('faulty', [...FILE, '--fault', 'read=EIO@0.01']);
    const faultyDd = (await timed(`${dd} if='${await onlyFile(faulty.mountpoint)}' 2> /dev/null`, true)).seconds;
    const faultyExit = await faulty.stop();
    await mkdir(shm);
    await timed(`head -c ${GIB} /dev/zero > ${shm}/f`);
    const tmpfs = (await timed(`cat ${shm}/f > /dev/null`)).seconds;
    say(`cat 1 GiB: ${gbps(cold).toFixed(2)} GB/s first read, ${gbps(warm).toFixed(2)} GB/s cached; tmpfs ${gbps(tmpfs).toFixed(2)} GB/s (randfs/tmpfs ${(tmpfs / cold).toFixed(2)} first, ${(tmpfs / warm).toFixed(2)} cached)`);
    const delivered = /delivered (.*);/.exec(faultyExit.stderr)?.[1] ?? 'none';
    say(`dd 1 GiB with read=EIO@0.01 (${delivered}): ${gbps(faultyDd).toFixed(2)} GB/s; without faults ${gbps(plainDd).toFixed(2)} GB/s (faults/none ${(plainDd / faultyDd).toFixed(2)})`);

    const tree = await mounted('tree', TREE);
    const fuseFind = (await timed(`find '${tree.mountpoint}' > /dev/null`)).seconds;
    await tree.stop();
    const faultyTree = await mounted('faulty-tree', [...TREE, '--fault', '*:/*/**=EIO@0.01']);
    const walk = await timed(`find '${faultyTree.mountpoint}' 2> /dev/null | wc -l`, true);
    const walked = Number(walk.stdout.trim()) - 1;
    await faultyTree.stop();
    await timed(`cd ${shm} && rm -f f && bash -c 'mkdir -p {1..8}/{1..8}/{1..8}/{1..8}/{1..8}'`);
    const shmEntries = Number((await runCommand('sh', ['-c', `find ${shm} -mindepth 1 | wc -l`])).stdout.toString().trim());
    const shmFind = (await timed(`find ${shm} > /dev/null`)).seconds;
    const rate = ENTRIES / fuseFind;
    const faultyRate = walked / walk.seconds;
    say(`find ${ENTRIES} entries: ${Math.round(rate)} entries/s; tmpfs ${Math.round(shmEntries / shmFind)} entries/s over ${shmEntries} (randfs/tmpfs ${(rate / (shmEntries / shmFind)).toFixed(2)})`);
    say(`find with *=EIO@0.01 (below the root's entries): ${Math.round(faultyRate)} entries/s over the ${walked} it reached; without faults ${Math.round(rate)} (faults/none ${(faultyRate / rate).toFixed(2)})`);
  } finally {
    await rm(shm, { recursive: true, force: true });
    await cleanup();
  }
}

if (require.main === module) {
  benchRandfs().catch((err: Error) => {
    process.stderr.write(`randfs bench: ${err.message}\n`);
    process.exit(1);
  });
}
