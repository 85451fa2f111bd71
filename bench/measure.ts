/**
 * Whole-process accounting for the benchmarks: each command runs under /usr/bin/time
 * (wall, user+sys CPU, peak RSS of the process and the children it waited for),
 * contenders alternate run by run so a noisy neighbour slows them alike, and the
 * median of each is printed as one table row with CPU per GiB, MB/s and a ratio.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../test/helpers/run';
import type { S3TestServer } from '../test/helpers/s3';

const TIME = '/usr/bin/time';
/**
 * No run here takes a minute on these machines (1 GiB at rclone's pace is ~20 s), so a
 * run still going after ten has hung, and the benchmark fails instead of hanging with it.
 */
const DEADLINE_S = 600;
const GiB = 2 ** 30;

/** One run of one command. */
export interface Sample {
  wallS: number;
  cpuS: number;
  rssKiB: number;
  /** CPU the server's processes spent meanwhile, where the server is ours to watch. */
  serverCpuS?: number;
}

/** A command to time: argv run as is, or a shell line run by `bash -c` (redirections). */
export interface Contender {
  label: string;
  argv?: string[];
  shell?: string;
  env?: NodeJS.ProcessEnv;
  /** Bytes it moves, for MB/s and CPU per GiB (none for start-up rows). */
  bytes?: number;
  /** Runs after each run, outside the timing (removing what an upload stored, …). */
  after?: () => Promise<void>;
  /** Checks a run's stdout; a wrong answer is a failed benchmark, not a fast one. */
  check?: (stdout: Buffer) => void;
}

export interface Row {
  label: string;
  bytes?: number;
  median: Sample;
}

