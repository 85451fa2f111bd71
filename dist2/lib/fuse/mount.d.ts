import { RandTree, type TreeOptions } from './randfs';
import { type FaultRecord } from './safe';
export interface RandfsOptions extends TreeOptions {
    /** Append one JSON line per failed operation to this file; or a function receiving each record. */
    log?: string | ((record: FaultRecord) => void);
    /** Probability (0..1) that an operation throws on purpose. Default 0. */
    injectErrors?: number;
    /** Answer EIO when an operation has not answered after this many ms. Default 5000. */
    opTimeoutMs?: number;
    /** Unmount when aborted. */
    signal?: AbortSignal;
}
/** Rejection of {@link createRandfs}: `message` is one line naming the mountpoint and the reason. */
export declare class MountError extends Error {
}
/** A mounted randfs. */
export interface Randfs {
    readonly mountpoint: string;
    readonly tree: RandTree;
    /** Operations that failed (thrown, rejected, timed out) since mounting. */
    faults(): number;
    /** Faults thrown on purpose by `injectErrors`. */
    injected(): number;
    /** Unmount and close the log; safe to call more than once. */
    unmount(): Promise<void>;
}
/** Whether `mountpoint` (absolute) is a mount point listed in /proc/mounts. */
export declare function isMounted(mountpoint: string): Promise<boolean>;
/** /proc/mounts escapes space, tab, newline and backslash as octal (`\040`). */
export declare function unescapeMountField(field: string): string;
/**
 * Mount a randfs tree on `mountpoint` (an existing directory) and resolve once the
 * kernel is serving it; see {@link RandfsOptions}. Every operation goes through
 * {@link safeOperations}; a stale mount left by a crash is cleared first, and fusermount
 * unmounts it if this process dies (even by SIGKILL). Rejects with a {@link MountError}
 * leaving no mount behind.
 *
 * Never touch the mount with synchronous fs calls from the same process: the kernel
 * waits for this process's event loop to answer, and a blocked loop deadlocks.
 *
 * @example
 * ```ts
 * const fs = await createRandfs('/mnt/rand', { seed: 'demo', fanout: 3, files: 2 });
 * // ... run `find /mnt/rand -maxdepth 3` in a child process ...
 * await fs.unmount();
 * ```
 */
export declare function createRandfs(mountpoint: string, opts?: RandfsOptions): Promise<Randfs>;
