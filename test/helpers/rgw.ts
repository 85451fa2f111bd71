/**
 * A throwaway single-node Ceph RADOS Gateway on loopback, for the S3 test matrix and the
 * benchmarks: one mon (msgr2 only), one OSD on memstore (objects in RAM, capped), auth none,
 * no mgr, radosgw's beast frontend on 127.0.0.1, a user with random keys. Everything
 * (config, mon store, OSD store, logs, pid files, admin sockets) lives in one temp dir;
 * every port is chosen here, so instances never collide with each other or a system Ceph.
 *
 * Bring-up takes about 2 s (the paxos propose interval is shortened from 1 s, which
 * otherwise costs a second per OSD-map change: ~12 s). A failure at any step — a daemon
 * exiting, a command failing, the deadline passing — kills what was started and throws an
 * error carrying the tail of every log. The daemons run in the foreground as our children
 * with a parent-death signal (setpriv), are SIGKILLed on process 'exit', and stop() ends
 * them in dependency order (radosgw, OSD, mon) with SIGTERM, then SIGKILL after a bound.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateBucketCommand, DeleteBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3TestServer } from './s3';

export interface RgwOptions {
  /** Whole bring-up deadline in ms (default 90 s, or PIPEKIT_RGW_TIMEOUT). */
  timeoutMs?: number;
  /** memstore capacity in bytes (default 512 MiB): objects live in the OSD's RAM. */
  memstoreBytes?: number;
  /** Keep the temp dir (logs, config) after stop() or a failed start; also PIPEKIT_KEEP_RGW=1. */
  keepDir?: boolean;
  /** Fixed ports instead of free ones chosen at random (no retry if one is taken). */
  ports?: RgwServer['ports'];
}

export interface RgwServer extends S3TestServer {
  kind: 'rgw';
  /** The temp dir holding ceph.conf, the stores and log/. */
  dir: string;
  /** Ports in use: mon (msgr2), radosgw (HTTP), and the OSD's bind range. */
  ports: { mon: number; rgw: number; osdMin: number; osdMax: number };
  /** A second storage class of the default placement, beside STANDARD (same data pool). */
  storageClass: 'COLD';
  /** The key id of the `testing` KMS backend's one key, for `--sse aws:kms --sse-kms-key-id`. */
  kmsKeyId: string;
  /** Milliseconds from startRgw() to a server that has created and deleted a bucket. */
  startupMs: number;
  /** Milliseconds spent in each bring-up step. */
  timings: Record<string, number>;
  /** Pids of the running daemons. */
  pids(): { mon?: number; osd?: number; rgw?: number };
  /** Resident memory of each daemon in KiB (from /proc), and the total. */
  rss(): Promise<{ mon: number; osd: number; rgw: number; total: number }>;
  /** The last `lines` lines of every log in the temp dir, headed by file name. */
  logs(lines?: number): Promise<string>;
}

type DaemonName = 'mon' | 'osd' | 'rgw';

/** Every live daemon of every instance, killed when the test process exits however it exits. */
const live = new Set<ChildProcess>();
const dirsToRemove = new Set<string>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
    for (const dir of dirsToRemove) rmSync(dir, { recursive: true, force: true });
  });
}

const SETPRIV = '/usr/bin/setpriv';
const DIR_PREFIX = 'pipekit-rgw-';
const PORT_LOW = 20000; // below the kernel's ephemeral range (32768-60999): no clash with outgoing sockets
const PORT_HIGH = 32700;
const STORAGE_CLASS = 'COLD';
const KMS_KEY_ID = 'pipekit-test-key';
const OSD_PORTS = 16; // an OSD binds 4 with msgr1 off; room for a neighbour racing for the same range

/** Start a fresh RGW; resolves once it serves S3 (a probe bucket was created and deleted). */
export async function startRgw(opts: RgwOptions = {}): Promise<RgwServer> {
  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? Number(process.env.PIPEKIT_RGW_TIMEOUT ?? 90_000);
  try {
    return await startOnce(opts, started, timeoutMs);
  } catch (err) {
    // A port we checked was free was taken before the daemon bound it: choose again, once.
    if (opts.ports || !(err instanceof BindError) || Date.now() - started > timeoutMs / 2) throw err;
    return startOnce(opts, Date.now(), timeoutMs);
  }
}

