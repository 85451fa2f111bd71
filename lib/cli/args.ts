import minimist from 'minimist';

/**
 * Option tables that produce both the parser and the --help text, so the two cannot
 * drift, as getopt_long reads them.
 */

export interface OptionSpec {
  /** Long name without dashes; a boolean when `arg` is absent. */
  name: string;
  short?: string;
  /** An older long spelling that still works; the help line names it. */
  alias?: string;
  /** Placeholder shown in help for options taking a value (`SIZE`, `URL`). */
  arg?: string;
  help: string;
  /** Shown and parsed as `--no-NAME`: the option defaults to true. */
  negatable?: boolean;
  /** A string option that may be given several times; parsed to an array. */
  repeatable?: boolean;
}

export interface FilterSpec {
  name: string;
  /** Synopsis lines without the program name: `[OPTION]... s3://BUCKET/NAME`. */
  synopsis: string[];
  summary: string;
  options: OptionSpec[];
  /**
   * SIGINT/SIGTERM are this filter's normal way to stop (a mount, a server): main()'s
   * result is the exit status, not 130/143.
   */
  signalEndsRun?: boolean;
}

/** A mistake in how the command was called: exit 2 with a usage hint. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

export type Flags = Record<string, string | boolean | string[] | undefined>;

export interface ParsedArgs {
  flags: Flags;
  /** Every operand, those after `--` included. */
  args: string[];
  /** The operands after `--`, when it was given (`s3sink URL -- COMMAND ARG...`). */
  dashed?: string[];
}

export function parseArgs(spec: FilterSpec, argv: string[]): ParsedArgs {
  argv = splitBundles(spec, argv);
  const strings = spec.options.filter((o) => o.arg).map((o) => o.name);
  const booleans = spec.options.filter((o) => !o.arg).map((o) => o.name);
  const alias: Record<string, string> = {};
  for (const o of spec.options) {
    if (o.short) alias[o.short] = o.name;
    if (o.alias) alias[o.alias] = o.name;
  }
  const defaults: Record<string, boolean> = {};
  for (const o of spec.options) if (o.negatable) defaults[o.name] = true;
  const unknown: string[] = [];
  const parsed = minimist(argv, {
    // `_` too: operands stay as typed (minimist would make `0010` the number 10).
    string: [...strings, '_'],
    boolean: booleans,
    alias,
    default: defaults,
    stopEarly: false,
    '--': true,
    unknown: (arg) => {
      if (arg.startsWith('-') && arg !== '-') {
        unknown.push(arg);
        return false;
      }
      return true;
    },
  });
  if (unknown.length) throw new UsageError(`unknown option ${unknown[0].split('=')[0]}`);
  const flags: Flags = {};
  for (const o of spec.options) {
    let value = parsed[o.name] as string | boolean | string[] | undefined;
    if (o.arg) {
      if (Array.isArray(value) && !o.repeatable) value = value[value.length - 1];
      if (o.repeatable && typeof value === 'string') value = [value];
      if (value === '' || (Array.isArray(value) && value.includes(''))) {
        throw new UsageError(`option --${o.name} needs a value (${o.arg})`);
      }
    } else if (typeof value !== 'boolean') {
      value = Boolean(value);
    }
    flags[o.name] = value;
  }
  const dashed = argv.includes('--') ? ((parsed['--'] as string[] | undefined) ?? []) : undefined;
  return { flags, args: [...parsed._.map(String), ...(dashed ?? [])], ...(dashed ? { dashed } : {}) };
}

/**
 * `-r0` as `-r -0`, as getopt reads it; minimist would take it as `-r` with the value 0.
 * Only bundles of boolean short options are split, and nothing after `--`.
 */
export function splitBundles(spec: FilterSpec, argv: string[]): string[] {
  const booleans = new Set(spec.options.filter((o) => o.short && !o.arg).map((o) => o.short));
  const end = argv.indexOf('--');
  return argv.flatMap((a, i) =>
    (end < 0 || i < end) && /^-[^-]{2,}$/.test(a) && [...a.slice(1)].every((c) => booleans.has(c))
      ? [...a.slice(1)].map((c) => `-${c}`)
      : [a],
  );
}

function optionLabel(o: OptionSpec): string {
  const long = o.negatable ? `--no-${o.name}` : `--${o.name}`;
  const short = o.short ? `-${o.short}, ` : '    ';
  return `${short}${long}${o.arg ? ` ${o.arg}` : ''}`;
}

/** The --help text: synopsis, summary and the option table. */
export function helpText(spec: FilterSpec): string {
  const usage = spec.synopsis.map((s, i) => `${i === 0 ? 'Usage:' : '   or:'} ${spec.name} ${s}`);
  const labels = spec.options.map(optionLabel);
  const width = Math.max(...labels.map((l) => l.length)) + 2;
  const rows = spec.options.map((o, i) => `  ${labels[i].padEnd(width)}${o.help}${o.alias ? ` (also --${o.alias})` : ''}`);
  return [...usage, '', spec.summary, '', 'Options:', ...rows, '', `See man ${spec.name} for exit status and examples.`, ''].join(
    '\n',
  );
}
