import { createWriteStream, constants, promises as fsp, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type Fuse from 'fuse-native';
import { RandTree, type TreeOptions } from './randfs';
import { randfsOperations } from './ops';
import { DEFAULT_OP_TIMEOUT_MS, safeOperations, type FaultRecord } from './safe';
import { faultLab, type DeliveredCounts, type DeliveredRecord } from './faulty';
import { Schedule } from './schedule';
import type { Rule } from './rules';

export interface RandfsOptions extends TreeOptions {
  /**
   * Append one JSON line per failed operation and per fault, delay or corruption
   * delivered to this file; or a function receiving each record.
   */
  log?: string | ((record: FaultRecord | DeliveredRecord) => void);
  /** Fault, delay and corrupt rules (see rules.ts), applied in order. */
  rules?: Rule[];
  /** Seed of the fault schedule; defaults to the tree's seed. */
  faultSeed?: string;
  /** Corrupt rules cut reads short instead of changing bytes. */
  shortRead?: boolean;
  /** Answer EIO when an operation has not answered after this many ms. Default 5000. */
  opTimeoutMs?: number;
  /** Unmount when aborted. */
  signal?: AbortSignal;
}

/** Rejection of {@link createRandfs}: `message` is one line naming the mountpoint and the reason. */
export class MountError extends Error {}

/** A mounted randfs. */
export interface Randfs {
  readonly mountpoint: string;
  readonly tree: RandTree;
  /** Operations that failed (thrown, rejected, timed out) since mounting: bugs, not rules. */
  faults(): number;
  /** What the rules delivered since mounting, per `op effect` (`read EIO`, `read delay`). */
  delivered(): DeliveredCounts;
  /** Unmount and close the log; safe to call more than once. */
  unmount(): Promise<void>;
}

/** Whether `mountpoint` (absolute) is a mount point listed in /proc/mounts. */
export async function isMounted(mountpoint: string): Promise<boolean> {
  const text = await readFile('/proc/mounts', 'utf8');
  return text.split('\n').some((line) => unescapeMountField(line.split(' ')[1] ?? '') === mountpoint);
}

/** /proc/mounts escapes space, tab, newline and backslash as octal (`\040`). */
export function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/**
 * fuse-native loads its native binding (and libfuse.so.2) when required: load it only
 * when mounting, so `require('pipekit')` works on machines without FUSE.
 */
function loadFuse(mountpoint: string): typeof Fuse {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('fuse-native') as typeof Fuse;
  } catch (err) {
    const why = (err as Error).message.split('\n')[0];
    throw new MountError(`cannot mount ${mountpoint}: FUSE unavailable (install libfuse2 and fusermount): ${why}`, { cause: err });
  }
}

function unmountLazily(FuseClass: typeof Fuse, mountpoint: string): Promise<void> {
  return new Promise((done) => FuseClass.unmount(mountpoint, () => done()));
}

async function checkMountpoint(mountpoint: string): Promise<void> {
  let st;
  try {
    st = await fsp.stat(mountpoint);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // A stale mount from a crash: fuse-native's `force` clears it before mounting.
    if (code === 'ENOTCONN') return;
    if (code === 'ENOENT') throw new MountError(`cannot mount ${mountpoint}: no such directory`);
    if (code === 'EACCES') throw new MountError(`cannot mount ${mountpoint}: permission denied`);
    throw new MountError(`cannot mount ${mountpoint}: ${(err as Error).message}`);
  }
  if (!st.isDirectory()) throw new MountError(`cannot mount ${mountpoint}: not a directory`);
  // Before the access check: a mounted randfs answers W_OK with EROFS.
  if (await isMounted(mountpoint)) throw new MountError(`cannot mount ${mountpoint}: already a mount point`);
  try {
    // fusermount lets a user mount only where they may write; root may anywhere.
    await fsp.access(mountpoint, constants.W_OK | constants.X_OK);
  } catch {
    throw new MountError(`cannot mount ${mountpoint}: permission denied`);
  }
  // libfuse 2 refuses a non-empty directory after printing two lines of its own; say it once, here.
  if ((await fsp.readdir(mountpoint)).length) throw new MountError(`cannot mount ${mountpoint}: directory is not empty`);
}

