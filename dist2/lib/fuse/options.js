"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.parseSizeRange = parseSizeRange;
exports.randfsOptionsFromFlags = randfsOptionsFromFlags;
const cli_1 = require("../cli");
const units_1 = require("../units");
const randfs_1 = require("./randfs");
/** Deepest --max-depth accepted: far past PATH_MAX (9 bytes a level), so never the limit that bites. */
const MAX_DEPTH = 1_000_000;
/** `4K` (fixed) or `0-64K` (a range, as `shuf -i LO-HI`); undefined when malformed. */
function parseSizeRange(text) {
    const parts = text.split('-');
    if (parts.length > 2)
        return undefined;
    const [min, max] = parts.map(units_1.parseSize);
    const range = { min, max: parts.length === 2 ? max : min };
    if (!Number.isSafeInteger(range.min) || !Number.isSafeInteger(range.max) || range.min > range.max)
        return undefined;
    return range;
}
/** The message style of lib/cli/flags.ts, for the two values only randfs has. */
/** Turn randfs's command-line flags into {@link RandfsOptions}; UsageError on bad values. */
function randfsOptionsFromFlags(flags) {
    const entries = { min: 0, max: randfs_1.MAX_ENTRIES };
    const opts = {
        seed: typeof flags.seed === 'string' ? flags.seed : undefined,
        fanout: (0, cli_1.intFlag)(flags, 'fanout', undefined, entries),
        files: (0, cli_1.intFlag)(flags, 'files', undefined, entries),
        maxDepth: (0, cli_1.intFlag)(flags, 'max-depth', undefined, { min: 0, max: MAX_DEPTH }),
        chaos: flags.chaos === true,
        log: typeof flags.log === 'string' ? flags.log : undefined,
        opTimeoutMs: (0, cli_1.durationFlag)(flags, 'timeout', undefined),
    };
    if ((opts.fanout ?? 0) + (opts.files ?? 0) > randfs_1.MAX_ENTRIES) {
        throw new cli_1.UsageError(`--fanout plus --files must not exceed ${randfs_1.MAX_ENTRIES}`);
    }
    const fileSize = flags['file-size'];
    if (typeof fileSize === 'string') {
        const range = parseSizeRange(fileSize);
        if (!range)
            throw (0, cli_1.invalidFlag)('file-size', fileSize, 'a size or a range MIN-MAX, such as 4K or 0-1M');
        opts.fileSize = range;
    }
    const injectErrors = flags['inject-errors'];
    if (typeof injectErrors === 'string') {
        const rate = /^(0|1|0?\.\d+|1\.0*)$/.test(injectErrors) ? Number(injectErrors) : NaN;
        if (!(rate >= 0 && rate <= 1))
            throw (0, cli_1.invalidFlag)('inject-errors', injectErrors, 'a rate from 0 to 1, such as 0.1');
        opts.injectErrors = rate;
    }
    return opts;
}
