"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MountError = void 0;
exports.isMounted = isMounted;
exports.unescapeMountField = unescapeMountField;
exports.createRandfs = createRandfs;
const node_fs_1 = require("node:fs");
const promises_1 = require("node:fs/promises");
const node_path_1 = require("node:path");
const randfs_1 = require("./randfs");
const ops_1 = require("./ops");
const safe_1 = require("./safe");
/** Rejection of {@link createRandfs}: `message` is one line naming the mountpoint and the reason. */
class MountError extends Error {
}
exports.MountError = MountError;
/** Whether `mountpoint` (absolute) is a mount point listed in /proc/mounts. */
async function isMounted(mountpoint) {
    const text = await (0, promises_1.readFile)('/proc/mounts', 'utf8');
    return text.split('\n').some((line) => unescapeMountField(line.split(' ')[1] ?? '') === mountpoint);
}
/** /proc/mounts escapes space, tab, newline and backslash as octal (`\040`). */
function unescapeMountField(field) {
    return field.replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)));
}
/**
 * fuse-native loads its native binding (and libfuse.so.2) when required: load it only
 * when mounting, so `require('pipekit')` works on machines without FUSE.
 */
function loadFuse(mountpoint) {
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return require('fuse-native');
    }
    catch (err) {
        const why = err.message.split('\n')[0];
        throw new MountError(`cannot mount ${mountpoint}: FUSE unavailable (install libfuse2 and fusermount): ${why}`, { cause: err });
    }
}
function unmountLazily(FuseClass, mountpoint) {
    return new Promise((done) => FuseClass.unmount(mountpoint, () => done()));
}
async function checkMountpoint(mountpoint) {
    let st;
    try {
        st = await node_fs_1.promises.stat(mountpoint);
    }
    catch (err) {
        const code = err.code;
        // A stale mount from a crash: fuse-native's `force` clears it before mounting.
        if (code === 'ENOTCONN')
            return;
        if (code === 'ENOENT')
            throw new MountError(`cannot mount ${mountpoint}: no such directory`);
        if (code === 'EACCES')
            throw new MountError(`cannot mount ${mountpoint}: permission denied`);
        throw new MountError(`cannot mount ${mountpoint}: ${err.message}`);
    }
    if (!st.isDirectory())
        throw new MountError(`cannot mount ${mountpoint}: not a directory`);
    // Before the access check: a mounted randfs answers W_OK with EROFS.
    if (await isMounted(mountpoint))
        throw new MountError(`cannot mount ${mountpoint}: already a mount point`);
    try {
        // fusermount lets a user mount only where they may write; root may anywhere.
        await node_fs_1.promises.access(mountpoint, node_fs_1.constants.W_OK | node_fs_1.constants.X_OK);
    }
    catch {
        throw new MountError(`cannot mount ${mountpoint}: permission denied`);
    }
    // libfuse 2 refuses a non-empty directory after printing two lines of its own; say it once, here.
    if ((await node_fs_1.promises.readdir(mountpoint)).length)
        throw new MountError(`cannot mount ${mountpoint}: directory is not empty`);
}
async function openLog(path) {
    const stream = (0, node_fs_1.createWriteStream)(path, { flags: 'a' });
    await new Promise((ok, fail) => {
        stream.once('open', () => ok());
        stream.once('error', (err) => fail(new MountError(`cannot open log ${path}: ${err.message}`)));
    });
    return stream;
}
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
async function createRandfs(mountpoint, opts = {}) {
    const mnt = (0, node_path_1.resolve)(mountpoint);
    const tree = new randfs_1.RandTree(opts);
    await checkMountpoint(mnt);
    const FuseClass = loadFuse(mnt);
    const log = typeof opts.log === 'string' ? await openLog(opts.log) : undefined;
    // A log that fails later (disk full) loses records but must not take the mount down.
    log?.on('error', () => { });
    let faults = 0;
    const onFault = (record) => {
        faults++;
        if (log)
            log.write(`${JSON.stringify(record)}\n`);
        else if (typeof opts.log === 'function')
            opts.log(record);
    };
    const faulty = (0, safe_1.injectFaults)((0, ops_1.randfsOperations)(tree), opts.injectErrors ?? 0);
    const timeoutMs = opts.opTimeoutMs ?? safe_1.DEFAULT_OP_TIMEOUT_MS;
    const fuse = new FuseClass(mnt, (0, safe_1.safeOperations)(faulty.ops, { onFault, timeoutMs }), {
        force: true,
        autoUnmount: true,
        // fuse-native has no option for use_ino; its options become one comma-separated
        // `-o` string, so it rides along here. Without it the kernel numbers inodes in
        // lookup order and two mounts of one seed would disagree.
        fsname: 'randfs,use_ino',
        subtype: 'randfs',
        // A file's bytes are a pure function of its path and never change, so the page
        // cache may keep them across opens (measured: a second 1 GiB read 2.1 s -> 0.46 s).
        kernelCache: true,
        // Our wrapper answers first; this is the backstop if the wrapper itself is stuck.
        timeout: timeoutMs + 5000,
    });
    const closeLog = () => log ? new Promise((done) => log.end(() => done())) : Promise.resolve();
    try {
        await new Promise((ok, fail) => fuse.mount((err) => (err ? fail(err) : ok())));
    }
    catch (err) {
        if (await isMounted(mnt))
            await unmountLazily(FuseClass, mnt);
        await closeLog();
        throw new MountError(`cannot mount ${mnt}: ${err.message}`, { cause: err });
    }
    let unmounting;
    const unmount = () => (unmounting ??= (async () => {
        opts.signal?.removeEventListener('abort', onAbort);
        await new Promise((done, fail) => fuse.unmount((err) => (err ? fail(err) : done())));
        await closeLog();
    })());
    const onAbort = () => void unmount().catch(() => { });
    if (opts.signal?.aborted)
        onAbort();
    else
        opts.signal?.addEventListener('abort', onAbort, { once: true });
    return { mountpoint: mnt, tree, faults: () => faults, injected: faulty.injected, unmount };
}
