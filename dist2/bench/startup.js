"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.benchStartup = benchStartup;
/**
 * Start-up, where a shell loop pays it once per item (`for d in …; do mxprobe "$d"`,
 * `s3ls | xargs s3rm`): one single-request `s3ls s3://B/` and one `mxprobe` of one
 * domain on loopback, beside `rclone lsf` (and swaks for the SMTP probe), `--version`
 * and a bare `node -e 0` for scale. Median of BENCH_STARTUP_RUNS (10) alternating runs
 * under /usr/bin/time; target: at most 110 ms wall for s3ls and for mxprobe.
 *
 *   node dist/bench/startup.js   # BENCH_QUICK=1: 3 runs
 */
const client_s3_1 = require("@aws-sdk/client-s3");
const run_1 = require("../test/helpers/run");
const s3_1 = require("../test/helpers/s3");
const dns_server_1 = require("../test/helpers/dns-server");
const smtp_servers_1 = require("../test/helpers/smtp-servers");
const measure_1 = require("./measure");
const TARGET_MS = 110;
async function benchStartup(runs = Number(process.env.BENCH_STARTUP_RUNS ?? (measure_1.QUICK ? 3 : 10))) {
    const server = await (0, s3_1.startS3rver)();
    const { port, servers } = await (0, smtp_servers_1.startSmtpServers)([{ behaviour: 'accept' }]);
    const dns = await (0, dns_server_1.startDnsServer)({ 'one.test': { mx: [[10, 'mx.one.test']] }, 'mx.one.test': { a: ['127.0.0.2'] } });
    const client = (0, s3_1.testClient)(server);
    try {
        const bucket = await (0, s3_1.freshBucket)(client, 'bench');
        for (const key of ['a', 'b', 'c'])
            await client.send(new client_s3_1.PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }));
        const env = (0, s3_1.s3Env)(server);
        const three = (stdout) => {
            if (stdout.toString().split('\n').filter(Boolean).length !== 3)
                throw new Error(`expected 3 keys, got ${stdout.toString()}`);
        };
        const contenders = [
            { label: 'node -e 0', argv: [process.execPath, '-e', '0'] },
            { label: 's3ls --version', argv: [(0, run_1.filterPath)('s3ls'), '--version'], env },
            { label: 's3ls s3://B/ (one request)', argv: [(0, run_1.filterPath)('s3ls'), `s3://${bucket}/`], env, check: three },
            {
                label: 'mxprobe one.test (one exchange)',
                argv: [(0, run_1.filterPath)('mxprobe'), '--nameserver', dns.nameserver, '--port', String(port), 'one.test'],
                env,
                check: (out) => {
                    if (!out.toString().includes('\tok\t'))
                        throw new Error(`mxprobe: ${out.toString()}`);
                },
            },
        ];
        for (const c of contenders.slice(1)) {
            const name = c.argv[0].replace(/^.*\/|\.js$/g, '');
            const theirs = (0, measure_1.baselineOf)(c, (0, run_1.filterPath)(name), name);
            if (theirs)
                contenders.push(theirs);
        }
        if ((0, measure_1.installed)('rclone')) {
            contenders.push({
                label: 'rclone lsf b:B',
                argv: ['rclone', 'lsf', `b:${bucket}`],
                env: {
                    ...env,
                    RCLONE_CONFIG_B_TYPE: 's3',
                    RCLONE_CONFIG_B_PROVIDER: 'Other',
                    RCLONE_CONFIG_B_ENDPOINT: server.endpoint,
                    RCLONE_CONFIG_B_ACCESS_KEY_ID: server.accessKeyId,
                    RCLONE_CONFIG_B_SECRET_ACCESS_KEY: server.secretAccessKey,
                    RCLONE_CONFIG_B_FORCE_PATH_STYLE: 'true',
                },
                check: three,
            });
        }
        if ((0, measure_1.installed)('swaks')) {
            contenders.push({ label: 'swaks (one exchange)', argv: ['swaks', '--server', '127.0.0.2', '--port', String(port), '--to', 'x@one.test', '--from', 'y@one.test'] });
        }
        const rows = await (0, measure_1.race)(contenders, runs);
        const lines = [`start-up: median of ${runs} alternating runs`, `  ${'command'.padEnd(36)} ${'wall ms'.padStart(8)} ${'CPU ms'.padStart(8)} ${'RSS MiB'.padStart(8)}`];
        for (const r of rows) {
            const m = r.median;
            lines.push(`  ${r.label.padEnd(36)} ${(m.wallS * 1000).toFixed(0).padStart(8)} ${(m.cpuS * 1000).toFixed(0).padStart(8)} ${(m.rssKiB / 1024).toFixed(0).padStart(8)}`);
        }
        const rclone = rows.find((r) => r.label.startsWith('rclone'));
        for (const r of rows.filter((x) => /^(s3ls s3|mxprobe)/.test(x.label))) {
            const ms = r.median.wallS * 1000;
            const beside = rclone ? `, ${(ms / (rclone.median.wallS * 1000)).toFixed(2)}x rclone lsf's time` : '';
            lines.push(`  ${r.label}: ${ms.toFixed(0)} ms (target <= ${TARGET_MS} ms) ${ms <= TARGET_MS ? 'met' : 'MISSED'}${beside}`);
        }
        process.stdout.write(`${lines.join('\n')}\n`);
    }
    finally {
        client.destroy();
        await Promise.all(servers.map((s) => s.close()));
        await dns.close();
        await server.stop();
    }
}
if (require.main === module) {
    benchStartup().catch((err) => {
        process.stderr.write(`bench startup: ${err.message}\n`);
        process.exit(1);
    });
}
