"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * Soak: many round trips of big streams through the fault proxy, then s3sink killed at
 * random moments. Proves, with counts, that every round trip is byte-identical or ends in
 * a clean one-line error with the previous generation intact, and that a kill -9 at any
 * moment leaves a complete old-or-new generation whose orphans the next upload removes.
 *
 *   node dist/bench/soak.js                         # make soak: 50 runs of 64–512 MiB, 20 kills
 *   SOAK_RUNS=5 SOAK_MAX_MIB=64 SOAK_KILLS=5 node dist/bench/soak.js
 *   SOAK_SEED=42 …                                  # repeat a run's random choices
 *
 * Exits 1 when any round trip or kill was bad (mixed, corrupt, lost, or an unclean error).
 */
const node_child_process_1 = require("node:child_process");
const node_crypto_1 = require("node:crypto");
const node_fs_1 = require("node:fs");
const node_stream_1 = require("node:stream");
const run_1 = require("../test/helpers/run");
const s3_1 = require("../test/helpers/s3");
const fault_proxy_1 = require("../test/helpers/fault-proxy");
const data_1 = require("../test/helpers/data");
const lister_1 = require("../lib/s3/lister");
const MiB = 2 ** 20;
const RUNS = Number(process.env.SOAK_RUNS ?? 50);
const KILLS = Number(process.env.SOAK_KILLS ?? 20);
const MAX_MIB = Number(process.env.SOAK_MAX_MIB ?? 512);
const MIN_MIB = Math.min(64, MAX_MIB);
const SEED = Number(process.env.SOAK_SEED ?? Date.now() % 1_000_000);
const STACK = /\n\s+at /;
// The soak's own choices (sizes, rates, kill delays) repeat for a given SOAK_SEED.
const random = (0, data_1.mulberry32)(SEED);
const between = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
function fdCount(pid) {
    try {
        return (0, node_fs_1.readdirSync)(`/proc/${pid}/fd`).length;
    }
    catch {
        return -1;
    }
}
/**
 * `size` bytes of one random block with each MiB stamped with its index and the run,
 * so a chunk from another generation or out of order cannot go unnoticed; hashed as sent.
 */
