import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filterPath, runCommand } from './run';
import { waitFor } from './wait';

/**
 * Start randfs as a child process, the way a shell does, and know when it serves.
 * The test process never touches a mount itself: everything that reads it is a child
 * (ls, find, stat, ...), so a stuck mount fails a test instead of hanging the runner.
 */

/** /proc/mounts escapes space, tab, newline and backslash as octal (`\040`). */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Mount points listed in /proc/mounts (read asynchronously; it is not the mount). */
export async function mountPoints(): Promise<string[]> {
  const text = await readFile('/proc/mounts', 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => unescape(line.split(' ')[1]));
}

export async function isMounted(dir: string): Promise<boolean> {
  return (await mountPoints()).includes(dir);
}

/**
 * Whether a live randfs answers at `dir`: a child sees its root (inode 1) and can list
 * it. The listing matters: the kernel answers `stat` from its attribute cache for up to
 * a second after the daemon died, but opening a directory always asks the daemon.
 */
export async function serves(dir: string): Promise<boolean> {
  const r = await runCommand('sh', ['-c', 'stat -c %i "$1" && ls -fa "$1" > /dev/null', 'sh', dir], { timeout: 10_000 });
  return r.code === 0 && r.stdout.toString().trim() === '1';
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

export interface RandfsProcess {
  mountpoint: string;
  child: ChildProcess;
  /** stderr so far. */
  stderr(): string;
  /** Settles when the process has exited. */
  exited: Promise<Exit>;
  /** Send `signal` and wait for the exit (SIGKILL after `timeoutMs`). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<Exit>;
}

const started = new Set<RandfsProcess>();
const dirs = new Set<string>();

/** A fresh directory under the system temp dir, removed by {@link cleanup}. */
export async function tempDir(prefix = 'randfs-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  // Readable by others, so a test may run randfs as an unprivileged user.
  await chmod(dir, 0o755);
  dirs.add(dir);
  return dir;
}

/** Spawn `randfs ARGS... MOUNTPOINT` without waiting for the mount. */
export function spawnRandfs(mountpoint: string, args: string[] = [], opts: { detached?: boolean } = {}): RandfsProcess {
  const child = spawn(process.execPath, [filterPath('randfs'), ...args, mountpoint], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.detached,
  });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  child.stdout!.resume();
  const exited = new Promise<Exit>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stderr: err }));
  });
  const proc: RandfsProcess = {
    mountpoint,
    child,
    stderr: () => err,
    exited,
    async stop(signal = 'SIGTERM', timeoutMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
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
export async function startRandfs(mountpoint: string, args: string[] = [], opts: { detached?: boolean } = {}): Promise<RandfsProcess> {
  const proc = spawnRandfs(mountpoint, args, opts);
  let exit: Exit | undefined;
  void proc.exited.then((e) => (exit = e));
  // Twice in a row: right after a stale mount is replaced the kernel can answer one
  // probe from the old mount's caches and the next from the underlying directory.
  let streak = 0;
  const ready = async () => {
    streak = (await isMounted(mountpoint)) && (await serves(mountpoint)) ? streak + 1 : 0;
    return streak >= 2;
  };
  await waitFor(async () => exit !== undefined || (await ready()), 15_000, `randfs to serve ${mountpoint}`).catch(
    async (err: Error) => {
      await proc.stop('SIGKILL');
      throw err;
    },
  );
  if (exit) throw new Error(`randfs exited (${exit.code ?? exit.signal}) before serving: ${exit.stderr.trim()}`);
  return proc;
}

/**
 * For after(): kill every randfs still running, lazily unmount whatever is left, remove
 * the temp dirs, and report (by throwing) anything that had to be cleaned up by force.
 */
export async function cleanup(): Promise<void> {
  const problems: string[] = [];
  for (const proc of [...started]) {
    problems.push(`randfs on ${proc.mountpoint} still running`);
    await proc.stop('SIGKILL');
  }
  for (const dir of dirs) {
    for (const mnt of await mountPoints()) {
      if (mnt === dir || mnt.startsWith(dir + '/')) {
        problems.push(`${mnt} still mounted`);
        await runCommand('fusermount', ['-uz', mnt], { timeout: 10_000 });
      }
    }
  }
  for (const dir of dirs) {
    if ((await mountPoints()).some((m) => m.startsWith(dir))) problems.push(`${dir}: mount could not be removed`);
    else await rm(dir, { recursive: true, force: true });
  }
  dirs.clear();
  if (problems.length) throw new Error(`left behind: ${problems.join('; ')}`);
}
