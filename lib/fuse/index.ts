/**
 * randfs: a read-only, infinitely deep FUSE filesystem whose names and contents are a
 * pure function of (seed, path), served through one wrapper that turns any handler
 * failure into a log record and EIO instead of a dead mount.
 *
 * @example
 * ```ts
 * const fs = await createRandfs('/mnt/rand', { seed: 'demo', fanout: 3, files: 2 });
 * // ... run `find /mnt/rand -maxdepth 3` in a child process ...
 * await fs.unmount();
 * ```
 */
export {
  /** Mount a randfs tree and resolve once the kernel serves it; see {@link RandfsOptions}. */
  createRandfs,
  /** Whether a path is a mount point listed in /proc/mounts. */
  isMounted,
  /** Rejection of createRandfs: one line naming the mountpoint and the reason. */
  MountError,
} from './mount';
export type { Randfs, RandfsOptions } from './mount';
export {
  /** The tree model without a mount: lookup, list and read by path, for tests and tools. */
  RandTree,
  /** Bytes of a file's content at any offset, as the mount serves them. */
  readContent,
} from './randfs';
export type { Entry, EntryKind, Listed, SizeRange, TreeOptions } from './randfs';
export {
  /** Wrap every handler of a fuse-native operations table: throw, rejection or silence becomes a record and EIO. */
  safeOperations,
  /** Wrap one handler the same way. */
  safeHandler,
  /** Make handlers throw or reject at random (for testing callers and the wrapper). */
  injectFaults,
  /** The error injectFaults throws. */
  InjectedFault,
} from './safe';
export type { FaultRecord, SafeOptions } from './safe';
export {
  /** Parse `4K` or `0-64K` into a size range. */
  parseSizeRange,
  /** randfs's command-line flags as createRandfs options. */
  randfsOptionsFromFlags,
} from './options';