/** Whether `cmd` is on PATH. */
export function installed(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** One run under /usr/bin/time; throws on a non-zero exit. */
/** One run of `c` under /usr/bin/time; its stderr too, for a closing line worth printing. */
export async function timeOnce(c: Contender): Promise<Sample & { stderr: string }> {
  if (!installed(TIME)) throw new Error(`${TIME} is missing: run bench/install-deps.sh (Debian package time)`);
  const dir = mkdtempSync(join(tmpdir(), 'pipekit-time-'));
  const out = join(dir, 'time');
  // `exec` so bash is replaced by the command and adds nothing but its own start-up.
  const argv = c.argv ?? ['bash', '-o', 'pipefail', '-c', `exec ${c.shell}`];
  try {
    const t0 = process.hrtime.bigint();
    const r = await runCommand(TIME, ['-f', '%e %U %S %M', '-o', out, ...argv], { env: c.env, timeout: DEADLINE_S * 1000 });
    // Wall from here: /usr/bin/time prints hundredths, too coarse for start-up.
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.signal === 'SIGKILL') throw new Error(`${c.label} was killed after ${DEADLINE_S} s (a full server store answers slowly or not at all)`);
    if (r.code !== 0) throw new Error(`${c.label} failed (${r.code}): ${r.stderr.trim().split('\n').at(-1)}`);
    c.check?.(r.stdout);
    const [, user, sys, rss] = readFileSync(out, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
    return { wallS, cpuS: user + sys, rssKiB: rss, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

let ticksPerSecond: number | undefined;

/**
 * User+system CPU seconds the server's processes have used so far, from /proc (none
 * for a server that names no pids). On two
 * cores the server's CPU is taken from the client's: a client that is cheaper but makes
 * the server work harder (more requests) is not faster, and this column shows why.
 */
export function serverCpuSeconds(server: Pick<S3TestServer, 'pids'> | undefined): number | undefined {
  if (!server?.pids) return undefined;
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
  let ticks = 0;
  for (const pid of Object.values(server.pids())) {
    if (pid === undefined) continue;
    // Fields after the command name, which may hold spaces: utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / ticksPerSecond;
}

/**
 * Every contender `runs` times, alternating, and each one's median run; with `server`,
 * the CPU its processes spent during each run too.
 */
export async function race(contenders: Contender[], runs: number, server?: Pick<S3TestServer, 'pids'>): Promise<Row[]> {
  const samples = contenders.map(() => [] as Sample[]);
  const serverCpu = () => serverCpuSeconds(server);
  for (let run = 0; run < runs; run++) {
    for (const [i, c] of contenders.entries()) {
      const before = serverCpu();
      const sample: Sample = await timeOnce(c);
      if (before !== undefined) sample.serverCpuS = serverCpu()! - before;
      samples[i].push(sample);
      await c.after?.();
    }
  }
  return contenders.map((c, i) => {
    const serverCpuS = samples[i].map((s) => s.serverCpuS);
    return {
      label: c.label,
      bytes: c.bytes,
      median: {
        wallS: median(samples[i].map((s) => s.wallS)),
        cpuS: median(samples[i].map((s) => s.cpuS)),
        rssKiB: median(samples[i].map((s) => s.rssKiB)),
        ...(serverCpuS.every((s) => s !== undefined) && { serverCpuS: median(serverCpuS as number[]) }),
      },
    };
  });
}

/** Speed of `row` over the speed of `peer` (time ratio inverted): > 1 is faster. */
export function speedRatio(row: Row, peer: Row | undefined): number | undefined {
  return peer ? peer.median.wallS / row.median.wallS : undefined;
}

/** The table: one line per row, with its speed ratio against `peerOf(row)` and that target. */
export interface Targets {
  /** Speed of `row` at least `target` times that of `peer`. */
  ratios?: { row: string; peer: string; target: number }[];
  /** CPU seconds per GiB of `row` at most `max`. */
  cpu?: { row: string; max: number }[];
}

/** The table, one line per row, then each target with its measured value. */
export function formatTable(title: string, rows: Row[], targets: Targets = {}): string {
  const server = rows.some((r) => r.median.serverCpuS !== undefined);
  const head = `${'command'.padEnd(40)} ${'wall s'.padStart(7)} ${'CPU s'.padStart(7)} ${'CPU s/GiB'.padStart(9)} ${'RSS MiB'.padStart(7)} ${'MB/s'.padStart(6)}`;
  const lines = [title, `  ${head}${server ? ` ${'server CPU s'.padStart(12)}` : ''}`];
  for (const r of rows) {
    const m = r.median;
    const perGiB = r.bytes ? (m.cpuS / (r.bytes / GiB)).toFixed(2) : '-';
    const mbps = r.bytes ? (r.bytes / 1e6 / m.wallS).toFixed(0) : '-';
    const serverCpu = server ? ` ${(m.serverCpuS?.toFixed(2) ?? '-').padStart(12)}` : '';
    lines.push(
      `  ${r.label.padEnd(40)} ${m.wallS.toFixed(3).padStart(7)} ${m.cpuS.toFixed(3).padStart(7)} ${perGiB.padStart(9)} ${(m.rssKiB / 1024).toFixed(0).padStart(7)} ${mbps.padStart(6)}${serverCpu}`,
    );
  }
  const byLabel = new Map(rows.map((r) => [r.label, r]));
  for (const { row, peer, target } of targets.ratios ?? []) {
    const a = byLabel.get(row);
    const b = byLabel.get(peer);
    const ratio = a && speedRatio(a, b);
    const verdict = ratio === undefined ? 'n/a (not run)' : `${ratio.toFixed(2)}x (target >= ${target}x) ${ratio >= target ? 'met' : 'MISSED'}`;
    lines.push(`  speed ${row} / ${peer}: ${verdict}`);
  }
  for (const { row, max } of targets.cpu ?? []) {
    const r = byLabel.get(row);
    const perGiB = r?.bytes ? r.median.cpuS / (r.bytes / GiB) : undefined;
    const verdict = perGiB === undefined ? 'n/a (not run)' : `${perGiB.toFixed(2)} s/GiB (target <= ${max}) ${perGiB <= max ? 'met' : 'MISSED'}`;
    lines.push(`  CPU ${row}: ${verdict}`);
  }
  return lines.join('\n');
}

/** The bench's scale: BENCH_QUICK=1 for small sizes and one run, to iterate fast. */
export const QUICK = process.env.BENCH_QUICK === '1';
/** Runs per contender (BENCH_RUNS; 3 by default, 1 in quick mode). */
export const RUNS = Number(process.env.BENCH_RUNS ?? (QUICK ? 1 : 3));

/**
 * BENCH_BASELINE=DIR: the `dist` of another build (an older commit, built apart) whose
 * filters race beside these as extra rows marked "(baseline)", for a before/after
 * measured in the same run.
 */
export const BASELINE = process.env.BENCH_BASELINE;

/** The baseline build's copy of `contender`, running its filter `name` at `path` instead. */
export function baselineOf(c: Contender, path: string, name: string): Contender | undefined {
  if (!BASELINE) return undefined;
  const theirs = join(BASELINE, 'filters', `${name}.js`);
  return {
    ...c,
    label: `${c.label} (baseline)`,
    argv: c.argv?.map((a) => (a === path ? theirs : a)),
    shell: c.shell?.replaceAll(path, theirs),
  };
}

/**
 * `env` plus an rclone remote `b:` for `server`. rclone reads its remote from the
 * environment, and rejects an AWS_CA_BUNDLE it cannot use, so that one goes.
 */
export function rcloneEnv(server: S3TestServer, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { AWS_CA_BUNDLE: _unused, ...rest } = env;
  return {
    ...rest,
    RCLONE_CONFIG_B_TYPE: 's3',
    RCLONE_CONFIG_B_PROVIDER: 'Other',
    RCLONE_CONFIG_B_ENDPOINT: server.endpoint,
    RCLONE_CONFIG_B_ACCESS_KEY_ID: server.accessKeyId,
    RCLONE_CONFIG_B_SECRET_ACCESS_KEY: server.secretAccessKey,
    RCLONE_CONFIG_B_FORCE_PATH_STYLE: 'true',
  };
}
