#!/usr/bin/env node
import '../lib/cli/compile-cache';
import { DEBUG, FilterError, HELP, QUIET, UsageError, VERSION, runFilter, type FilterSpec } from '../lib/cli';
import { createRandfs, formatCounts, MountError } from '../lib/fuse';
import { oracleQueryFromFlags, randfsOptionsFromFlags } from '../lib/fuse/options';
import { answerOracle } from '../lib/fuse/oracle-run';
import { OracleError } from '../lib/fuse/oracle';

const spec: FilterSpec = {
  name: 'randfs',
  synopsis: ['[OPTION]... MOUNTPOINT', '[TREE OPTION]... --cat PATH | --ls PATH | --manifest PATH'],
  summary:
    'Mount an infinitely deep, read-only tree of random-looking directories and files on\n' +
    'MOUNTPOINT until SIGINT or SIGTERM. Names, sizes and contents are a pure function of\n' +
    'the seed and the path, so find, du, tar and checksums repeat. Writes fail with EROFS.\n' +
    'Rules make it misbehave on purpose, reproducibly; --cat, --ls and --manifest say,\n' +
    'without mounting, what a path holds, so a copy can be checked against the truth.',
  options: [
    { name: 'seed', short: 's', arg: 'TEXT', help: 'the same seed gives the same tree (default randfs)' },
    { name: 'fanout', arg: 'N', help: 'subdirectories per directory (default 4)' },
    { name: 'files', arg: 'N', help: 'files per directory (default 4)' },
    { name: 'file-size', arg: 'SIZE', help: 'file size, fixed (4K) or a range MIN-MAX, up to 1P (default 0-64K)' },
    { name: 'max-depth', arg: 'N', help: 'directories N deep hold files only (default unbounded)' },
    { name: 'chaos', help: 'change names on every listing, for testing crawlers' },
    { name: 'names', arg: 'KIND', help: 'hostile: add names with newlines, tabs, dashes, NFC/NFD twins, 255 bytes (default plain)' },
    { name: 'symlinks', arg: 'N', help: 'symlinks per directory: loops, self-loops, dangling, working (default 0)' },
    { name: 'hardlinks', help: 'add hard-link, a second name of the first file, to every directory' },
    { name: 'deep', help: 'add a chain of directories at the root whose paths pass PATH_MAX' },
    { name: 'fault', arg: 'RULE', repeatable: true, help: 'answer an errno: OP[:GLOB]=ERRNO[@RATE][xCOUNT], such as read=EIO@0.01' },
    { name: 'delay', arg: 'RULE', repeatable: true, help: 'answer late: OP[:GLOB]=DURATION[@RATE], such as read=20ms@0.1' },
    { name: 'corrupt', arg: 'RULE', repeatable: true, help: 'serve wrong bytes: read[:GLOB][@RATE], such as read@0.01' },
    { name: 'short-read', help: 'corrupt rules cut reads short instead of changing bytes' },
    { name: 'fault-seed', arg: 'TEXT', help: 'seed of the rules\' decisions (default: the --seed)' },
    { name: 'inject-errors', arg: 'RATE', help: "the same as --fault '*=EIO@RATE'" },
    { name: 'log', arg: 'FILE', help: 'append one JSON line per failed operation and per fault delivered to FILE' },
    { name: 'timeout', arg: 'DURATION', help: 'answer EIO when an operation hangs this long (default 5s)' },
    { name: 'cat', arg: 'PATH', help: 'print what PATH holds, without mounting' },
    { name: 'ls', arg: 'PATH', help: "print PATH's listing (TYPE SIZE NAME), without mounting" },
    { name: 'manifest', arg: 'PATH', help: "print 'sha256  size  path' for every file under PATH, without mounting" },
    QUIET,
    DEBUG,
    HELP,
    VERSION,
  ],
  // SIGINT/SIGTERM are how randfs is asked to unmount: exit 0, not 130/143.
  signalEndsRun: true,
};

void runFilter(spec, async (ctx) => {
  const opts = randfsOptionsFromFlags(ctx.flags);
  const query = oracleQueryFromFlags(ctx.flags, opts);
  if (query) {
    if (ctx.args.length) throw new UsageError(`extra operand '${ctx.args[0]}' (--${query.mode} does not mount)`);
    return answerOracle(opts, query, process.stdout, ctx.signal).catch((err: unknown) => {
      throw err instanceof OracleError ? new FilterError(err.message, 1) : err;
    });
  }
  if (ctx.args.length === 0) throw new UsageError('missing MOUNTPOINT');
  if (ctx.args.length > 1) throw new UsageError(`extra operand '${ctx.args[1]}'`);
  if (!opts.log) {
    // Without a log only failures (bugs) are printed: delivered faults are the point.
    opts.log = (r) => void ('error' in r && ctx.warn(`${r.op} ${String(r.args[0] ?? '')}: ${r.error}`));
  }
  // With the signal, a SIGTERM that lands while mounting unmounts as soon as it is up.
  const fs = await createRandfs(ctx.args[0], { ...opts, signal: ctx.signal }).catch((err: unknown) => {
    throw err instanceof MountError ? new FilterError(err.message, 1, { cause: err.cause }) : err;
  });
  const counts = () => `delivered ${formatCounts(fs.delivered())}; ${fs.faults()} operations failed`;
  const onUsr1 = () => ctx.warn(counts());
  process.on('SIGUSR1', onUsr1);
  if (!ctx.signal.aborted) await new Promise((done) => ctx.signal.addEventListener('abort', done, { once: true }));
  await fs.unmount();
  process.off('SIGUSR1', onUsr1);
  if (opts.rules?.length) ctx.info(counts());
});
