import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorLine } from '../error-line';
import { retryChannel, retryLine, type RetryNotice } from '../retry-channel';
import { helpText, parseArgs, UsageError, type FilterSpec, type ParsedArgs } from './args';

/**
 * The process lifecycle every filter shares: exit codes, one-line errors, quiet EPIPE,
 * SIGINT/SIGTERM turned into an AbortSignal, stdout flushed before exit.
 */

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_SIGINT = 130;
export const EXIT_SIGTERM = 143;

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

/** The reason the filter's signal aborts with on SIGINT/SIGTERM; `signal` names it, so it can be forwarded. */
export class Interrupted extends FilterError {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`, signal === 'SIGINT' ? EXIT_SIGINT : EXIT_SIGTERM);
  }
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

/** Wait until everything written to stdout has been handed to the OS (pipes may be asynchronous). */
function flushStdout(): Promise<void> {
  return new Promise((resolve) => process.stdout.write('', () => resolve()));
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

function isEpipe(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
}

export { errorLine };

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
    const reason = new Interrupted(sig);
    signalExit = reason.exitCode;
    controller.abort(reason);
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
    // On a terminal a progress line may be half drawn: clear it before a line of our own.
    const lineStart = process.stderr.isTTY ? '\r\x1b[K' : '';
    const info = (line: string) => {
      if (!quiet) process.stderr.write(`${lineStart}${name}: ${line}\n`);
    };
    // A request being retried says so, rather than looking like a stall (-q silences it).
    retryChannel.subscribe((notice) => info(retryLine(notice as RetryNotice)));
    const ctx: FilterContext = {
      ...parsed,
      signal: controller.signal,
      info,
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
