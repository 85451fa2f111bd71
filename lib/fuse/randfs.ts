import { createCipheriv, createHash } from 'node:crypto';
import { DEEP_FILE, DEEP_LEVELS, DEEP_NAME, deepLevel, HARD_LINK, HOSTILE_DIR, HOSTILE_FILES, symlinkName, symlinkTarget } from './hostile';

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
  /** `hostile` adds names that break scripts to every directory (hostile.ts). */
  names?: 'plain' | 'hostile';
  /** Symlinks per directory: loops, self-loops, dangling and working ones in turn. */
  symlinks?: number;
  /** Every directory with files also holds `hard-link`, a second name of its first file. */
  hardlinks?: boolean;
  /** The root holds a chain of directories whose paths pass PATH_MAX. */
  deep?: boolean;
}

export type EntryKind = 'dir' | 'file' | 'symlink';

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
  /** Generated subdirectories (0 for anything else). */
  dirs: number;
  /** Links: 2 + subdirectories for a directory, 2 for a hard-linked file, else 1. */
  nlink: number;
  /** A symlink's target. */
  target?: string;
  /** A hard link's first name: its content and inode are that file's. */
  contentPath?: string;
}

export const DEFAULT_SEED = 'randfs';
export const DEFAULT_FANOUT = 4;
export const DEFAULT_FILES = 4;
export const DEFAULT_FILE_SIZE: SizeRange = { min: 0, max: 64 * 1024 };
/** Largest --file-size: 1 PiB, well inside a double's exact integers (2^53). */
export const MAX_FILE_SIZE = 2 ** 50;
/** Most --symlinks per directory. */
export const MAX_SYMLINKS = 1000;
/** Entries a directory may hold: the 40-bit name space is far larger, but listings are built whole. */
export const MAX_ENTRIES = 1_000_000;
/** How many past listings of a directory stay reachable by name under --chaos. */
export const CHAOS_WINDOW = 16;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const NAME_LENGTH = 8;
const HALF_MASK = 0xfffff; // 20 bits: two halves make the 40-bit name space
// 2008-04-23 18:03:55 UTC, the seed post; mtimes fall in the year before it.
const EPOCH_MS = Date.UTC(2008, 3, 23, 18, 3, 55);
const YEAR_S = 365 * 24 * 3600;
const DIR_SIZE = 4096;

