import { spawn, type SpawnOptions } from 'node:child_process';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/** Absolute path of a compiled filter, as `make build` leaves it. */
export function filterPath(name: string): string {
  return join(__dirname, '..', '..', 'filters', `${name}.js`);
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

export interface RunOptions {
  /** Bytes for stdin, a stream piped into stdin, or nothing (stdin closed at once). */
  input?: Buffer | string | Readable;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill with SIGKILL after this many ms (a hung filter fails the test, never the run). */
  timeout?: number;
}

/** Run a compiled filter as a child process, the way a shell does. */
export function runFilter(name: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return runCommand(process.execPath, [filterPath(name), ...args], opts);
}

/** Run any command (`sh -c`, `tar`, …) with stdin, collecting stdout bytes and stderr text. */
export function runCommand(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const spawnOpts: SpawnOptions = {
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  };
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, spawnOpts);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeout ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin!.on('error', () => {});
    const input = opts.input;
    if (input === undefined) child.stdin!.end();
    else if (typeof input === 'string' || Buffer.isBuffer(input)) child.stdin!.end(input);
    else input.pipe(child.stdin!);
  });
}

/** A retry notice (lib/retry-channel.ts): printed before a request is sent again; -q silences it. */
export const RETRY_NOTICE = /^[a-z0-9]+: retrying \S.* after \S.* \((\d+) of (\d+)\)$/;

function allStderrLines(r: Pick<RunResult, 'stderr'>): string[] {
  return r.stderr.split('\n').filter((l) => l !== '');
}

/** Lines of stderr, without the trailing empty one and without retry notices: what the filter says of the outcome. */
export function stderrLines(r: Pick<RunResult, 'stderr'>): string[] {
  return allStderrLines(r).filter((l) => !RETRY_NOTICE.test(l));
}

/** Lines of stdout split at `sep`, without empty ones. */
export function stdoutLines(r: Pick<RunResult, 'stdout'>, sep = '\n'): string[] {
  return r.stdout.toString('utf8').split(sep).filter((l) => l !== '');
}

/** The retry notices on stderr, in order. */
export function retryNotices(r: Pick<RunResult, 'stderr'>): string[] {
  return allStderrLines(r).filter((l) => RETRY_NOTICE.test(l));
}
