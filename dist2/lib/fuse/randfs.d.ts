/**
 * The randfs tree model: a read-only, infinitely deep tree whose names, sizes, inode
 * numbers, mtimes and contents are a pure function of (seed, path). Nothing is stored:
 * every directory listing and every byte is computed on demand, so a `find` over a
 * million entries costs no memory and two mounts with one seed agree byte for byte.
 *
 * Names are a keyed permutation (a 4-round Feistel network on 40 bits) of the entry's
 * index in its directory, printed as 8 base32 letters. A permutation cannot collide, and
 * it runs backwards: a lookup decodes the name to its index and checks it is in range,
 * without listing the directory.
 */
/** Inclusive size bounds of the files in a tree; `min === max` for a fixed size. */
export interface SizeRange {
    min: number;
    max: number;
}
export interface TreeOptions {
    /** Any string; the same seed gives the same tree. Default `randfs`. */
    seed?: string;
    /** Subdirectories per directory. Default 4. */
    fanout?: number;
    /** Files per directory. Default 4. */
    files?: number;
    /** File size in bytes, fixed or a range. Default 0 to 64 KiB. */
    fileSize?: number | SizeRange;
    /** Directories this deep hold files only; root is depth 0. Default unbounded. */
    maxDepth?: number;
    /** Names change on every listing, like the 2008 toy (for crawlers facing unstable trees). */
    chaos?: boolean;
}
export type EntryKind = 'dir' | 'file';
export interface Entry {
    kind: EntryKind;
    path: string;
    /** Root is 0. */
    depth: number;
    /** 32 bits (fuse-native passes no more); root is 1. */
    ino: number;
    /** Milliseconds since the epoch, whole seconds. */
    mtime: number;
    /** Bytes: the file's length, or 4096 for a directory. */
    size: number;
    /** Subdirectories (0 for files). */
    dirs: number;
}
export declare const DEFAULT_SEED = "randfs";
export declare const DEFAULT_FANOUT = 4;
export declare const DEFAULT_FILES = 4;
export declare const DEFAULT_FILE_SIZE: SizeRange;
/** Entries a directory may hold: the 40-bit name space is far larger, but listings are built whole. */
export declare const MAX_ENTRIES = 1000000;
/** How many past listings of a directory stay reachable by name under --chaos. */
export declare const CHAOS_WINDOW = 16;
/** A 32-bit hash of a string, folded into `h` (murmur3-style mixing; not cryptographic). */
export declare function hash32(text: string, h?: number): number;
/** The name of entry `index` in a directory whose round keys are `keys`. */
export declare function encodeName(index: number, keys: number[]): string;
/** The index a name encodes, or -1 when it is not a name randfs could produce. */
export declare function decodeName(name: string, keys: number[]): number;
/** The key of a file's content stream: AES-128 in counter mode over zeros. */
export declare function contentKey(seed: string, path: string): Buffer;
/**
 * Copy `length` bytes of the content stream with key `key`, starting at `offset`, into
 * `target`. Any offset costs the same: counter mode seeks by setting the counter.
 */
export declare function fillContent(key: Buffer, target: Buffer, offset: number, length: number): void;
/**
 * Bytes `[offset, offset + length)` of a file's content as the mount serves them, at any
 * offset (clipped to nothing past `size`).
 */
export declare function readContent(seed: string, path: string, size: number, offset: number, length: number): Buffer;
/** One directory entry as a listing shows it. */
export interface Listed {
    name: string;
    entry: Entry;
}
/** The tree model without a mount: look paths up, list directories, read files; for tests and tools. */
export declare class RandTree {
    readonly seed: string;
    readonly fanout: number;
    readonly files: number;
    readonly fileSize: SizeRange;
    readonly maxDepth: number;
    readonly chaos: boolean;
    private readonly seedHash;
    /** --chaos only: listings served per directory path (bounded, oldest forgotten first). */
    private readonly generations;
    constructor(opts?: TreeOptions);
    /** The entry at `path` (`/` or `/a/b`), or undefined when there is none. */
    lookup(path: string): Entry | undefined;
    /**
     * The entries of directory `path` in order (subdirectories first), without `.` and `..`;
     * undefined when `path` is not a directory. Under --chaos each call is a new listing.
     */
    list(path: string): Listed[] | undefined;
    /** Copy file bytes at `offset` into `target`; returns how many (0 at or past the end). */
    read(entry: Entry, target: Buffer, offset: number, length: number): number;
    private rootEntry;
    private dirEntry;
    private fileEntry;
    private mtimeOf;
    private dirsAt;
    private pathHash;
    /** The index `name` has in its directory, in `[0, limit)`, or -1. */
    private indexOf;
}
