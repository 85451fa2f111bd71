#!/usr/bin/env node
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
require("../lib/cli/compile-cache");
const cli_1 = require("../lib/cli");
const fuse_1 = require("../lib/fuse");
const options_1 = require("../lib/fuse/options");
const spec = {
    name: 'randfs',
    synopsis: ['[OPTION]... MOUNTPOINT'],
    summary: 'Mount an infinitely deep, read-only tree of random-looking directories and files on\n' +
        'MOUNTPOINT until SIGINT or SIGTERM. Names, sizes and contents are a pure function of\n' +
        'the seed and the path, so find, du, tar and checksums repeat. Writes fail with EROFS.',
    options: [
        { name: 'seed', short: 's', arg: 'TEXT', help: 'the same seed gives the same tree (default randfs)' },
        { name: 'fanout', arg: 'N', help: 'subdirectories per directory (default 4)' },
        { name: 'files', arg: 'N', help: 'files per directory (default 4)' },
        { name: 'file-size', arg: 'SIZE', help: 'file size, fixed (4K) or a range MIN-MAX (default 0-64K)' },
        { name: 'max-depth', arg: 'N', help: 'directories N deep hold files only (default unbounded)' },
        { name: 'chaos', help: 'change names on every listing, for testing crawlers' },
        { name: 'inject-errors', arg: 'RATE', help: 'make operations throw with probability RATE (0..1)' },
        { name: 'log', arg: 'FILE', help: 'append one JSON line per failed operation to FILE' },
        { name: 'timeout', arg: 'DURATION', help: 'answer EIO when an operation hangs this long (default 5s)' },
        cli_1.QUIET,
        cli_1.DEBUG,
        cli_1.HELP,
        cli_1.VERSION,
    ],
    // SIGINT/SIGTERM are how randfs is asked to unmount: exit 0, not 130/143.
    signalEndsRun: true,
};
void (0, cli_1.runFilter)(spec, async (ctx) => {
    if (ctx.args.length === 0)
        throw new cli_1.UsageError('missing MOUNTPOINT');
    if (ctx.args.length > 1)
        throw new cli_1.UsageError(`extra operand '${ctx.args[1]}'`);
    const opts = (0, options_1.randfsOptionsFromFlags)(ctx.flags);
    if (!opts.log) {
        opts.log = (r) => ctx.warn(`${r.op} ${String(r.args[0] ?? '')}: ${r.error}`);
    }
    // With the signal, a SIGTERM that lands while mounting unmounts as soon as it is up.
    const fs = await (0, fuse_1.createRandfs)(ctx.args[0], { ...opts, signal: ctx.signal }).catch((err) => {
        throw err instanceof fuse_1.MountError ? new cli_1.FilterError(err.message, 1, { cause: err.cause }) : err;
    });
    if (!ctx.signal.aborted)
        await new Promise((done) => ctx.signal.addEventListener('abort', done, { once: true }));
    await fs.unmount();
    if (fs.injected())
        ctx.info(`injected ${fs.injected()} faults, ${fs.faults()} operations failed`);
});