function stampedStream(size, run) {
    const block = (0, node_crypto_1.randomBytes)(MiB);
    const hash = (0, node_crypto_1.createHash)('sha256');
    let sent = 0;
    let index = 0;
    const stream = new node_stream_1.Readable({
        highWaterMark: 4 * MiB,
        read() {
            if (sent >= size) {
                this.push(null);
                return;
            }
            const n = Math.min(MiB, size - sent);
            const piece = Buffer.from(block.subarray(0, n));
            if (n >= 16) {
                piece.writeUInt32BE(run, 0);
                piece.writeUInt32BE(index, 4);
            }
            index++;
            sent += n;
            hash.update(piece);
            this.push(piece);
        },
    });
    return { stream, sha256: () => hash.digest('hex') };
}
/** s3sink of `input`, sampling its open descriptors; optionally SIGKILLed after `killAfterMs`. */
function sink(url, env, input, args, killAfterMs) {
    return new Promise((resolve) => {
        const started = Date.now();
        const child = (0, node_child_process_1.spawn)(process.execPath, [(0, run_1.filterPath)('s3sink'), ...args, url], { env, stdio: ['pipe', 'ignore', 'pipe'] });
        let stderr = '';
        let maxFds = 0;
        child.stderr.on('data', (c) => (stderr += c));
        child.stdin.on('error', () => undefined);
        input.pipe(child.stdin);
        const sampler = setInterval(() => (maxFds = Math.max(maxFds, fdCount(child.pid))), 100);
        const killer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        const guard = setTimeout(() => child.kill('SIGKILL'), 30 * 60_000);
        child.on('close', (code, signal) => {
            clearInterval(sampler);
            clearTimeout(killer);
            clearTimeout(guard);
            input.unpipe(child.stdin);
            input.destroy();
            resolve({ code, signal, stderr, maxFds, elapsedMs: Date.now() - started });
        });
    });
}
/** s3source, hashing what reaches its stdout. */
function source(url, env, args = []) {
    return new Promise((resolve) => {
        const child = (0, node_child_process_1.spawn)(process.execPath, [(0, run_1.filterPath)('s3source'), ...args, url], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        const hash = (0, node_crypto_1.createHash)('sha256');
        let bytes = 0;
        let stderr = '';
        let maxFds = 0;
        child.stdout.on('data', (c) => {
            hash.update(c);
            bytes += c.length;
        });
        child.stderr.on('data', (c) => (stderr += c));
        const sampler = setInterval(() => (maxFds = Math.max(maxFds, fdCount(child.pid))), 100);
        const guard = setTimeout(() => child.kill('SIGKILL'), 30 * 60_000);
        child.on('close', (code, signal) => {
            clearInterval(sampler);
            clearTimeout(guard);
            resolve({ code, signal, stderr, maxFds, elapsedMs: 0, sha256: hash.digest('hex'), bytes });
        });
    });
}
/** A clean failure: exit 1, exactly one stderr line prefixed with the filter's name, no stack. */
function cleanFailure(o, name) {
    const lines = o.stderr.split('\n').filter((l) => l !== '');
    return o.code === 1 && lines.length === 1 && lines[0].startsWith(`${name}: `) && !STACK.test(o.stderr);
}
async function generations(client, bucket, name) {
    const gens = new Set();
    for await (const page of (0, lister_1.listPages)({ client, bucket, prefix: `${name}/` })) {
        for (const e of page)
            if ('key' in e)
                gens.add(e.key.slice(name.length + 1).split('/')[0]);
    }
    gens.delete('MANIFEST');
    return gens.size;
}
const REQUEST_FAULTS = ['reset', 'error500', 'slowdown', 'stall', 'truncate', 'etag'];
const LIST_FAULTS = ['shuffle', 'replay', 'reorder'];
const FAULTS = [...REQUEST_FAULTS, ...LIST_FAULTS];
async function faultSoak(s, bucket) {
    const proxy = await fault_proxy_1.FaultProxy.start(s.endpoint, SEED);
    const penv = (0, s3_1.s3Env)(s, proxy.endpoint);
    const denv = (0, s3_1.s3Env)(s);
    const name = 'soak';
    const url = `s3://${bucket}/${name}`;
    const tally = { runs: 0, ok: 0, clean: 0, bad: 0, committedDespiteError: 0, cleanupRefused: 0 };
    const injected = Object.fromEntries(FAULTS.map((f) => [f, 0]));
    // Faults in runs that were not bad: byte-identical, or a clean error with nothing lost.
    const survived = { ...injected };
    let maxFds = 0;
    // The previous good generation: every failure must leave it restorable.
    let previous;
    const fdsBefore = fdCount('self');
    for (let run = 1; run <= RUNS; run++) {
        const size = between(MIN_MIB, MAX_MIB) * MiB + between(0, MiB - 1);
        const rates = {};
        proxy.clear();
        for (const fault of REQUEST_FAULTS) {
            const rate = Math.round(random() * 0.08 * 1000) / 1000;
            if (rate === 0)
                continue;
            rates[fault] = rate;
            // Cut bodies matter for GETs, a wrong ETag is the answer to a PUT; the rest hit every request.
            const method = fault === 'truncate' ? 'GET' : fault === 'etag' ? 'PUT' : undefined;
            proxy.add({ fault, method, rate, times: fault === 'stall' ? 4 : undefined });
        }
        // The cleanup's listing, paged small so that it has pages to break. One listing fault
        // per run at most: a broken listing leaves old generations to a run without one.
        proxy.listPageSize = between(2, 12);
        const listFault = LIST_FAULTS[between(0, LIST_FAULTS.length)];
        if (listFault) {
            rates[listFault] = Math.round((0.05 + random() * 0.25) * 1000) / 1000;
            proxy.add({ fault: listFault, method: 'GET', url: fault_proxy_1.LIST_URL, rate: rates[listFault] });
        }
        const before = { ...proxy.injected };
        const t0 = Date.now();
        const data = stampedStream(size, run);
        const up = await sink(url, penv, data.stream, ['--timeout', '1s']);
        const sent = data.sha256();
        let verdict;
        let detail;
        // The lister refused a broken page chain: committed, old generations left to the next run.
        const refused = /^s3sink: committed, but could not remove old generations: .*$/m.exec(up.stderr)?.[0];
        if (up.code === 0) {
            const down = await source(url, penv, ['--timeout', '1s']);
            if (down.code === 0 && down.sha256 === sent && down.bytes === size) {
                verdict = 'ok';
                detail = refused ? `byte-identical; ${refused}` : 'byte-identical';
            }
            else if (cleanFailure(down, 's3source')) {
                // The read failed cleanly through the faults; what is stored must still be whole.
                const direct = await source(url, denv);
                verdict = direct.code === 0 && direct.sha256 === sent ? 'clean' : 'bad';
                detail = `read: ${down.stderr.trim()}; stored copy ${verdict === 'clean' ? 'verified' : 'WRONG'}`;
            }
            else {
                verdict = 'bad';
                detail = `read exit ${down.code}, ${down.bytes} bytes, sha ${down.sha256 === sent ? 'ok' : 'WRONG'}: ${down.stderr.trim()}`;
            }
            maxFds = Math.max(maxFds, down.maxFds);
            if (verdict !== 'bad')
                previous = sent;
        }
        else if (cleanFailure(up, 's3sink')) {
            const direct = await source(url, denv);
            const intact = previous === undefined ? direct.code === 1 : direct.code === 0 && direct.sha256 === previous;
            // A commit whose reply was lost (or whose read-back failed) is an error that did
            // commit: the new stream, whole, replaced the old one. Never a mix either way.
            const committed = direct.code === 0 && direct.sha256 === sent;
            verdict = intact || committed ? 'clean' : 'bad';
            if (committed) {
                previous = sent;
                tally.committedDespiteError++;
            }
            detail = `write: ${up.stderr.trim()}; ${committed ? 'new generation committed whole' : `previous generation ${intact ? 'intact' : 'LOST'}`}`;
        }
        else {
            verdict = 'bad';
            detail = `write exit ${up.code ?? up.signal}: ${JSON.stringify(up.stderr)}`;
        }
        maxFds = Math.max(maxFds, up.maxFds);
        tally.runs++;
        tally[verdict]++;
        if (refused)
            tally.cleanupRefused++;
        const faults = FAULTS.map((f) => proxy.injected[f] - before[f]);
        faults.forEach((n, i) => {
            injected[FAULTS[i]] += n;
            if (verdict !== 'bad')
                survived[FAULTS[i]] += n;
        });
        const rateText = Object.entries(rates).map(([f, r]) => `${f}=${r}`).join(',') || 'none';
        console.log(`run ${String(run).padStart(3)}  ${(size / MiB).toFixed(0).padStart(4)} MiB  pages of ${proxy.listPageSize}  rates ${rateText}  faults ${faults.reduce((a, b) => a + b, 0)}  ` +
            `${((Date.now() - t0) / 1000).toFixed(1)}s  fds ≤${Math.max(up.maxFds, 0)}  ${verdict.toUpperCase()}: ${detail}`);
    }
    await proxy.close();
    const fdsAfter = fdCount('self');
    // Refused cleanups leave old generations: a later run without a listing fault removes them.
    const generationsLeft = await generations((0, s3_1.testClient)(s), bucket, name);
    return { tally, injected, survived, maxFds, fdsBefore, fdsAfter, generationsLeft };
}
async function killSoak(s, client, bucket) {
    const env = (0, s3_1.s3Env)(s);
    const name = 'kill';
    const url = `s3://${bucket}/${name}`;
    const sizeMiB = Math.max(8, Math.min(48, MAX_MIB));
    const args = ['--chunk-size', '5M'];
    const tally = { kills: 0, old: 0, new: 0, finished: 0, bad: 0 };
    // A first upload, unkilled: the generation to lose nothing of, and how long one takes.
    const first = stampedStream(sizeMiB * MiB, 0);
    const t0 = Date.now();
    const base = await sink(url, env, first.stream, args);
    if (base.code !== 0)
        throw new Error(`kill soak: first upload failed: ${base.stderr}`);
    let span = Date.now() - t0;
    let previous = first.sha256();
    for (let k = 1; k <= KILLS; k++) {
        // Up to 1.1 × a whole upload: kills land before, during, at and after the commit and cleanup.
        const delayMs = between(0, Math.round(span * 1.1));
        const data = stampedStream(sizeMiB * MiB, 1000 + k);
        const o = await sink(url, env, data.stream, args, delayMs);
        const sent = data.sha256();
        const r = await source(url, env);
        let state;
        if (r.code === 0 && r.sha256 === previous)
            state = 'old';
        else if (r.code === 0 && r.sha256 === sent)
            state = 'new';
        else
            state = 'bad';
        // The next upload removes whatever the killed one left.
        const next = stampedStream(MiB + 7, 2000 + k);
        const n = await sink(url, env, next.stream, args);
        const gens = await generations(client, bucket, name);
        const cleaned = n.code === 0 && gens === 1;
        const killed = o.signal === 'SIGKILL';
        // The first upload pays for a cold server: aim at the quickest whole upload seen.
        if (!killed && o.code === 0)
            span = Math.min(span, o.elapsedMs);
        tally.kills += killed ? 1 : 0;
        if (!killed)
            tally.finished++;
        if (state === 'bad' || !cleaned)
            tally.bad++;
        else
            tally[state]++;
        console.log(`kill ${String(k).padStart(2)}  after ${String(delayMs).padStart(5)} ms  ${killed ? 'SIGKILL' : `exited ${o.code} first`}  ` +
            `s3source: ${state === 'bad' ? `BAD (exit ${r.code}, ${r.bytes} bytes: ${r.stderr.trim()})` : `${state} generation, verified`}  ` +
            `next upload: ${cleaned ? 'orphans cleaned' : `NOT CLEAN (exit ${n.code}, ${gens} generations)`}`);
        previous = next.sha256();
    }
    return tally;
}
async function main() {
    console.log(`soak: ${RUNS} round trips of ${MIN_MIB}–${MAX_MIB} MiB through the fault proxy, ${KILLS} kills; SOAK_SEED=${SEED}`);
    const s = await (0, s3_1.startS3rver)();
    let bad = 0;
    try {
        const client = (0, s3_1.testClient)(s);
        const bucket = await (0, s3_1.freshBucket)(client, 'soak');
        const f = await faultSoak(s, bucket);
        const k = await killSoak(s, client, bucket);
        const sum = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);
        console.log('');
        console.log(`fault soak: runs ${f.tally.runs}, ok ${f.tally.ok}, clean failures ${f.tally.clean} (of which ${f.tally.committedDespiteError} committed the new stream whole), bad ${f.tally.bad}`);
        console.log(`cleanup after the commit refused a broken listing (old generations left to the next run): ${f.tally.cleanupRefused} runs; generations stored at the end: ${f.generationsLeft}`);
        console.log(`faults survived/injected: ${sum(f.survived)}/${sum(f.injected)} (${FAULTS.map((kind) => `${kind} ${f.survived[kind]}/${f.injected[kind]}`).join(', ')})`);
        console.log(`fds: soak process before ${f.fdsBefore}, after ${f.fdsAfter}; most open in any filter child ${f.maxFds}`);
        console.log(`kill soak: ${KILLS} runs, ${k.kills} killed (${k.finished} finished first), old generation ${k.old}, new ${k.new}, bad ${k.bad}`);
        bad = f.tally.bad + k.bad;
        // The soak process itself gains a few descriptors once (libuv, pipes); a leak per run would show as about RUNS more.
        if (f.fdsAfter > f.fdsBefore + Math.max(8, RUNS / 2)) {
            console.log(`fds grew in the soak process: ${f.fdsBefore} → ${f.fdsAfter}`);
            bad++;
        }
    }
    finally {
        await s.stop();
    }
    console.log(bad ? `soak: ${bad} BAD` : 'soak: nothing bad');
    process.exit(bad ? 1 : 0);
}
void main().catch((err) => {
    console.error(`soak: ${err.stack ?? err}`);
    process.exit(2);
});