class BindError extends Error {}

async function startOnce(opts: RgwOptions, started: number, timeoutMs: number): Promise<RgwServer> {
  const deadline = started + timeoutMs;
  const keepDir = opts.keepDir ?? process.env.PIPEKIT_KEEP_RGW === '1';
  installExitHook();
  await sweepStaleDirs();

  const dir = await mkdtemp(join(tmpdir(), DIR_PREFIX));
  dirsToRemove.add(dir);
  await writeFile(join(dir, 'owner.pid'), `${process.pid}\n`);
  for (const sub of ['mon', 'osd', 'rgw', 'run', 'log']) await mkdir(join(dir, sub));
  const conf = join(dir, 'ceph.conf');
  const accessKeyId = `PK${randomBytes(9).toString('hex').toUpperCase()}`;
  const secretAccessKey = randomBytes(24).toString('base64url');

  const daemons = new Map<DaemonName, ChildProcess>();
  let stopping = false;
  let ready = false;
  const abandon = new AbortController(); // ends the polling loops of a failed start
  let died: ((err: Error) => void) | undefined;
  const diedPromise = new Promise<never>((_, reject) => (died = reject));
  diedPromise.catch(() => {});

  const launch = async (name: DaemonName, cmd: string, args: string[]): Promise<void> => {
    const out = await open(join(dir, 'log', `${name}.out`), 'a');
    const [file, argv] = withDeathSignal(cmd, args);
    const child = spawn(file, argv, { stdio: ['ignore', out.fd, out.fd], cwd: dir });
    await out.close();
    live.add(child);
    daemons.set(name, child);
    child.once('error', (err) => died!(new Error(`${name}: cannot run ${cmd}: ${err.message}`)));
    child.once('exit', (code, signal) => {
      live.delete(child);
      if (stopping) return;
      const how = signal ?? `status ${code}`;
      died!(new Error(`${name} (${cmd}) exited during bring-up: ${how}`));
      if (ready) {
        // tests will fail with connection errors: say why, with the logs, while they exist
        void tailLogs(dir, 20).then((tails) =>
          process.stderr.write(`rgw helper: ${name} (${cmd}, pid ${child.pid}) exited unexpectedly: ${how}\n${tails}\n`),
        );
      }
    });
  };

  /** Run a short-lived Ceph tool, bounded by the deadline; its output goes to log/NAME.out too. */
  const tools = new Set<ChildProcess>();
  const tool = async (name: string, cmd: string, args: string[]): Promise<string> => {
    const timeout = Math.max(1000, deadline - Date.now());
    const [file, argv] = withDeathSignal(cmd, args);
    let child: ChildProcess | undefined;
    const { stdout, stderr, error } = await new Promise<{ stdout: string; stderr: string; error: Error | null }>((resolve) => {
      child = execFile(file, argv, { cwd: dir, timeout, killSignal: 'SIGKILL', maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
        resolve({ stdout: String(stdout), stderr: String(stderr), error }),
      );
      tools.add(child);
      live.add(child);
    });
    tools.delete(child!);
    live.delete(child!);
    // the logs may be printed: never the secret key
    const redact = (text: string) => text.split(secretAccessKey).join('***');
    await writeFile(join(dir, 'log', `${name}.out`), redact(`$ ${cmd} ${args.join(' ')}\n${stdout}${stderr}`), { flag: 'a' });
    if (error) {
      const why = (error as { killed?: boolean }).killed ? `killed after ${timeout} ms` : error.message.split('\n')[0];
      throw new Error(`${name}: ${cmd} failed (${why})\n${redact(stderr.trim())}`);
    }
    return stdout;
  };

  let step = 'choosing ports';
  const timings: Record<string, number> = {};
  let stepStarted = started;
  const next = (label: string) => {
    timings[step] = Date.now() - stepStarted;
    stepStarted = Date.now();
    step = label;
  };
  const withDeadline = <T>(p: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), Math.max(0, deadline - Date.now()));
    });
    return Promise.race([p, diedPromise, expired]).finally(() => clearTimeout(timer));
  };

  const stopDaemons = async (): Promise<void> => {
    stopping = true;
    await Promise.all([...tools].map((child) => terminate(child, 0)));
    // One at a time, in dependency order: radosgw's shutdown needs the OSD and the mon
    // (without them it hangs until its 120 s alarm), the OSD tells the mon it is going
    // (or waits `osd mon shutdown timeout`). In order, the whole stop takes ~0.3 s.
    await terminate(daemons.get('rgw'));
    await terminate(daemons.get('osd'));
    await terminate(daemons.get('mon'));
  };

  const logs = (lines = 40) => tailLogs(dir, lines);

  let ports: RgwServer['ports'];
  let client: S3Client | undefined;
  try {
    ports = opts.ports ? { ...opts.ports } : await withDeadline(choosePorts());
    const endpoint = `http://127.0.0.1:${ports.rgw}`;
    const fsid = randomUUID();
    await writeFile(conf, cephConf({ dir, fsid, ports, memstoreBytes: opts.memstoreBytes ?? 512 * 2 ** 20 }));

    next('creating the monitor');
    await withDeadline(tool('monmaptool', 'monmaptool', ['-c', conf, '--create', '--fsid', fsid, '--addv', 'a', `[v2:127.0.0.1:${ports.mon}]`, join(dir, 'monmap')]));
    await withDeadline(tool('ceph-mon-mkfs', 'ceph-mon', ['-c', conf, '-i', 'a', '--mkfs', '--monmap', join(dir, 'monmap')]));
    next('starting ceph-mon');
    await launch('mon', 'ceph-mon', ['-f', '-c', conf, '-i', 'a']);

    next('registering the OSD (ceph osd new)');
    const uuid = randomUUID();
    const connectTimeout = String(Math.max(1, Math.floor((deadline - Date.now()) / 1000)));
    const id = (await withDeadline(tool('ceph', 'ceph', ['-c', conf, '--connect-timeout', connectTimeout, 'osd', 'new', uuid]))).trim();
    if (id !== '0') throw new Error(`ceph osd new returned ${JSON.stringify(id)}, expected 0`);
    next('creating the OSD (memstore)');
    await withDeadline(tool('ceph-osd-mkfs', 'ceph-osd', ['-c', conf, '-i', '0', '--mkfs', '--osd-uuid', uuid]));
    next('starting ceph-osd');
    await launch('osd', 'ceph-osd', ['-f', '-c', conf, '-i', '0']);

    next('creating the S3 user (radosgw-admin; creates the rgw pools once the OSD is up)');
    await withDeadline(
      tool('radosgw-admin', 'radosgw-admin', [
        '-c', conf, '-n', 'client.rgw', '--log-file', join(dir, 'log', 'radosgw-admin.log'),
        'user', 'create', '--uid', 'pipekit', '--display-name', 'pipekit tests',
        '--access-key', accessKeyId, '--secret', secretAccessKey,
      ]),
    );
    next('adding the COLD storage class to the default placement');
    const admin = ['-c', conf, '-n', 'client.rgw', '--log-file', join(dir, 'log', 'radosgw-admin.log')];
    const placement = ['--placement-id', 'default-placement', '--storage-class', STORAGE_CLASS];
    await withDeadline(tool('radosgw-admin', 'radosgw-admin', [...admin, 'zonegroup', 'placement', 'add', '--rgw-zonegroup', 'default', ...placement]));
    await withDeadline(
      tool('radosgw-admin', 'radosgw-admin', [...admin, 'zone', 'placement', 'add', '--rgw-zone', 'default', ...placement, '--data-pool', 'default.rgw.buckets.data']),
    );
    next('starting radosgw');
    await launch('rgw', 'radosgw', ['-f', '-c', conf, '-n', 'client.rgw']);

    next(`waiting for radosgw to accept connections on 127.0.0.1:${ports.rgw}`);
    await withDeadline(pollUntil(() => tcpAnswers(ports.rgw), 50, abandon.signal));
    next('waiting for radosgw to create a bucket (the first one creates the data pools)');
    client = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 1,
    });
    const probe = `rgw-ready-${randomBytes(4).toString('hex')}`;
    let lastError = '';
    await withDeadline(
      pollUntil(async () => {
        try {
          await client!.send(new CreateBucketCommand({ Bucket: probe }), { abortSignal: AbortSignal.timeout(10_000) });
          return true;
        } catch (err) {
          const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
          if (e.name === 'BucketAlreadyOwnedByYou') return true;
          lastError = `${e.name} (${e.$metadata?.httpStatusCode ?? 'no status'})`;
          return false;
        }
      }, 200, abandon.signal).catch((err: Error) => {
        throw new Error(`${err.message}${lastError ? `; last CreateBucket error: ${lastError}` : ''}`);
      }),
    );
    next('deleting the probe bucket');
    await withDeadline(client.send(new DeleteBucketCommand({ Bucket: probe })));
    client.destroy();
    next('ready');
    ready = true;

    let stopped: Promise<void> | undefined;
    const server: RgwServer = {
      kind: 'rgw',
      endpoint,
      storageClass: STORAGE_CLASS,
      kmsKeyId: KMS_KEY_ID,
      accessKeyId,
      secretAccessKey,
      dir,
      ports,
      startupMs: Date.now() - started,
      timings,
      pids: () => ({ mon: daemons.get('mon')?.pid, osd: daemons.get('osd')?.pid, rgw: daemons.get('rgw')?.pid }),
      rss: async () => {
        const [mon, osd, rgw] = await Promise.all((['mon', 'osd', 'rgw'] as const).map((n) => rssKiB(daemons.get(n)?.pid)));
        return { mon, osd, rgw, total: mon + osd + rgw };
      },
      logs,
      stop: () =>
        (stopped ??= (async () => {
          await stopDaemons();
          if (!keepDir) await rm(dir, { recursive: true, force: true });
          dirsToRemove.delete(dir);
        })()),
    };
    return server;
  } catch (err) {
    abandon.abort();
    client?.destroy();
    const tails = await logs(40).catch(() => '(no logs)');
    await stopDaemons();
    if (!keepDir) {
      await rm(dir, { recursive: true, force: true });
      dirsToRemove.delete(dir);
    }
    const where = keepDir ? `logs kept in ${dir}` : `set PIPEKIT_KEEP_RGW=1 to keep ${dir}`;
    const Failure = /Address already in use|unable to bind/.test(tails) ? BindError : Error;
    throw new Failure(
      `Ceph RGW did not start (${step}) after ${Date.now() - started} ms: ${(err as Error).message}\n` +
        `(${where})\n${tails}`,
    );
  }
}

