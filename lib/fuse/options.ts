import { UsageError, type Flags } from '../cli';
import { parseDuration, parseSize } from '../units';
import { MAX_ENTRIES, type SizeRange } from './randfs';
import type { RandfsOptions } from './mount';

/** `4K` (fixed) or `0-64K` (a range, as `shuf -i LO-HI`); undefined when malformed. */
export function parseSizeRange(text: string): SizeRange | undefined {
  const parts = text.split('-');
  if (parts.length > 2) return undefined;
  const [min, max] = parts.map(parseSize);
  const range = { min, max: parts.length === 2 ? max : min };
  if (!Number.isSafeInteger(range.min) || !Number.isSafeInteger(range.max) || range.min > range.max) return undefined;
  return range;
}

function wholeNumber(flags: Flags, name: string, max: number): number | undefined {
  const text = flags[name];
  if (typeof text !== 'string') return undefined;
  if (!/^\d+$/.test(text) || Number(text) > max) {
    throw new UsageError(`invalid --${name} '${text}': expected a whole number 0..${max}`);
  }
  return Number(text);
}

/** Turn randfs's command-line flags into {@link RandfsOptions}; UsageError on bad values. */
export function randfsOptionsFromFlags(flags: Flags): RandfsOptions {
  const opts: RandfsOptions = {
    seed: typeof flags.seed === 'string' ? flags.seed : undefined,
    fanout: wholeNumber(flags, 'fanout', MAX_ENTRIES),
    files: wholeNumber(flags, 'files', MAX_ENTRIES),
    maxDepth: wholeNumber(flags, 'max-depth', 1_000_000),
    chaos: flags.chaos === true,
    log: typeof flags.log === 'string' ? flags.log : undefined,
  };
  if ((opts.fanout ?? 0) + (opts.files ?? 0) > MAX_ENTRIES) {
    throw new UsageError(`--fanout plus --files must not exceed ${MAX_ENTRIES}`);
  }
  if (typeof flags['file-size'] === 'string') {
    const range = parseSizeRange(flags['file-size']);
    if (!range) throw new UsageError(`invalid --file-size '${flags['file-size']}': expected SIZE or MIN-MAX, e.g. 4K or 0-1M`);
    opts.fileSize = range;
  }
  if (typeof flags['inject-errors'] === 'string') {
    const text = flags['inject-errors'];
    const rate = /^(0|1|0?\.\d+|1\.0*)$/.test(text) ? Number(text) : NaN;
    if (!(rate >= 0 && rate <= 1)) throw new UsageError(`invalid --inject-errors '${text}': expected a rate from 0 to 1`);
    opts.injectErrors = rate;
  }
  if (typeof flags.timeout === 'string') {
    const ms = parseDuration(flags.timeout);
    if (!(ms > 0)) throw new UsageError(`invalid --timeout '${flags.timeout}': expected a duration such as 5s or 500ms`);
    opts.opTimeoutMs = ms;
  }
  return opts;
}
