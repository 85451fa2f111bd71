import minimist from 'minimist';
import { createReadStream, fstatSync, readFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';

/**
 * What every filter shares: option tables that produce both the parser and the
 * --help text (so the two cannot drift), exit codes, one-line errors, quiet EPIPE,
 * signals turned into an AbortSignal, and progress lines on stderr.
 */

export interface OptionSpec {
  /** Long name without dashes; a boolean when `arg` is absent. */
  name: string;
  short?: string;
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

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_SIGINT = 130;
export const EXIT_SIGTERM = 143;

export const HELP: OptionSpec = { name: 'help', short: 'h', help: 'print this help and exit' };
export const VERSION: OptionSpec = { name: 'version', help: 'print the version and exit' };
export const QUIET: OptionSpec = { name: 'quiet', short: 'q', help: 'print no informational lines, only errors' };
export const PROGRESS: OptionSpec = {
  name: 'progress',
  help: 'print progress on stderr even when it is not a terminal',
};
export const DEBUG: OptionSpec = { name: 'debug', help: 'print error details (stack, server response) on stderr' };

/** Options every filter has, in help order after its own. */
export const COMMON_OPTIONS = [QUIET, DEBUG, HELP, VERSION];

/** A mistake in how the command was called: exit 2 with a usage hint. */
export class UsageError extends Error {
  readonly exitCode = EXIT_USAGE;
}

/** A failure with a one-line message meant for the user and a chosen exit code. */
export class FilterError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type Flags = Record<string, string | boolean | string[] | undefined>;

export interface ParsedArgs {
  flags: Flags;
  args: string[];
}

export function parseArgs(spec: FilterSpec, argv: string[]): ParsedArgs {
  argv = splitBundles(spec, argv);
  const strings = spec.options.filter((o) => o.arg).map((o) => o.name);
  const booleans = spec.options.filter((o) => !o.arg).map((o) => o.name);
  const alias: Record<string, string> = {};
  for (const o of spec.options) if (o.short) alias[o.short] = o.name;
  const defaults: Record<string, boolean> = {};
  for (const o of spec.options) if (o.negatable) defaults[o.name] = true;
  const unknown: string[] = [];
  const parsed = minimist(argv, {
    string: strings,
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
  const args = [...parsed._.map(String), ...((parsed['--'] as string[] | undefined) ?? [])];
  return { flags, args };
}

/**
 * `-r0` as `-r -0`, as getopt reads it; minimist would take it as `-r` with the value 0.
 * Only bundles of boolean short options are split, and nothing after `--`.
 */
function splitBundles(spec: FilterSpec, argv: string[]): string[] {
  const booleans = new Set(spec.options.filter((o) => o.short && !o.arg).map((o) => o.short));
  const end = argv.indexOf('--');
  return argv.flatMap((a, i) =>
    (end < 0 || i < end) && /^-[^-]{2,}$/.test(a) && [...a.slice(1)].every((c) => booleans.has(c))
      ? [...a.slice(1)].map((c) => `-${c}`)
      : [a],
  );
}

/** Wait until everything written to stdout has been handed to the OS (pipes may be asynchronous). */
function flushStdout(): Promise<void> {
  return new Promise((resolve) => process.stdout.write('', () => resolve()));
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
  const rows = spec.options.map((o, i) => `  ${labels[i].padEnd(width)}${o.help}`);
  return [...usage, '', spec.summary, '', 'Options:', ...rows, '', `See man ${spec.name} for exit status and examples.`, ''].join(
    '\n',
  );
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export interface FilterContext extends ParsedArgs {
  /** Aborted on SIGINT/SIGTERM; pass it to every stream and request. */
  signal: AbortSignal;
  /** An informational line on stderr, silenced by -q. */
  info(line: string): void;
  /** A warning on stderr; never silenced. */
  warn(line: string): void;
  /** Whether progress lines should be drawn (stderr is a TTY, or --progress). */
  progress: boolean;
  debug: boolean;
}

export type FilterMain = (ctx: FilterContext) => Promise<number | void>;

function isEpipe(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
}

/** The one-line message for any error: the message itself, never a stack. */
export function errorLine(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] || err.name;
  return String(err);
}

/**
 * Run a filter: parse argv, handle --help/--version, run `main`, map the outcome to an
 * exit status. Never returns.
 */
export async function runFilter(spec: FilterSpec, main: FilterMain, argv = process.argv.slice(2)): Promise<never> {
  const name = spec.name;
  const controller = new AbortController();
  let signalExit = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalExit) process.exit(signalExit);
    signalExit = sig === 'SIGINT' ? EXIT_SIGINT : EXIT_SIGTERM;
    controller.abort(new FilterError(`interrupted by ${sig}`, signalExit));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    // A closed stdout (`| head`) is the reader saying it has enough: end quietly.
    if (isEpipe(err)) process.exit(EXIT_OK);
  });

  let debug = false;
  let code: number;
  try {
    const parsed = parseArgs(spec, argv);
    debug = parsed.flags.debug === true;
    if (parsed.flags.help) {
      process.stdout.write(helpText(spec));
      process.exit(EXIT_OK);
    }
    if (parsed.flags.version) {
      process.stdout.write(`${name} ${packageVersion()}\n`);
      process.exit(EXIT_OK);
    }
    const quiet = parsed.flags.quiet === true;
    const ctx: FilterContext = {
      ...parsed,
      signal: controller.signal,
      info: (line) => {
        if (!quiet) process.stderr.write(`${name}: ${line}\n`);
      },
      warn: (line) => process.stderr.write(`${name}: ${line}\n`),
      progress: !quiet && (parsed.flags.progress === true || process.stderr.isTTY === true),
      debug,
    };
    code = (await main(ctx)) ?? EXIT_OK;
  } catch (err) {
    if (isEpipe(err)) process.exit(EXIT_OK);
    if (signalExit && !spec.signalEndsRun) {
      process.stderr.write(`${name}: interrupted\n`);
      process.exit(signalExit);
    }
    // One line, always: a usage error carries its pointer to --help on the same line.
    const hint = err instanceof UsageError ? `; see ${name} --help` : '';
    process.stderr.write(`${name}: ${errorLine(err)}${hint}\n`);
    if (debug) process.stderr.write(`${debugDetail(err)}\n`);
    code = (err as { exitCode?: number }).exitCode ?? EXIT_FAILURE;
  }
  await flushStdout();
  process.exit(signalExit && !spec.signalEndsRun ? signalExit : code);
}

/** Detail printed under --debug: stack and cause chain, never request headers. */
function debugDetail(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  while (e) {
    parts.push(e instanceof Error ? (e.stack ?? e.message) : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join('\ncaused by: ');
}

/** Bytes a stream copy handed to the output before it ended or failed. */
export class CopyError extends Error {
  constructor(
    readonly bytes: number,
    cause: unknown,
  ) {
    super((cause as Error)?.message ?? String(cause), { cause });
  }
}

/**
 * Copy a byte Readable to a Writable (stdout), honouring backpressure, and return the
 * bytes written. Unlike pipeline() it knows exactly how much reached the output when the
 * source fails: the count excludes what was still buffered between the two streams.
 * `written` gets each chunk once the Writable is done with it.
 */
export async function copyTo(
  source: AsyncIterable<Buffer>,
  out: NodeJS.WritableStream,
  written?: (chunk: Buffer) => void,
): Promise<number> {
  let bytes = 0;
  try {
    for await (const chunk of source) {
      const more = out.write(chunk, (err) => err || written?.(chunk));
      bytes += chunk.length;
      if (!more) await new Promise((resolve) => out.once('drain', resolve));
    }
  } catch (err) {
    throw new CopyError(bytes, err);
  }
  return bytes;
}

/** Read a list (keys, domains, paths) from stdin: lines, or NUL-separated with -0. */
export async function readList(input: NodeJS.ReadableStream, nul: boolean): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const c of input) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  const text = Buffer.concat(chunks).toString('utf8');
  const items = text.split(nul ? '\0' : '\n');
  return items.filter((s) => s !== '');
}

/**
 * Standard input, after checking it can be read: Node reads a directory on fd 0 as an
 * empty stream, which would make `s3sink < dir` replace a backup with nothing.
 * A regular file is read 1 MiB at a time instead of process.stdin's 64 KiB: measured
 * here, 1 GiB costs 0.9 s of CPU that way against 2.7 s (each read is a thread-pool
 * round trip and a fresh Buffer). Pipes and terminals stay process.stdin.
 */
export function readableStdin(): NodeJS.ReadableStream {
  let stat: Stats | undefined;
  try {
    stat = fstatSync(0);
  } catch {
    // A closed fd 0 reads as empty, as for cat.
  }
  if (stat?.isDirectory()) throw new FilterError('cannot read standard input: it is a directory');
  if (stat?.isFile()) return createReadStream('', { fd: 0, autoClose: false, highWaterMark: 2 ** 20 });
  return process.stdin;
}

/** Items from arguments, else from stdin; stdin a terminal with no arguments is a usage error. */
export async function argsOrStdin(args: string[], nul: boolean, what: string): Promise<string[]> {
  if (args.length) return args;
  if (process.stdin.isTTY) throw new UsageError(`no ${what} given (as arguments or on stdin)`);
  return readList(readableStdin(), nul);
}