/** A 32-bit hash of a string, folded into `h` (murmur3-style mixing; not cryptographic). */
export function hash32(text: string, h = 0x9e3779b9): number {
  h >>>= 0;
  for (let i = 0; i < text.length; i++) {
    let k = Math.imul(text.charCodeAt(i), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return fmix(h ^ text.length);
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mix(a: number, b: number): number {
  return fmix((Math.imul(a, 0x27d4eb2f) ^ b) + 0x165667b1);
}

function roundKeys(dirHash: number, generation: number): number[] {
  const base = mix(dirHash, generation);
  return [mix(base, 1), mix(base, 2), mix(base, 3), mix(base, 4)];
}

/** The name of entry `index` in a directory whose round keys are `keys`. */
export function encodeName(index: number, keys: number[]): string {
  let l = Math.floor(index / (HALF_MASK + 1)) & HALF_MASK;
  let r = index & HALF_MASK;
  for (const k of keys) {
    const t = l ^ (mix(r, k) & HALF_MASK);
    l = r;
    r = t;
  }
  let name = '';
  for (const half of [l, r]) {
    for (let shift = 15; shift >= 0; shift -= 5) name += ALPHABET[(half >>> shift) & 31];
  }
  return name;
}

/** The index a name encodes, or -1 when it is not a name randfs could produce. */
export function decodeName(name: string, keys: number[]): number {
  if (name.length !== NAME_LENGTH) return -1;
  const halves = [0, 0];
  for (let i = 0; i < NAME_LENGTH; i++) {
    const v = ALPHABET.indexOf(name[i]);
    if (v < 0) return -1;
    halves[i >> 2] = (halves[i >> 2] << 5) | v;
  }
  let [l, r] = halves;
  for (let i = keys.length - 1; i >= 0; i--) {
    const t = r ^ (mix(l, keys[i]) & HALF_MASK);
    r = l;
    l = t;
  }
  return l * (HALF_MASK + 1) + r;
}

/** The key of a file's content stream: AES-128 in counter mode over zeros. */
export function contentKey(seed: string, path: string): Buffer {
  return createHash('sha256').update(`randfs\0${seed}\0${path}`).digest().subarray(0, 16);
}

let zeros = Buffer.alloc(64 * 1024 + 16);

/**
 * Copy `length` bytes of the content stream with key `key`, starting at `offset`, into
 * `target`. Any offset costs the same: counter mode seeks by setting the counter.
 */
export function fillContent(key: Buffer, target: Buffer, offset: number, length: number): void {
  const skip = offset % 16;
  const block = (offset - skip) / 16;
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(Math.floor(block / 2 ** 32), 8);
  iv.writeUInt32BE(block >>> 0, 12);
  const cipher = createCipheriv('aes-128-ctr', key, iv);
  if (zeros.length < skip + length) zeros = Buffer.alloc(skip + length);
  const out = cipher.update(zeros.subarray(0, skip + length));
  out.copy(target, 0, skip, skip + length);
}

/**
 * Bytes `[offset, offset + length)` of a file's content as the mount serves them, at any
 * offset (clipped to nothing past `size`).
 */
export function readContent(seed: string, path: string, size: number, offset: number, length: number): Buffer {
  const n = Math.max(0, Math.min(length, size - offset));
  const buf = Buffer.alloc(n);
  if (n) fillContent(contentKey(seed, path), buf, offset, n);
  return buf;
}

/** One directory entry as a listing shows it. */
export interface Listed {
  name: string;
  entry: Entry;
}

/** The tree model without a mount: look paths up, list directories, read files; for tests and tools. */
export class RandTree {
  readonly seed: string;
  readonly fanout: number;
  readonly files: number;
  readonly fileSize: SizeRange;
  readonly maxDepth: number;
  readonly chaos: boolean;
  readonly hostile: boolean;
  readonly symlinks: number;
  readonly hardlinks: boolean;
  readonly deep: boolean;
  private readonly seedHash: number;
  /** --chaos only: listings served per directory path (bounded, oldest forgotten first). */
  private readonly generations = new Map<string, number>();

  constructor(opts: TreeOptions = {}) {
    this.seed = opts.seed ?? DEFAULT_SEED;
    this.fanout = opts.fanout ?? DEFAULT_FANOUT;
    this.files = opts.files ?? DEFAULT_FILES;
    const size = opts.fileSize ?? DEFAULT_FILE_SIZE;
    this.fileSize = typeof size === 'number' ? { min: size, max: size } : size;
    this.maxDepth = opts.maxDepth ?? Infinity;
    this.chaos = opts.chaos ?? false;
    this.hostile = opts.names === 'hostile';
    this.symlinks = opts.symlinks ?? 0;
    this.hardlinks = opts.hardlinks ?? false;
    this.deep = opts.deep ?? false;
    for (const [k, v] of [['fanout', this.fanout], ['files', this.files]] as const) {
      if (!Number.isInteger(v) || v < 0 || v > MAX_ENTRIES) throw new RangeError(`${k} must be a whole number 0..${MAX_ENTRIES}`);
    }
    if (this.fanout + this.files > MAX_ENTRIES) throw new RangeError(`fanout + files must not exceed ${MAX_ENTRIES}`);
    const { min, max } = this.fileSize;
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min < 0 || max < min || max > MAX_FILE_SIZE) {
      throw new RangeError('file size must be whole bytes, min <= max <= 1P');
    }
    if (!(this.maxDepth >= 0) || (this.maxDepth !== Infinity && !Number.isInteger(this.maxDepth))) {
      throw new RangeError('max depth must be a whole number >= 0');
    }
    if (!Number.isInteger(this.symlinks) || this.symlinks < 0 || this.symlinks > MAX_SYMLINKS) {
      throw new RangeError(`symlinks must be a whole number 0..${MAX_SYMLINKS}`);
    }
    this.seedHash = hash32(this.seed);
  }

  /** The entry at `path` (`/` or `/a/b`), or undefined when there is none. */
  lookup(path: string): Entry | undefined {
    if (path === '/' || path === '') return this.rootEntry();
    if (path[0] !== '/') return undefined;
    const parts = path.split('/');
    let entry = this.rootEntry();
    let h = this.seedHash;
    for (let i = 1; i < parts.length; i++) {
      if (entry.kind !== 'dir') return undefined;
      const next = this.child(entry, h, parts[i]);
      if (!next) return undefined;
      h = hash32(parts[i], h);
      entry = next;
    }
    return entry;
  }

  /**
   * The entries of directory `path` in order (subdirectories first), without `.` and `..`;
   * undefined when `path` is not a directory. Under --chaos each call is a new listing.
   */
  list(path: string): Listed[] | undefined {
    const dir = this.lookup(path);
    if (!dir || dir.kind !== 'dir') return undefined;
    const h = this.pathHash(dir.path);
    const level = this.deep ? deepLevel(dir.path) : 0;
    if (level) return [this.deepChild(dir, h, level)];
    let generation = 0;
    if (this.chaos) {
      generation = (this.generations.get(dir.path) ?? -1) + 1;
      this.generations.delete(dir.path);
      this.generations.set(dir.path, generation);
      if (this.generations.size > 100_000) this.generations.delete(this.generations.keys().next().value!);
    }
    const keys = roundKeys(h, generation);
    const out: Listed[] = [];
    for (let i = 0; i < dir.dirs + this.files; i++) {
      const name = encodeName(i, keys);
      out.push({ name, entry: this.generated(dir, h, name, i) });
    }
    return [...out, ...this.extras(dir, h)];
  }

  /** Copy file bytes at `offset` into `target`; returns how many (0 at or past the end). */
  read(entry: Entry, target: Buffer, offset: number, length: number): number {
    const n = Math.max(0, Math.min(length, target.length, entry.size - offset));
    if (n) fillContent(contentKey(this.seed, entry.contentPath ?? entry.path), target, offset, n);
    return n;
  }

  /** The entry `name` in directory `dir` (whose path hash is `h`), or undefined. */
  private child(dir: Entry, h: number, name: string): Entry | undefined {
    const level = this.deep ? deepLevel(dir.path) : 0;
    if (level) {
      const only = this.deepChild(dir, h, level);
      return only.name === name ? only.entry : undefined;
    }
    const index = this.indexOf(dir.path, h, name, dir.dirs + this.files);
    if (index >= 0) return this.generated(dir, h, name, index);
    if (!this.hostile && !this.symlinks && !this.hardlinks && !this.deep) return undefined;
    return this.extras(dir, h).find((l) => l.name === name)?.entry;
  }

  /** Generated entry `index` (directories first, then files) of `dir`. */
  private generated(dir: Entry, h: number, name: string, index: number): Entry {
    const path = childPath(dir.path, name);
    const childHash = hash32(name, h);
    if (index < dir.dirs) return this.dirEntry(path, dir.depth + 1, childHash);
    return this.fileEntry(path, dir.depth + 1, childHash, this.hardlinks && index === dir.dirs ? 2 : 1);
  }

  /** What the hostile-tree flags add to a generated directory (hostile.ts). */
  private extras(dir: Entry, h: number): Listed[] {
    const out: Listed[] = [];
    const depth = dir.depth + 1;
    const add = (name: string, make: (path: string, childHash: number) => Entry) =>
      out.push({ name, entry: make(childPath(dir.path, name), hash32(name, h)) });
    if (this.deep && dir.path === '/') add(DEEP_NAME, (p, ch) => this.deepEntry(p, depth, ch, 1));
    if (this.hostile) {
      if (depth <= this.maxDepth) add(HOSTILE_DIR, (p, ch) => this.dirEntry(p, depth, ch));
      for (const name of HOSTILE_FILES) add(name, (p, ch) => this.fileEntry(p, depth, ch, 1));
    }
    const first = this.files > 0 ? encodeName(dir.dirs, roundKeys(h, 0)) : undefined;
    if (this.hardlinks && first) {
      const target = this.fileEntry(childPath(dir.path, first), depth, hash32(first, h), 2);
      add(HARD_LINK, (p) => ({ ...target, path: p, contentPath: target.path }));
    }
    for (let i = 0; i < this.symlinks; i++) {
      const target = symlinkTarget(i, first);
      add(symlinkName(i), (p, ch) => ({ kind: 'symlink', path: p, depth, ino: inoOf(ch), mtime: this.mtimeOf(ch), size: Buffer.byteLength(target), dirs: 0, nlink: 1, target }));
    }
    return out;
  }

  /** The one entry of --deep chain directory `dir` at `level`: the next level, or the file at the bottom. */
  private deepChild(dir: Entry, h: number, level: number): Listed {
    const name = level < DEEP_LEVELS ? DEEP_NAME : DEEP_FILE;
    const path = childPath(dir.path, name);
    const childHash = hash32(name, h);
    const entry = level < DEEP_LEVELS ? this.deepEntry(path, dir.depth + 1, childHash, level + 1) : this.fileEntry(path, dir.depth + 1, childHash, 1);
    return { name, entry };
  }

  private rootEntry(): Entry {
    const entry = this.dirEntry('/', 0, this.seedHash);
    return { ...entry, ino: 1, nlink: entry.nlink + (this.deep ? 1 : 0) };
  }

  private dirEntry(path: string, depth: number, h: number): Entry {
    const dirs = this.dirsAt(depth);
    const hostileDir = this.hostile && depth + 1 <= this.maxDepth ? 1 : 0;
    return { kind: 'dir', path, depth, ino: inoOf(h), mtime: this.mtimeOf(h), size: DIR_SIZE, dirs, nlink: 2 + dirs + hostileDir };
  }

  private deepEntry(path: string, depth: number, h: number, level: number): Entry {
    return { kind: 'dir', path, depth, ino: inoOf(h), mtime: this.mtimeOf(h), size: DIR_SIZE, dirs: 0, nlink: level < DEEP_LEVELS ? 3 : 2 };
  }

  private fileEntry(path: string, depth: number, h: number, nlink: number): Entry {
    const { min, max } = this.fileSize;
    // 53 bits from two hashes, so ranges up to a petabyte stay uniform enough.
    const r = (mix(h, 0x5157) & 0x1fffff) * 2 ** 32 + mix(h, 0x512e);
    const size = min + (r % (max - min + 1));
    return { kind: 'file', path, depth, ino: inoOf(h), mtime: this.mtimeOf(h), size, dirs: 0, nlink };
  }

  private mtimeOf(h: number): number {
    return EPOCH_MS - (mix(h, 0x7113) % YEAR_S) * 1000;
  }

  private dirsAt(depth: number): number {
    return depth < this.maxDepth ? this.fanout : 0;
  }

  private pathHash(path: string): number {
    let h = this.seedHash;
    if (path !== '/') for (const name of path.split('/').slice(1)) h = hash32(name, h);
    return h;
  }

  /** The index `name` has in its directory, in `[0, limit)`, or -1. */
  private indexOf(dirPath: string, h: number, name: string, limit: number): number {
    const current = this.chaos ? (this.generations.get(dirPath) ?? 0) : 0;
    for (let g = current; g >= 0 && g > current - CHAOS_WINDOW; g--) {
      const i = decodeName(name, roundKeys(h, g));
      if (i >= 0 && i < limit) return i;
    }
    return -1;
  }
}

function childPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

function inoOf(h: number): number {
  const ino = mix(h, 0x1a0) >>> 0;
  return ino < 2 ? ino + 2 : ino;
}
