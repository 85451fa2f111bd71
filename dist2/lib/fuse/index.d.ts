/** randfs: an infinite, deterministic, read-only FUSE tree, and the wrapper that keeps a mount alive. */
export { createRandfs, isMounted, MountError } from './mount';
export type { Randfs, RandfsOptions } from './mount';
export { RandTree, readContent } from './randfs';
export type { Entry, EntryKind, Listed, SizeRange, TreeOptions } from './randfs';
export { safeOperations, safeHandler, injectFaults, InjectedFault } from './safe';
export type { FaultRecord, SafeOptions } from './safe';
