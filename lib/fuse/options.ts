import { durationFlag, intFlag, invalidFlag, UsageError, type Flags } from '../cli';
import { parseSize } from '../units';
import { MAX_ENTRIES, MAX_FILE_SIZE, MAX_SYMLINKS, RandTree, type SizeRange } from './randfs';
import { DEFAULT_OP_TIMEOUT_MS } from './safe';
import { parseCorruptRule, parseDelayRule, parseFaultRule, RuleError, type Rule } from './rules';
import type { RandfsOptions } from './mount';
import { isBounded, type OracleQuery } from './oracle-run';

/** Deepest --max-depth accepted: far past PATH_MAX (9 bytes a level), so never the limit that bites. */
const MAX_DEPTH = 1_000_000;

/** parseSize and one more suffix, P: only randfs's giant sparse files reach a pebibyte. */
function parseFileSize(text: string): number {
  const peta = /^(\d+(?:\.\d+)?)P(?:iB)?$/i.exec(text.trim());
  return peta ? Math.round(Number(peta[1]) * 2 ** 50) : parseSize(text);
}

/** `4K` (fixed) or `0-64K` (a range, as `shuf -i LO-HI`), up to 1P; undefined when malformed. */
export function parseSizeRange(text: string): SizeRange | undefined {
  const parts = text.split('-');
  if (parts.length > 2) return undefined;
  const [min, max] = parts.map(parseFileSize);
  const range = { min, max: parts.length === 2 ? max : min };
  if (!Number.isSafeInteger(range.min) || !Number.isSafeInteger(range.max) || range.min > range.max || range.max > MAX_FILE_SIZE) return undefined;
  return range;
}

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
    if (!range) throw invalidFlag('file-size', fileSize, 'a size up to 1P or a range MIN-MAX, such as 4K or 0-1M');
    opts.fileSize = range;
  }
  const names = flags.names;
  if (names !== undefined) {
    if (names !== 'plain' && names !== 'hostile') throw invalidFlag('names', names, 'plain or hostile');
    opts.names = names;
  }
  const symlinks = intFlag(flags, 'symlinks', undefined, { min: 0, max: MAX_SYMLINKS });
  if (symlinks !== undefined) opts.symlinks = symlinks;
  if (flags.hardlinks === true) opts.hardlinks = true;
  if (flags.deep === true) opts.deep = true;
  opts.rules = rulesFromFlags(flags);
  if (typeof flags['fault-seed'] === 'string') opts.faultSeed = flags['fault-seed'];
  if (flags['short-read'] === true) opts.shortRead = true;
  if (opts.shortRead && !opts.rules.some((r) => r.kind === 'corrupt')) throw new UsageError('--short-read needs a --corrupt rule');
  const timeoutMs = opts.opTimeoutMs ?? DEFAULT_OP_TIMEOUT_MS;
  const slow = opts.rules.find((r) => (r.delayMs ?? 0) >= timeoutMs);
  if (slow) throw new UsageError(`--delay '${slow.text}' is not shorter than --timeout (${timeoutMs} ms): every delayed operation would time out`);
  return opts;
}

const RULE_FLAGS: [string, (text: string) => Rule, string][] = [
  ['fault', parseFaultRule, 'OP[:GLOB]=ERRNO[@RATE][xCOUNT]'],
  ['delay', parseDelayRule, 'OP[:GLOB]=DURATION[@RATE]'],
  ['corrupt', parseCorruptRule, 'read[:GLOB][@RATE]'],
];

/**
 * Every --fault, --delay and --corrupt rule, in that order (order only breaks ties
 * between rules of one kind). --inject-errors RATE, the older flag, is `--fault '*=EIO@RATE'`.
 */
function rulesFromFlags(flags: Flags): Rule[] {
  const rules: Rule[] = [];
  const injectErrors = flags['inject-errors'];
  if (typeof injectErrors === 'string') {
    if (!/^(0|1|0?\.\d+|1\.0*)$/.test(injectErrors)) throw invalidFlag('inject-errors', injectErrors, 'a rate from 0 to 1, such as 0.1');
    if (Number(injectErrors) > 0) rules.push(parseFaultRule(`*=EIO@${injectErrors}`));
  }
  for (const [name, parse, shape] of RULE_FLAGS) {
    const values = flags[name];
    for (const text of Array.isArray(values) ? values : []) {
      try {
        rules.push(parse(text));
      } catch (err) {
        if (!(err instanceof RuleError)) throw err;
        throw invalidFlag(name, text, `${err.message}; expected ${shape}`);
      }
    }
  }
  return rules;
}

/** The oracle question (--cat, --ls, --manifest) the flags ask, if any; at most one, and no mount-only flag beside it. */
export function oracleQueryFromFlags(flags: Flags, opts: RandfsOptions): OracleQuery | undefined {
  const asked = (['cat', 'ls', 'manifest'] as const).filter((m) => typeof flags[m] === 'string');
  if (!asked.length) return undefined;
  if (asked.length > 1) throw new UsageError(`--${asked[0]} and --${asked[1]} ask two questions; give one`);
  const mountOnly = ['fault', 'delay', 'corrupt', 'inject-errors', 'log', 'timeout', 'fault-seed', 'short-read', 'chaos'].find(
    (name) => flags[name] !== undefined && flags[name] !== false && !(Array.isArray(flags[name]) && !flags[name].length),
  );
  if (mountOnly) throw new UsageError(`--${mountOnly} acts on a mount; --${asked[0]} does not mount`);
  if (asked[0] === 'manifest' && !isBounded(new RandTree(opts))) throw new UsageError('--manifest needs --max-depth: the tree has no bottom');
  return { mode: asked[0], path: flags[asked[0]] as string };
}
