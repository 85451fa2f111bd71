"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.benchS3Stream = benchS3Stream;
/**
 * A stream into S3 and back, against peers on the same local server in the same run,
 * runs alternating: s3sink beside `aws s3 cp -` and `rclone rcat`, s3source beside
 * `rclone cat` and `aws s3 cp … -`, and s3sink beside `curl -T` into a null HTTP sink
 * (the limit of the client itself). Every contender runs as a user runs it (the
 * installed filter, its shebang and all) under /usr/bin/time: wall, CPU per GiB, peak
 * RSS, MB/s, and the issue-16 targets with the measured ratio.
 *
 *   node dist/bench/s3stream.js   # BENCH_STREAM_MIB=1024, BENCH_RUNS=3, SERVER=rgw for Ceph RGW,
 *                                 # BENCH_QUICK=1: 128 MiB, one run
 */
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const node_crypto_1 = require("node:crypto");
const run_1 = require("../test/helpers/run");
const s3_1 = require("../test/helpers/s3");
const rgw_1 = require("../test/helpers/rgw");
const null_s3_1 = require("../test/helpers/null-s3");
const measure_1 = require("./measure");
const MiB = 2 ** 20;
/** What hashing alone costs per GiB on one core (MD5 + SHA-256 per chunk): the floor of s3sink's CPU. */
function hashSecondsPerGiB() {
    const sample = (0, node_crypto_1.randomBytes)(64 * MiB);
    const time = (alg) => {
        const t0 = process.hrtime.bigint();
        for (let off = 0; off < sample.length; off += 8 * MiB)
            (0, node_crypto_1.createHash)(alg).update(sample.subarray(off, off + 8 * MiB)).digest();
        return (Number(process.hrtime.bigint() - t0) / 1e9) * (2 ** 30 / sample.length);
    };
    return { md5: time('md5'), sha256: time('sha256') };
}
async function benchS3Stream() {
    const size = Number(process.env.BENCH_STREAM_MIB ?? (measure_1.QUICK ? 128 : 1024)) * MiB;
    const dir = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'pipekit-bench-'));
    const file = (0, node_path_1.join)(dir, 'stream.bin');
    const block = (0, node_crypto_1.randomBytes)(MiB);
    (0, node_fs_1.writeFileSync)(file, Buffer.alloc(0));
    for (let i = 0; i < size / MiB; i++)
        (0, node_fs_1.writeFileSync)(file, block, { flag: 'a' });
    // RGW keeps objects in the OSD's memory: room for the copies stored (s3sink's two generations, aws, rclone).
    const server = process.env.SERVER === 'rgw' ? await (0, rgw_1.startRgw)({ memstoreBytes: 4 * size + 512 * MiB }) : await (0, s3_1.startS3rver)();
    const sink = await null_s3_1.NullS3.start();
    try {
        const bucket = await (0, s3_1.freshBucket)((0, s3_1.testClient)(server), 'bench');
        const env = (0, s3_1.s3Env)(server);
        // rclone reads its remote from the environment; it rejects AWS_CA_BUNDLE pointing at a bundle it cannot use.
        const { AWS_CA_BUNDLE: _unused, ...rest } = env;
        const renv = {
            ...rest,
            RCLONE_CONFIG_B_TYPE: 's3',
            RCLONE_CONFIG_B_PROVIDER: 'Other',
            RCLONE_CONFIG_B_ENDPOINT: server.endpoint,
            RCLONE_CONFIG_B_ACCESS_KEY_ID: server.accessKeyId,
            RCLONE_CONFIG_B_SECRET_ACCESS_KEY: server.secretAccessKey,
            RCLONE_CONFIG_B_FORCE_PATH_STYLE: 'true',
        };
        const aws = (0, measure_1.installed)('aws') ? `aws --endpoint-url ${server.endpoint} s3 cp` : undefined;
        const rclone = (0, measure_1.installed)('rclone');
        const bytes = size;
        const up = [{ label: 's3sink -q (upload)', shell: `"${(0, run_1.filterPath)('s3sink')}" -q s3://${bucket}/set < "${file}"`, env, bytes }];
        if (aws)
            up.push({ label: 'aws s3 cp - (upload)', shell: `${aws} - s3://${bucket}/aws.bin < "${file}"`, env, bytes });
        if (rclone)
            up.push({ label: 'rclone rcat (upload)', shell: `rclone rcat b:${bucket}/rclone.bin < "${file}"`, env: renv, bytes });
        const down = [{ label: 's3source (download)', shell: `"${(0, run_1.filterPath)('s3source')}" s3://${bucket}/set > /dev/null`, env, bytes }];
        if (rclone)
            down.push({ label: 'rclone cat (download)', shell: `rclone cat b:${bucket}/rclone.bin > /dev/null`, env: renv, bytes });
        if (aws)
            down.push({ label: 'aws s3 cp … - (download)', shell: `${aws} s3://${bucket}/aws.bin - > /dev/null`, env, bytes });
        const nul = [
            { label: 's3sink -q (null sink)', shell: `"${(0, run_1.filterPath)('s3sink')}" -q s3://null/set < "${file}"`, env: (0, s3_1.s3Env)(server, sink.endpoint), bytes },
            { label: 'curl -T (null sink)', shell: `curl -sf -T "${file}" ${sink.endpoint}/null/curl.bin`, env, bytes },
        ];
        const withBaseline = (list, name) => {
            const theirs = (0, measure_1.baselineOf)(list[0], (0, run_1.filterPath)(name), name);
            return theirs ? [list[0], theirs, ...list.slice(1)] : list;
        };
        up.splice(0, up.length, ...withBaseline(up, 's3sink'));
        down.splice(0, down.length, ...withBaseline(down, 's3source'));
        nul.splice(0, nul.length, ...withBaseline(nul, 's3sink'));
        process.stdout.write(`s3 stream: ${size / MiB} MiB against ${server.kind} at ${server.endpoint}, median of ${measure_1.RUNS} alternating runs\n`);
        // Uploads first: the downloads read what they stored.
        const upRows = await (0, measure_1.race)(up, measure_1.RUNS);
        const downRows = await (0, measure_1.race)(down, measure_1.RUNS);
        const nulRows = await (0, measure_1.race)(nul, measure_1.RUNS);
        const onRgw = server.kind === 'rgw';
        process.stdout.write(`${(0, measure_1.formatTable)(`upload (${server.kind})`, upRows, {
            ratios: [
                { row: 's3sink -q (upload)', peer: 'aws s3 cp - (upload)', target: onRgw ? 1.5 : 2 },
                { row: 's3sink -q (upload)', peer: 'rclone rcat (upload)', target: onRgw ? 1.5 : 2 },
            ],
            cpu: [{ row: 's3sink -q (upload)', max: 3 }],
        })}\n`);
        process.stdout.write(`${(0, measure_1.formatTable)(`download (${server.kind})`, downRows, {
            ratios: [{ row: 's3source (download)', peer: 'rclone cat (download)', target: 1 }],
            cpu: [{ row: 's3source (download)', max: 1.3 }],
        })}\n`);
        process.stdout.write(`${(0, measure_1.formatTable)('into a null HTTP sink', nulRows, { ratios: [{ row: 's3sink -q (null sink)', peer: 'curl -T (null sink)', target: 0.8 }] })}\n`);
        const floor = hashSecondsPerGiB();
        process.stdout.write(`  hashing alone, one core: MD5 ${floor.md5.toFixed(2)} s/GiB, SHA-256 ${floor.sha256.toFixed(2)} s/GiB\n`);
    }
    finally {
        await sink.close();
        await server.stop();
        (0, node_fs_1.rmSync)(dir, { recursive: true, force: true });
    }
}
if (require.main === module) {
    benchS3Stream().catch((err) => {
        process.stderr.write(`bench s3stream: ${err.message}\n`);
        process.exit(1);
    });
}
