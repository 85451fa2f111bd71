import type { Readable } from 'node:stream';
/** Absolute path of a compiled filter, as `make build` leaves it. */
export declare function filterPath(name: string): string;
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
export declare function runFilter(name: string, args: string[], opts?: RunOptions): Promise<RunResult>;
/** Run any command (`sh -c`, `tar`, …) with stdin, collecting stdout bytes and stderr text. */
export declare function runCommand(cmd: string, args: string[], opts?: RunOptions): Promise<RunResult>;
/** Lines of stderr, without the trailing empty one. */
export declare function stderrLines(r: RunResult): string[];