function cephConf(o: { dir: string; fsid: string; ports: RgwServer['ports']; memstoreBytes: number }): string {
  const { dir, fsid, ports } = o;
  return `# Throwaway single-node cluster written by test/helpers/rgw.ts
[global]
fsid = ${fsid}
mon host = v2:127.0.0.1:${ports.mon}
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr1 = false
ms bind msgr2 = true
ms bind ipv6 = false
ms bind port min = ${ports.osdMin}
ms bind port max = ${ports.osdMax}
# one attempt on a taken port (default: 3, 5 s apart; 0 means never even try); startRgw chooses again
ms bind retry count = 1
auth cluster required = none
auth service required = none
auth client required = none
keyring = /dev/null
run dir = ${dir}/run
pid file = ${dir}/run/$name.pid
log file = ${dir}/log/$name.log
mon data = ${dir}/mon
osd data = ${dir}/osd
mon cluster log to file = false
mon data avail warn = 0
mon data avail crit = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
# one second per OSD-map change otherwise: bring-up 12 s instead of 2 s
paxos propose interval = 0.05
paxos min wait = 0.01
osd objectstore = memstore
memstore device bytes = ${o.memstoreBytes}
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
osd mon shutdown timeout = 1

[client]
# without this radosgw waits 300 s on "failed to fetch mon config" under auth none
ms mon client mode = crc

[client.rgw]
rgw data = ${dir}/rgw
rgw frontends = beast endpoint=127.0.0.1:${ports.rgw}
rgw thread pool size = 64
rgw dynamic resharding = false
# reclaim deleted objects' data soon, so memstore does not fill up over a test run
rgw gc obj min wait = 10
rgw gc processor period = 10
# SSE-KMS with a key from this file (the testing backend), and SSE-C, over plain http on loopback
rgw crypt require ssl = false
rgw crypt s3 kms backend = testing
rgw crypt s3 kms encryption keys = ${KMS_KEY_ID}=${randomBytes(32).toString('base64')}
`;
}

