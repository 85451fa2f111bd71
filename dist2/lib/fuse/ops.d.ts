import type Fuse from 'fuse-native';
import type { Entry, RandTree } from './randfs';
/** The stat the kernel sees for an entry: read-only modes, owned by the mounting user. */
export declare function statOf(entry: Entry, uid: number, gid: number): Fuse.Stat;
/**
 * The fuse-native handlers serving a {@link RandTree}: getattr, readdir, open, read,
 * release, statfs, access; every operation that would change the tree answers EROFS.
 * Plain callbacks, no state: file handles are not needed because a read recomputes
 * its bytes from the path.
 */
export declare function randfsOperations(tree: RandTree, uid?: number, gid?: number): Fuse.Operations;
