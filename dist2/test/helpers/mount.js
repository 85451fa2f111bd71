"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.POLL_MS = void 0;
exports.waitFor = waitFor;
exports.mountPoints = mountPoints;
exports.isMounted = isMounted;
exports.serves = serves;
exports.tempDir = tempDir;
exports.spawnRandfs = spawnRandfs;
exports.startRandfs = startRandfs;
exports.cleanup = cleanup;
const node_child_process_1 = require("node:child_process");
const promises_1 = require("node:fs/promises");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const run_1 = require("./run");
/**
 * Start randfs as a child process, the way a shell does, and know when it serves.
 * The test process never touches a mount itself: everything that reads it is a child
 * (ls, find, stat, ...), so a stuck mount fails a test instead of hanging the runner.
 */
exports.POLL_MS = 25;
/** Poll `check` until it is true; reject naming `what` after `timeoutMs`. */
async function waitFor(check, timeoutMs, what) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        if (await check())
            return;
        if (Date.now() > deadline)
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, exports.POLL_MS));
    }
}
/** /proc/mounts escapes space, tab, newline and backslash as octal (`\040`). */
function unescape(field) {
    return field.replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)));
}
/** Mount points listed in /proc/mounts (read asynchronously; it is not the mount). */
async function mountPoints() {
    const text = await (0, promises_1.readFile)('/proc/mounts', 'utf8');
    return text
        .split('\n')
        .filter(Boolean)
        .map((line) => unescape(line.split(' ')[1]));
}
async function isMounted(dir) {
    return (await mountPoints()).includes(dir);
}
/**
 * Whether a live randfs answers at `dir`: a child sees its root (inode 1) and can list
 * it. The listing matters: the kernel answers `stat` from its attribute cache for up to
 * a second after the daemon died, but opening a directory always asks the daemon.
 */
async function serves(dir) {
    const r = await (0, run_1.runCommand)('sh', ['-c', 'stat -c %i "$1" && ls -fa "$1" > /dev/null', 'sh', dir], { timeout: 10_000 });
    return r.code === 0 && r.stdout.toString().trim() === '1';
}
const started = new Set();
const dirs = new Set();
/** A fresh directory under the system temp dir, removed by {@link cleanup}. */
async function tempDir(prefix = 'randfs-test-') {
    const dir = await (0, promises_1.mkdtemp)((0, node_path_1.join)((0, node_os_1.tmpdir)(), prefix));
    // Readable by others, so a test may run randfs as an unprivileged user.
    await (0, promises_1.chmod)(dir, 0o755);
    dirs.add(dir);
    return dir;
}
/** Spawn `randfs ARGS... MOUNTPOINT` without waiting for the mount. */
function spawnRandfs(mountpoint, args = [], opts = {}) {
    const child = (0, node_child_process_1.spawn)(process.execPath, [(0, run_1.filterPath)('randfs'), ...args, mountpoint], {
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: opts.detached,
    });
    let err = '';
    child.stderr.on('data', (c) => (err += c.toString()));
    child.stdout.resume();
    const exited = new Promise((resolve) => {
        child.on('close', (code, signal) => resolve({ code, signal, stderr: err }));
    });
    const proc = {
        mountpoint,
        child,
        stderr: () => err,
        exited,
        async stop(signal = 'SIGTERM', timeoutMs = 10_000) {
            if (child.exitCode === null && child.signalCode === null)
                child.kill(signal);
            const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
            const exit = await exited;
            clearTimeout(timer);
            return exit;
        },
    };
    started.add(proc);
    void exited.then(() => started.delete(proc));
    return proc;
}
/** Start randfs and resolve once it serves `mountpoint`; reject with its stderr if it exits first. */
async function startRandfs(mountpoint, args = [], opts = {}) {
    const proc = spawnRandfs(mountpoint, args, opts);
    let exit;
    void proc.exited.then((e) => (exit = e));
    // Twice in a row: right after a stale mount is replaced the kernel can answer one
    // probe from the old mount's caches and the next from the underlying directory.
    let streak = 0;
    const ready = async () => {
        streak = (await isMounted(mountpoint)) && (await serves(mountpoint)) ? streak + 1 : 0;
        return streak >= 2;
    };
    await waitFor(async () => exit !== undefined || (await ready()), 15_000, `randfs to serve ${mountpoint}`).catch(async (err) => {
        await proc.stop('SIGKILL');
        throw err;
    });
    if (exit)
        throw new Error(`randfs exited (${exit.code ?? exit.signal}) before serving: ${exit.stderr.trim()}`);
    return proc;
}
/**
 * For after(): kill every randfs still running, lazily unmount whatever is left, remove
 * the temp dirs, and report (by throwing) anything that had to be cleaned up by force.
 */
async function cleanup() {
    const problems = [];
    for (const proc of [...started]) {
        problems.push(`randfs on ${proc.mountpoint} still running`);
        await proc.stop('SIGKILL');
    }
    for (const dir of dirs) {
        for (const mnt of await mountPoints()) {
            if (mnt === dir || mnt.startsWith(dir + '/')) {
                problems.push(`${mnt} still mounted`);
                await (0, run_1.runCommand)('fusermount', ['-uz', mnt], { timeout: 10_000 });
            }
        }
    }
    for (const dir of dirs) {
        if ((await mountPoints()).some((m) => m.startsWith(dir)))
            problems.push(`${dir}: mount could not be removed`);
        else
            await (0, promises_1.rm)(dir, { recursive: true, force: true });
    }
    dirs.clear();
    if (problems.length)
        throw new Error(`left behind: ${problems.join('; ')}`);
}
