"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.statOf = statOf;
exports.randfsOperations = randfsOperations;
const safe_1 = require("./safe");
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const W_OK = 2;
const O_ACCMODE = 3;
const O_RDONLY = 0;
const O_TRUNC = 0o1000;
const BLOCK = 512;
/** The stat the kernel sees for an entry: read-only modes, owned by the mounting user. */
function statOf(entry, uid, gid) {
    const dir = entry.kind === 'dir';
    return {
        mode: dir ? S_IFDIR | 0o555 : S_IFREG | 0o444,
        uid,
        gid,
        size: entry.size,
        nlink: dir ? 2 + entry.dirs : 1,
        ino: entry.ino,
        blksize: 4096,
        blocks: Math.ceil(entry.size / BLOCK),
        atime: entry.mtime,
        mtime: entry.mtime,
        ctime: entry.mtime,
    };
}
function parentOf(path) {
    const i = path.lastIndexOf('/');
    return i <= 0 ? '/' : path.slice(0, i);
}
/**
 * The fuse-native handlers serving a {@link RandTree}: getattr, readdir, open, read,
 * release, statfs, access; every operation that would change the tree answers EROFS.
 * Plain callbacks, no state: file handles are not needed because a read recomputes
 * its bytes from the path.
 */
function randfsOperations(tree, uid = process.getuid?.() ?? 0, gid = process.getgid?.() ?? 0) {
    const rofs = (...args) => args[args.length - 1](safe_1.EROFS);
    return {
        init: (cb) => cb(0),
        getattr(path, cb) {
            const entry = tree.lookup(path);
            if (!entry)
                return cb(safe_1.ENOENT);
            cb(0, statOf(entry, uid, gid));
        },
        access(path, mode, cb) {
            if (!tree.lookup(path))
                return cb(safe_1.ENOENT);
            cb(mode & W_OK ? safe_1.EROFS : 0);
        },
        readdir(path, cb) {
            const dir = tree.lookup(path);
            if (!dir)
                return cb(safe_1.ENOENT);
            const listing = tree.list(path);
            if (!listing)
                return cb(safe_1.ENOTDIR);
            // fuse-native does not add `.` and `..` by itself.
            const parent = tree.lookup(parentOf(path)) ?? dir;
            const names = ['.', '..', ...listing.map((l) => l.name)];
            const stats = [dir, parent, ...listing.map((l) => l.entry)].map((e) => statOf(e, uid, gid));
            cb(0, names, stats);
        },
        open(path, flags, cb) {
            const entry = tree.lookup(path);
            if (!entry)
                return cb(safe_1.ENOENT);
            if (entry.kind === 'dir')
                return cb(safe_1.EISDIR);
            if ((flags & O_ACCMODE) !== O_RDONLY || flags & O_TRUNC)
                return cb(safe_1.EROFS);
            cb(0, 0);
        },
        read(path, _fd, buf, len, offset, cb) {
            const entry = tree.lookup(path);
            if (!entry)
                return cb(safe_1.ENOENT);
            if (entry.kind === 'dir')
                return cb(safe_1.EISDIR);
            cb(tree.read(entry, buf, offset, len));
        },
        release: (_path, _fd, cb) => cb(0),
        statfs(_path, cb) {
            // An endless tree has no honest totals: report a large full filesystem.
            cb(0, { bsize: 4096, frsize: 4096, blocks: 2 ** 32 - 1, bfree: 0, bavail: 0, files: 2 ** 32 - 1, ffree: 0, favail: 0, namemax: 255 });
        },
        write: (_p, _fd, _buf, _len, _off, cb) => cb(safe_1.EROFS),
        create: rofs,
        truncate: rofs,
        ftruncate: rofs,
        utimens: rofs,
        chown: rofs,
        chmod: rofs,
        mknod: rofs,
        setxattr: rofs,
        removexattr: rofs,
        unlink: rofs,
        rename: rofs,
        link: rofs,
        symlink: rofs,
        mkdir: rofs,
        rmdir: rofs,
    };
}
