import { parseDuration, parseSize } from '../units';
import { UsageError, type Flags, type OptionSpec } from './args';

/**
 * The flag vocabulary every filter shares: the options that mean the same everywhere,
 * declared once, and one parser per kind of value (whole number, size, duration) with
 * one message style: `invalid --NAME 'VALUE' (what is expected)`.
 */

export const HELP: OptionSpec = { name: 'help', short: 'h', help: 'print this help and exit' };
export const VERSION: OptionSpec = { name: 'version', help: 'print the version and exit' };
export const QUIET: OptionSpec = { name: 'quiet', short: 'q', help: 'print no informational lines, only errors' };
export const PROGRESS: OptionSpec = {
  name: 'progress',
  help: 'print progress on stderr even when it is not a terminal',
};
export const DEBUG: OptionSpec = { name: 'debug', help: 'print error details (stack, server response) on stderr' };
export const NUL: OptionSpec = { name: 'null', short: '0', help: 'NUL-separated lists, not lines (for find -print0, xargs -0)' };

/** Options every filter has, in help order after its own. */
export const COMMON_OPTIONS = [QUIET, DEBUG, HELP, VERSION];

/** `-j, --jobs N`: what runs at once, its default, and what else a user should know. */
export function jobsOption(what: string, fallback: number, note?: string): OptionSpec {
  return { name: 'jobs', short: 'j', arg: 'N', help: `${what} at once (default ${fallback})${note ? `; ${note}` : ''}` };
}

/** The one message style for a bad flag value: `invalid --NAME 'VALUE' (what is expected)`. */
export function invalidFlag(name: string, value: unknown, expected: string): UsageError {
  return new UsageError(`invalid --${name} '${String(value)}' (${expected})`);
}

function range(min: number, max: number | undefined, show: (n: number) => string): string {
  if (max === undefined) return `of at least ${show(min)}`;
  return `from ${show(min)} to ${show(max)}`;
}

export interface Bounds {
  min?: number;
  max?: number;
}

/** A flag value checked against bounds; `expected` says what was wanted, given the bounds as `show` prints them. */
function bounded(
  flags: Flags,
  name: string,
  fallback: number | undefined,
  { min = 1, max }: Bounds,
  parse: (text: string) => number,
  expected: (bounds: string) => string,
  show: (n: number) => string,
): number | undefined {
  const v = flags[name];
  if (v === undefined) return fallback;
  const n = parse(String(v));
  if (!(n >= min && n <= (max ?? Number.MAX_SAFE_INTEGER))) throw invalidFlag(name, v, expected(range(min, max, show)));
  return n;
}

/** A bound as a user would type it: `5M`, `5G`, `1536`. */
function exactSize(bytes: number): string {
  for (const [unit, n] of [['T', 2 ** 40], ['G', 2 ** 30], ['M', 2 ** 20], ['K', 2 ** 10]] as const) {
    if (bytes >= n && bytes % n === 0) return `${bytes / n}${unit}`;
  }
  return String(bytes);
}

const wholeNumber = (text: string) => (/^\d+$/.test(text) ? Number(text) : NaN);

/** A whole-number flag (`--jobs 4`), default `min` 1. */
export function intFlag(flags: Flags, name: string, fallback: number, bounds?: Bounds): number;
export function intFlag(flags: Flags, name: string, fallback: undefined, bounds?: Bounds): number | undefined;
export function intFlag(flags: Flags, name: string, fallback: number | undefined, bounds: Bounds = {}): number | undefined {
  return bounded(flags, name, fallback, bounds, wholeNumber, (r) => `a whole number ${r}`, String);
}

/** A size flag (`8M`, `512K`, `5G`, binary multiples), default `min` 1 byte. */
export function sizeFlag(flags: Flags, name: string, fallback: number, bounds?: Bounds): number;
export function sizeFlag(flags: Flags, name: string, fallback: undefined, bounds?: Bounds): number | undefined;
export function sizeFlag(flags: Flags, name: string, fallback: number | undefined, bounds: Bounds = {}): number | undefined {
  return bounded(flags, name, fallback, bounds, parseSize, (r) => `a size ${r}, such as 8M`, exactSize);
}

/** A duration flag (`30s`, `500ms`, `2m`) in milliseconds, more than zero. */
export function durationFlag(flags: Flags, name: string, fallback: number): number;
export function durationFlag(flags: Flags, name: string, fallback: undefined): number | undefined;
export function durationFlag(flags: Flags, name: string, fallback: number | undefined): number | undefined {
  const v = flags[name];
  if (v === undefined) return fallback;
  const ms = parseDuration(String(v));
  if (!(ms > 0)) throw invalidFlag(name, v, 'a duration such as 30s, 500ms or 2m');
  return ms;
}
