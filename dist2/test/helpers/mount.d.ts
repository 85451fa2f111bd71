import { type ChildProcess } from 'node:child_process';
/**
 * Start randfs as a child process, the way a shell does, and know when it serves.
 * The test process never touches a mount itself: everything that reads it is a child
 * (ls, find, stat, ...), so a stuck mount fails a test instead of hanging the runner.
 */
export declare const POLL_MS = 25;
/** Poll `check` until it is true; reject naming `what` after `timeoutMs`. */
export declare function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void>;
/** Mount points listed in /proc/mounts (read asynchronously; it is not the mount). */
export declare function mountPoints(): Promise<string[]>;
export declare function isMounted(dir: string): Promise<boolean>;
/**
 * Whether a live randfs answers at `dir`: a child sees its root (inode 1) and can list
 * it. The listing matters: the kernel answers `stat` from its attribute cache for up to
 * a second after the daemon died, but opening a directory always asks the daemon.
 */
export declare function serves(dir: string): Promise<boolean>;
export interface Exit {
    code: number | null;
    signal: NodeJS.Signals | null;
    stderr: string;
}
export interface RandfsProcess {
    mountpoint: string;
    child: ChildProcess;
    /** stderr so far. */
    stderr(): string;
    /** Settles when the process has exited. */
    exited: Promise<Exit>;
    /** Send `signal` and wait for the exit (SIGKILL after `timeoutMs`). */
    stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<Exit>;
}
/** A fresh directory under the system temp dir, removed by {@link cleanup}. */
export declare function tempDir(prefix?: string): Promise<string>;
/** Spawn `randfs ARGS... MOUNTPOINT` without waiting for the mount. */
export declare function spawnRandfs(mountpoint: string, args?: string[], opts?: {
    detached?: boolean;
}): RandfsProcess;
/** Start randfs and resolve once it serves `mountpoint`; reject with its stderr if it exits first. */
export declare function startRandfs(mountpoint: string, args?: string[], opts?: {
    detached?: boolean;
}): Promise<RandfsProcess>;
/**
 * For after(): kill every randfs still running, lazily unmount whatever is left, remove
 * the temp dirs, and report (by throwing) anything that had to be cleaned up by force.
 */
export declare function cleanup(): Promise<void>;
