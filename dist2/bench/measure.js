"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.BASELINE = exports.RUNS = exports.QUICK = void 0;
exports.installed = installed;
exports.timeOnce = timeOnce;
exports.race = race;
exports.speedRatio = speedRatio;
exports.formatTable = formatTable;
exports.baselineOf = baselineOf;
/**
 * Whole-process accounting for the benchmarks: each command runs under /usr/bin/time
 * (wall, user+sys CPU, peak RSS of the process and the children it waited for),
 * contenders alternate run by run so a noisy neighbour slows them alike, and the
 * median of each is printed as one table row with CPU per GiB, MB/s and a ratio.
 */
const node_child_process_1 = require("node:child_process");
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const run_1 = require("../test/helpers/run");
const TIME = '/usr/bin/time';
const GiB = 2 ** 30;
/** Whether `cmd` is on PATH. */
function installed(cmd) {
    try {
        (0, node_child_process_1.execFileSync)('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
        return true;
    }
    catch {
        return false;
    }
}
/** One run under /usr/bin/time; throws on a non-zero exit. */
async function timeOnce(c) {
    if (!installed(TIME))
        throw new Error(`${TIME} is missing: run bench/install-deps.sh (Debian package time)`);
    const dir = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'pipekit-time-'));
    const out = (0, node_path_1.join)(dir, 'time');
    // `exec` so bash is replaced by the command and adds nothing but its own start-up.
    const argv = c.argv ?? ['bash', '-o', 'pipefail', '-c', `exec ${c.shell}`];
    try {
        const t0 = process.hrtime.bigint();
        const r = await (0, run_1.runCommand)(TIME, ['-f', '%e %U %S %M', '-o', out, ...argv], { env: c.env, timeout: 3_600_000 });
        // Wall from here: /usr/bin/time prints hundredths, too coarse for start-up.
        const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
        if (r.code !== 0)
            throw new Error(`${c.label} failed (${r.code}): ${r.stderr.trim().split('\n').at(-1)}`);
        c.check?.(r.stdout);
        const [, user, sys, rss] = (0, node_fs_1.readFileSync)(out, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
        return { wallS, cpuS: user + sys, rssKiB: rss };
    }
    finally {
        (0, node_fs_1.rmSync)(dir, { recursive: true, force: true });
    }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** Every contender `runs` times, alternating, and each one's median run. */
async function race(contenders, runs) {
    const samples = contenders.map(() => []);
    for (let run = 0; run < runs; run++) {
        for (const [i, c] of contenders.entries()) {
            samples[i].push(await timeOnce(c));
            await c.after?.();
        }
    }
    return contenders.map((c, i) => ({
        label: c.label,
        bytes: c.bytes,
        median: {
            wallS: median(samples[i].map((s) => s.wallS)),
            cpuS: median(samples[i].map((s) => s.cpuS)),
            rssKiB: median(samples[i].map((s) => s.rssKiB)),
        },
    }));
}
/** Speed of `row` over the speed of `peer` (time ratio inverted): > 1 is faster. */
function speedRatio(row, peer) {
    return peer ? peer.median.wallS / row.median.wallS : undefined;
}
/** The table, one line per row, then each target with its measured value. */
function formatTable(title, rows, targets = {}) {
    const head = `${'command'.padEnd(40)} ${'wall s'.padStart(7)} ${'CPU s'.padStart(7)} ${'CPU s/GiB'.padStart(9)} ${'RSS MiB'.padStart(7)} ${'MB/s'.padStart(6)}`;
    const lines = [title, `  ${head}`];
    for (const r of rows) {
        const m = r.median;
        const perGiB = r.bytes ? (m.cpuS / (r.bytes / GiB)).toFixed(2) : '-';
        const mbps = r.bytes ? (r.bytes / 1e6 / m.wallS).toFixed(0) : '-';
        lines.push(`  ${r.label.padEnd(40)} ${m.wallS.toFixed(3).padStart(7)} ${m.cpuS.toFixed(3).padStart(7)} ${perGiB.padStart(9)} ${(m.rssKiB / 1024).toFixed(0).padStart(7)} ${mbps.padStart(6)}`);
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
exports.QUICK = process.env.BENCH_QUICK === '1';
/** Runs per contender (BENCH_RUNS; 3 by default, 1 in quick mode). */
exports.RUNS = Number(process.env.BENCH_RUNS ?? (exports.QUICK ? 1 : 3));
/**
 * BENCH_BASELINE=DIR: the `dist` of another build (an older commit, built apart) whose
 * filters race beside these as extra rows marked "(baseline)", for a before/after
 * measured in the same run.
 */
exports.BASELINE = process.env.BENCH_BASELINE;
/** The baseline build's copy of `contender`, running its filter `name` at `path` instead. */
function baselineOf(c, path, name) {
    if (!exports.BASELINE)
        return undefined;
    const theirs = (0, node_path_1.join)(exports.BASELINE, 'filters', `${name}.js`);
    return {
        ...c,
        label: `${c.label} (baseline)`,
        argv: c.argv?.map((a) => (a === path ? theirs : a)),
        shell: c.shell?.replaceAll(path, theirs),
    };
}
