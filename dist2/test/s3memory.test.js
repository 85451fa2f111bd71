"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const node_child_process_1 = require("node:child_process");
const promises_1 = require("node:fs/promises");
const promises_2 = require("node:timers/promises");
const run_1 = require("./helpers/run");
const null_s3_1 = require("./helpers/null-s3");
const s3_1 = require("./helpers/s3");
const data_1 = require("./helpers/data");
const MiB = 2 ** 20;
/** Peak resident memory (VmHWM) of a running process, in bytes; 0 once it is gone. */
async function peakRss(pid) {
    try {
        const status = await (0, promises_1.readFile)(`/proc/${pid}/status`, 'utf8');
        return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    }
    catch {
        return 0;
    }
}
/** Run a filter child to its end, sampling its peak RSS (monotonic, so the last sample before exit is the peak). */
async function runMeasured(args, env, stdin, onStdout) {
    // Started by its #! line, as a shell starts it (the line carries the heap settings).
    const [file, ...rest] = args;
    const child = (0, node_child_process_1.spawn)(file, rest, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    if (stdin)
        stdin.pipe(child.stdin).on('error', () => undefined);
    else
        child.stdin.end();
    let bytesOut = 0;
    const drained = (async () => {
        for await (const c of child.stdout) {
            bytesOut += c.length;
            if (onStdout)
                await onStdout(c);
        }
    })();
    const exited = new Promise((resolve) => child.on('close', resolve));
    let peak = 0;
    let done = false;
    void exited.then(() => (done = true));
    while (!done) {
        peak = Math.max(peak, await peakRss(child.pid));
        await (0, promises_2.setTimeout)(50);
    }
    await drained;
    return { code: await exited, peak, stderr, bytesOut };
}
(0, node_test_1.describe)('memory stays bounded by (jobs + 1) × chunk size, whatever the stream length', () => {
    let sink;
    let s3;
    (0, node_test_1.before)(async () => {
        sink = await null_s3_1.NullS3.start();
        s3 = await (0, s3_1.startS3rver)();
    });
    (0, node_test_1.after)(async () => {
        await sink.close();
        await s3.stop();
    });
    (0, node_test_1.it)('s3sink: a 2 GiB stream peaks below (j+1) × chunk + 150 MiB', async () => {
        const jobs = 4;
        const chunk = 8 * MiB;
        const total = 2 * 1024 * MiB;
        const r = await runMeasured([(0, run_1.filterPath)('s3sink'), '-j', String(jobs), '--chunk-size', '8M', 's3://null/big'], (0, s3_1.s3Env)(s3, sink.endpoint), (0, data_1.repeatingStream)(total));
        strict_1.default.equal(r.code, 0, r.stderr);
        strict_1.default.ok(sink.bytes >= total, `the sink received ${sink.bytes} bytes`);
        const limit = (jobs + 1) * chunk + 150 * MiB;
        strict_1.default.ok(r.peak > 0 && r.peak < limit, `peak RSS ${(r.peak / MiB).toFixed(0)} MiB, limit ${limit / MiB} MiB`);
    });
    (0, node_test_1.it)('s3source with a slow reader: prefetch stops at j chunks', async () => {
        const client = (0, s3_1.testClient)(s3);
        const bucket = await (0, s3_1.freshBucket)(client, 'mem');
        const env = (0, s3_1.s3Env)(s3);
        const size = 160 * MiB;
        const w = await (0, run_1.runFilter)('s3sink', ['--chunk-size', '5M', `s3://${bucket}/set`], { input: (0, data_1.repeatingStream)(size), env });
        strict_1.default.equal(w.code, 0, w.stderr);
        const jobs = 3;
        // The reader takes a pause on every piece, so s3source always has output waiting.
        const r = await runMeasured([(0, run_1.filterPath)('s3source'), '-j', String(jobs), `s3://${bucket}/set`], env, null, () => (0, promises_2.setTimeout)(2));
        strict_1.default.equal(r.code, 0, r.stderr);
        strict_1.default.equal(r.bytesOut, size);
        const limit = (jobs + 1) * 5 * MiB + 150 * MiB;
        strict_1.default.ok(r.peak < limit, `peak RSS ${(r.peak / MiB).toFixed(0)} MiB, limit ${limit / MiB} MiB (stream ${size / MiB} MiB)`);
    });
});
