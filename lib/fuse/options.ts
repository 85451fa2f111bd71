import { durationFlag, intFlag, invalidFlag, UsageError, type Flags } from '../cli';
import { parseSize } from '../units';
import { MAX_ENTRIES, type SizeRange } from './randfs';
import type { RandfsOptions } from './mount';

/** Deepest --max-depth accepted: far past PATH_MAX (9 bytes a level), so never the limit that bites. */
const MAX_DEPTH = 1_000_000;

/** `4K` (fixed) or `0-64K` (a range, as `shuf -i LO-HI`); undefined when malformed. */
export function parseSizeRange(text: string): SizeRange | undefined {
  const parts = text.split('-');
  if (parts.length > 2) return undefined;
  const [min, max] = parts.map(parseSize);
  const range = { min, max: parts.length === 2 ? max : min };
  if (!Number.isSafeInteger(range.min) || !Number.isSafeInteger(range.max) || range.min > range.max) return undefined;
  return range;
}

/** The message style of lib/cli/flags.ts, for the two values only randfs has. */
/** Turn randfs's command-line flags into {@link RandfsOptions}; UsageError on bad values. */
export function randfsOptionsFromFlags(flags: Flags): RandfsOptions {
  const entries = { min: 0, max: MAX_ENTRIES };
  const opts: RandfsOptions = {
    seed: typeof flags.seed === 'string' ? flags.seed : undefined,
    fanout: intFlag(flags, 'fanout', undefined, entries),
    files: intFlag(flags, 'files', undefined, entries),
    maxDepth: intFlag(flags, 'max-depth', undefined, { min: 0, max: MAX_DEPTH }),
    chaos: flags.chaos === true,
    log: typeof flags.log === 'string' ? flags.log : undefined,
    opTimeoutMs: durationFlag(flags, 'timeout', undefined),
  };
  if ((opts.fanout ?? 0) + (opts.files ?? 0) > MAX_ENTRIES) {
    throw new UsageError(`--fanout plus --files must not exceed ${MAX_ENTRIES}`);
  }
  const fileSize = flags['file-size'];
  if (typeof fileSize === 'string') {
    const range = parseSizeRange(fileSize);
    if (!range) throw invalidFlag('file-size', fileSize, 'a size or a range MIN-MAX, such as 4K or 0-1M');
    opts.fileSize = range;
  }
  const injectErrors = flags['inject-errors'];
  if (typeof injectErrors === 'string') {
    const rate = /^(0|1|0?\.\d+|1\.0*)$/.test(injectErrors) ? Number(injectErrors) : NaN;
    if (!(rate >= 0 && rate <= 1)) throw invalidFlag('inject-errors', injectErrors, 'a rate from 0 to 1, such as 0.1');
    opts.injectErrors = rate;
  }
  return opts;
}
