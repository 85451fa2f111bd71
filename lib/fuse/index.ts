/** randfs: an infinite, deterministic, read-only FUSE tree, its fault lab, and the wrapper that keeps a mount alive. */
export { createRandfs, isMounted, MountError } from './mount';
export type { Randfs, RandfsOptions } from './mount';
export { RandTree, readContent } from './randfs';
export type { Entry, EntryKind, Listed, SizeRange, TreeOptions } from './randfs';
export { safeOperations, safeHandler } from './safe';
export type { FaultRecord, SafeOptions } from './safe';
export { parseCorruptRule, parseDelayRule, parseFaultRule, RuleError } from './rules';
export type { Rule } from './rules';
export { Schedule, hits } from './schedule';
export { faultLab, formatCounts } from './faulty';
export type { DeliveredRecord } from './faulty';
