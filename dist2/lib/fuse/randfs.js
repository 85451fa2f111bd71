"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RandTree = exports.CHAOS_WINDOW = exports.MAX_ENTRIES = exports.DEFAULT_FILE_SIZE = exports.DEFAULT_FILES = exports.DEFAULT_FANOUT = exports.DEFAULT_SEED = void 0;
exports.hash32 = hash32;
exports.encodeName = encodeName;
exports.decodeName = decodeName;
exports.contentKey = contentKey;
exports.fillContent = fillContent;
exports.readContent = readContent;
const node_crypto_1 = require("node:crypto");
exports.DEFAULT_SEED = 'randfs';
exports.DEFAULT_FANOUT = 4;
exports.DEFAULT_FILES = 4;
exports.DEFAULT_FILE_SIZE = { min: 0, max: 64 * 1024 };
/** Entries a directory may hold: the 40-bit name space is far larger, but listings are built whole. */
exports.MAX_ENTRIES = 1_000_000;
/** How many past listings of a directory stay reachable by name under --chaos. */
exports.CHAOS_WINDOW = 16;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const NAME_LENGTH = 8;
const HALF_MASK = 0xfffff; // 20 bits: two halves make the 40-bit name space
// 2008-04-23 18:03:55 UTC, the seed post; mtimes fall in the year before it.
const EPOCH_MS = Date.UTC(2008, 3, 23, 18, 3, 55);
const YEAR_S = 365 * 24 * 3600;
const DIR_SIZE = 4096;
/** A 32-bit hash of a string, folded into `h` (murmur3-style mixing; not cryptographic). */
function hash32(text, h = 0x9e3779b9) {
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
function fmix(h) {
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
}
function mix(a, b) {
    return fmix((Math.imul(a, 0x27d4eb2f) ^ b) + 0x165667b1);
}
function roundKeys(dirHash, generation) {
    const base = mix(dirHash, generation);
    return [mix(base, 1), mix(base, 2), mix(base, 3), mix(base, 4)];
}
/** The name of entry `index` in a directory whose round keys are `keys`. */
function encodeName(index, keys) {
    let l = Math.floor(index / (HALF_MASK + 1)) & HALF_MASK;
    let r = index & HALF_MASK;
    for (const k of keys) {
        const t = l ^ (mix(r, k) & HALF_MASK);
        l = r;
        r = t;
    }
    let name = '';
    for (const half of [l, r]) {
        for (let shift = 15; shift >= 0; shift -= 5)
            name += ALPHABET[(half >>> shift) & 31];
    }
    return name;
}
/** The index a name encodes, or -1 when it is not a name randfs could produce. */
function decodeName(name, keys) {
    if (name.length !== NAME_LENGTH)
        return -1;
    const halves = [0, 0];
    for (let i = 0; i < NAME_LENGTH; i++) {
        const v = ALPHABET.indexOf(name[i]);
        if (v < 0)
            return -1;
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
function contentKey(seed, path) {
    return (0, node_crypto_1.createHash)('sha256').update(`randfs\0${seed}\0${path}`).digest().subarray(0, 16);
}
let zeros = Buffer.alloc(64 * 1024 + 16);
/**
 * Copy `length` bytes of the content stream with key `key`, starting at `offset`, into
 * `target`. Any offset costs the same: counter mode seeks by setting the counter.
 */
function fillContent(key, target, offset, length) {
    const skip = offset % 16;
    const block = (offset - skip) / 16;
    const iv = Buffer.alloc(16);
    iv.writeUInt32BE(Math.floor(block / 2 ** 32), 8);
    iv.writeUInt32BE(block >>> 0, 12);
    const cipher = (0, node_crypto_1.createCipheriv)('aes-128-ctr', key, iv);
    if (zeros.length < skip + length)
        zeros = Buffer.alloc(skip + length);
    const out = cipher.update(zeros.subarray(0, skip + length));
    out.copy(target, 0, skip, skip + length);
}
/**
 * Bytes `[offset, offset + length)` of a file's content as the mount serves them, at any
 * offset (clipped to nothing past `size`).
 */
function readContent(seed, path, size, offset, length) {
    const n = Math.max(0, Math.min(length, size - offset));
    const buf = Buffer.alloc(n);
    if (n)
        fillContent(contentKey(seed, path), buf, offset, n);
    return buf;
}
/** The tree model without a mount: look paths up, list directories, read files; for tests and tools. */
class RandTree {
    seed;
    fanout;
    files;
    fileSize;
    maxDepth;
    chaos;
    seedHash;
    /** --chaos only: listings served per directory path (bounded, oldest forgotten first). */
    generations = new Map();
    constructor(opts = {}) {
        this.seed = opts.seed ?? exports.DEFAULT_SEED;
        this.fanout = opts.fanout ?? exports.DEFAULT_FANOUT;
        this.files = opts.files ?? exports.DEFAULT_FILES;
        const size = opts.fileSize ?? exports.DEFAULT_FILE_SIZE;
        this.fileSize = typeof size === 'number' ? { min: size, max: size } : size;
        this.maxDepth = opts.maxDepth ?? Infinity;
        this.chaos = opts.chaos ?? false;
        for (const [k, v] of [['fanout', this.fanout], ['files', this.files]]) {
            if (!Number.isInteger(v) || v < 0 || v > exports.MAX_ENTRIES)
                throw new RangeError(`${k} must be a whole number 0..${exports.MAX_ENTRIES}`);
        }
        if (this.fanout + this.files > exports.MAX_ENTRIES)
            throw new RangeError(`fanout + files must not exceed ${exports.MAX_ENTRIES}`);
        const { min, max } = this.fileSize;
        if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min < 0 || max < min) {
            throw new RangeError('file size must be whole bytes, min <= max');
        }
        if (!(this.maxDepth >= 0) || (this.maxDepth !== Infinity && !Number.isInteger(this.maxDepth))) {
            throw new RangeError('max depth must be a whole number >= 0');
        }
        this.seedHash = hash32(this.seed);
    }
    /** The entry at `path` (`/` or `/a/b`), or undefined when there is none. */
    lookup(path) {
        if (path === '/' || path === '')
            return this.rootEntry();
        if (path[0] !== '/')
            return undefined;
        const parts = path.split('/');
        let h = this.seedHash;
        let dirs = this.dirsAt(0);
        let p = '';
        for (let i = 1; i < parts.length; i++) {
            const depth = i - 1;
            const name = parts[i];
            const index = this.indexOf(p || '/', h, name, dirs + this.files);
            const last = i === parts.length - 1;
            if (index < 0)
                return undefined;
            p += '/' + name;
            const childHash = hash32(name, h);
            if (index >= dirs)
                return last ? this.fileEntry(p, depth + 1, childHash) : undefined;
            if (last)
                return this.dirEntry(p, depth + 1, childHash);
            h = childHash;
            dirs = this.dirsAt(depth + 1);
        }
        return undefined;
    }
    /**
     * The entries of directory `path` in order (subdirectories first), without `.` and `..`;
     * undefined when `path` is not a directory. Under --chaos each call is a new listing.
     */
    list(path) {
        const dir = this.lookup(path);
        if (!dir || dir.kind !== 'dir')
            return undefined;
        const h = this.pathHash(dir.path);
        let generation = 0;
        if (this.chaos) {
            generation = (this.generations.get(dir.path) ?? -1) + 1;
            this.generations.delete(dir.path);
            this.generations.set(dir.path, generation);
            if (this.generations.size > 100_000)
                this.generations.delete(this.generations.keys().next().value);
        }
        const keys = roundKeys(h, generation);
        const prefix = dir.path === '/' ? '/' : dir.path + '/';
        const out = [];
        for (let i = 0; i < dir.dirs + this.files; i++) {
            const name = encodeName(i, keys);
            const childHash = hash32(name, h);
            const entry = i < dir.dirs ? this.dirEntry(prefix + name, dir.depth + 1, childHash) : this.fileEntry(prefix + name, dir.depth + 1, childHash);
            out.push({ name, entry });
        }
        return out;
    }
    /** Copy file bytes at `offset` into `target`; returns how many (0 at or past the end). */
    read(entry, target, offset, length) {
        const n = Math.max(0, Math.min(length, target.length, entry.size - offset));
        if (n)
            fillContent(contentKey(this.seed, entry.path), target, offset, n);
        return n;
    }
    rootEntry() {
        return { kind: 'dir', path: '/', depth: 0, ino: 1, mtime: this.mtimeOf(this.seedHash), size: DIR_SIZE, dirs: this.dirsAt(0) };
    }
    dirEntry(path, depth, h) {
        return { kind: 'dir', path, depth, ino: inoOf(h), mtime: this.mtimeOf(h), size: DIR_SIZE, dirs: this.dirsAt(depth) };
    }
    fileEntry(path, depth, h) {
        const { min, max } = this.fileSize;
        // 53 bits from two hashes, so ranges up to terabytes stay uniform enough.
        const r = (mix(h, 0x5157) & 0x1fffff) * 2 ** 32 + mix(h, 0x512e);
        const size = min + (r % (max - min + 1));
        return { kind: 'file', path, depth, ino: inoOf(h), mtime: this.mtimeOf(h), size, dirs: 0 };
    }
    mtimeOf(h) {
        return EPOCH_MS - (mix(h, 0x7113) % YEAR_S) * 1000;
    }
    dirsAt(depth) {
        return depth < this.maxDepth ? this.fanout : 0;
    }
    pathHash(path) {
        let h = this.seedHash;
        if (path !== '/')
            for (const name of path.split('/').slice(1))
                h = hash32(name, h);
        return h;
    }
    /** The index `name` has in its directory, in `[0, limit)`, or -1. */
    indexOf(dirPath, h, name, limit) {
        const current = this.chaos ? (this.generations.get(dirPath) ?? 0) : 0;
        for (let g = current; g >= 0 && g > current - exports.CHAOS_WINDOW; g--) {
            const i = decodeName(name, roundKeys(h, g));
            if (i >= 0 && i < limit)
                return i;
        }
        return -1;
    }
}
exports.RandTree = RandTree;
function inoOf(h) {
    const ino = mix(h, 0x1a0) >>> 0;
    return ino < 2 ? ino + 2 : ino;
}