/** `cmd args` under setpriv --pdeathsig: the process gets SIGKILL if this one dies without running 'exit' hooks. */
function withDeathSignal(cmd: string, args: string[]): [string, string[]] {
  return existsSync(SETPRIV) ? [SETPRIV, ['--pdeathsig', 'SIGKILL', '--', cmd, ...args]] : [cmd, args];
}

/** SIGTERM, then SIGKILL after `graceMs` (0: SIGKILL at once); resolves when the process has exited. */
async function terminate(child: ChildProcess | undefined, graceMs = 5000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  live.delete(child);
}

/** Poll until `check` says yes; stops (rejects) when `signal` aborts, so no loop outlives a failed start. */
async function pollUntil(check: () => Promise<boolean>, intervalMs: number, signal: AbortSignal): Promise<void> {
  while (!signal.aborted && !(await check())) await sleep(intervalMs, undefined, { signal });
  signal.throwIfAborted();
}

function tcpAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    sock.setTimeout(1000);
    sock.once('connect', () => {
      // an HTTP answer, not just a listening socket
      sock.end('GET / HTTP/1.0\r\n\r\n');
    });
    let data = '';
    sock.on('data', (c: Buffer) => (data += c.toString('latin1')));
    sock.once('close', () => resolve(data.startsWith('HTTP/')));
    sock.once('timeout', () => sock.destroy());
    sock.once('error', () => resolve(false));
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

