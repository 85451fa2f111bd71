import type { Readable } from 'node:stream';
/**
 * The producer of a backup stream, run as a child instead of read from a pipe: a pipe
 * hands its reader a clean EOF whatever the writer's fate (`tar` failing halfway,
 * `pg_dump` killed), and `set -o pipefail` acts only after the reader has committed.
 * Knowing the exit status is what lets s3sink commit only what a producer finished
 * (restic's --stdin-from-command, borg's --content-from-command).
 */
export interface Producer {
    /** The command's standard output: the stream to store. */
    stdout: Readable;
    /** Resolves when the command exited 0; rejects with NotCommitted otherwise. */
    finished: Promise<void>;
}
/**
 * Run `argv` directly (no shell), its stderr passed through. An abort of `signal` is
 * forwarded to it, as the signal the reason names (`reason.signal`, as the filters'
 * SIGINT/SIGTERM reasons carry it), else SIGTERM. A command that cannot be started
 * fails with exit code 2, as a usage error.
 */
export declare function startProducer(argv: string[], signal?: AbortSignal): Producer;