/**
 * The kernel caches that would hide what `rules` do, turned off: a rule on read (or `*`)
 * needs direct_io (no page cache; each read(2) becomes FUSE reads of at most 128 KiB),
 * a rule on getattr (or `*`) zero entry and attribute timeouts (every stat and lookup
 * asks). Other operations always reach randfs. fuse-native's high-level binding sets
 * neither per file nor per entry, so they hold mount-wide, for every path.
 */
export function uncachedOptions(rules: readonly Rule[]): string[] {
  const covers = (op: string) => rules.some((r) => r.op === '*' || r.op === op);
  return [
    ...(covers('read') ? ['direct_io'] : []),
    ...(covers('getattr') ? ['entry_timeout=0', 'attr_timeout=0', 'negative_timeout=0'] : []),
  ];
}

async function openLog(path: string): Promise<WriteStream> {
  const stream = createWriteStream(path, { flags: 'a' });
  await new Promise<void>((ok, fail) => {
    stream.once('open', () => ok());
    stream.once('error', (err) => fail(new MountError(`cannot open log ${path}: ${err.message}`)));
  });
  return stream;
}

/**
 * Mount a randfs tree on `mountpoint` (an existing directory) and resolve once the
 * kernel is serving it; see {@link RandfsOptions}. Every operation goes through the
 * fault lab ({@link faultLab}: the `rules`, decided by a seeded {@link Schedule}) and
 * then {@link safeOperations}; a stale mount left by a crash is cleared first, and fusermount
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
export async function createRandfs(mountpoint: string, opts: RandfsOptions = {}): Promise<Randfs> {
  const mnt = resolve(mountpoint);
  const tree = new RandTree(opts);
  await checkMountpoint(mnt);
  const FuseClass = loadFuse(mnt);
  const log = typeof opts.log === 'string' ? await openLog(opts.log) : undefined;
  // A log that fails later (disk full) loses records but must not take the mount down.
  log?.on('error', () => {});
  let faults = 0;
  const record = (r: FaultRecord | DeliveredRecord) => {
    if (log) log.write(`${JSON.stringify(r)}\n`);
    else if (typeof opts.log === 'function') opts.log(r);
  };
  const onFault = (r: FaultRecord) => {
    faults++;
    record(r);
  };
  const rules = opts.rules ?? [];
  const lab = faultLab(randfsOperations(tree), {
    schedule: new Schedule(rules, opts.faultSeed ?? tree.seed),
    shortRead: opts.shortRead,
    onDelivered: record,
  });
  const timeoutMs = opts.opTimeoutMs ?? DEFAULT_OP_TIMEOUT_MS;
  const uncached = uncachedOptions(rules);
  const fuse = new FuseClass(mnt, safeOperations(lab.ops, { onFault, timeoutMs }), {
    force: true,
    autoUnmount: true,
    // fuse-native has no option for use_ino (nor for zero timeouts: it drops falsy
    // values); its options become one comma-separated `-o` string, so they ride along
    // here. Without use_ino the kernel numbers inodes in lookup order and two mounts of
    // one seed would disagree.
    fsname: ['randfs', 'use_ino', ...uncached].join(','),
    subtype: 'randfs',
    // A file's bytes are a pure function of its path and never change, so the page
    // cache may keep them across opens (measured: a second 1 GiB read 2.1 s -> 0.46 s).
    // Not while rules are active: a cached page or attribute would hide a fault.
    kernelCache: !uncached.includes('direct_io'),
    // Our wrapper answers first; this is the backstop if the wrapper itself is stuck.
    timeout: timeoutMs + 5000,
  });
  const closeLog = () =>
    log ? new Promise<void>((done) => log.end(() => done())) : Promise.resolve();
  try {
    await new Promise<void>((ok, fail) => fuse.mount((err) => (err ? fail(err) : ok())));
  } catch (err) {
    if (await isMounted(mnt)) await unmountLazily(FuseClass, mnt);
    await closeLog();
    throw new MountError(`cannot mount ${mnt}: ${(err as Error).message}`, { cause: err });
  }
  let unmounting: Promise<void> | undefined;
  const unmount = () =>
    (unmounting ??= (async () => {
      opts.signal?.removeEventListener('abort', onAbort);
      await new Promise<void>((done, fail) => fuse.unmount((err) => (err ? fail(err) : done())));
      await closeLog();
    })());
  const onAbort = () => void unmount().catch(() => {});
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  return { mountpoint: mnt, tree, faults: () => faults, delivered: () => lab.counts, unmount };
}