function randomPort(span = 1): number {
  return PORT_LOW + Math.floor(Math.random() * (PORT_HIGH - PORT_LOW - span));
}

async function choosePorts(): Promise<RgwServer['ports']> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const osdMin = randomPort(OSD_PORTS);
    const osdMax = osdMin + OSD_PORTS - 1;
    const mon = randomPort();
    const rgw = randomPort();
    if (mon === rgw || (mon >= osdMin && mon <= osdMax) || (rgw >= osdMin && rgw <= osdMax)) continue;
    const wanted = [mon, rgw, ...Array.from({ length: OSD_PORTS }, (_, i) => osdMin + i)];
    const free = await Promise.all(wanted.map(portFree));
    if (free.every(Boolean)) return { mon, rgw, osdMin, osdMax };
  }
  throw new Error(`no free ports found in ${PORT_LOW}-${PORT_HIGH}`);
}

async function rssKiB(pid: number | undefined): Promise<number> {
  if (!pid) return 0;
  try {
    const m = /VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

async function tailLogs(dir: string, lines: number): Promise<string> {
  const logDir = join(dir, 'log');
  const names = (await readdir(logDir).catch(() => [] as string[])).sort();
  const parts: string[] = [];
  for (const name of names) {
    const text = await readFile(join(logDir, name), 'utf8').catch(() => '');
    const all = text.split('\n');
    if (all[all.length - 1] === '') all.pop();
    if (all.length === 0) continue;
    parts.push(`----- ${name} (last ${Math.min(lines, all.length)} of ${all.length} lines) -----`, ...all.slice(-lines));
  }
  // A deadline can strike before any daemon wrote a line: say so rather than show nothing.
  return parts.length ? parts.join('\n') : '(no log written yet)';
}

/** Remove temp dirs left by test processes that died before their 'exit' hook ran. */
async function sweepStaleDirs(): Promise<void> {
  const base = tmpdir();
  const entries = await readdir(base).catch(() => [] as string[]);
  for (const entry of entries) {
    if (!entry.startsWith(DIR_PREFIX)) continue;
    const dir = join(base, entry);
    const owner = Number((await readFile(join(dir, 'owner.pid'), 'utf8').catch(() => '')).trim());
    if (!owner || owner === process.pid || pidAlive(owner)) continue;
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
