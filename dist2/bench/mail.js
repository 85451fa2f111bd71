"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.benchMail = benchMail;
/**
 * mxprobe -j 32 against a shell loop of swaks over the same exchanges: 200 domains with
 * two exchanges each, on local smtp-servers, both stopping after RCPT TO. Prints the
 * ratio (target: mxprobe at least 20 times faster). Needs swaks (Debian package).
 *
 *   node dist/bench/mail.js            # BENCH_MAIL_DOMAINS=50 for a quicker run
 */
const node_child_process_1 = require("node:child_process");
const dns_server_1 = require("../test/helpers/dns-server");
const run_1 = require("../test/helpers/run");
const smtp_servers_1 = require("../test/helpers/smtp-servers");
function swaksPath() {
    try {
        return (0, node_child_process_1.execFileSync)('sh', ['-c', 'command -v swaks'], { encoding: 'utf8' }).trim() || undefined;
    }
    catch {
        return undefined;
    }
}
async function benchMail(domainCount = Number(process.env.BENCH_MAIL_DOMAINS ?? 200)) {
    const swaks = swaksPath();
    if (!swaks) {
        process.stdout.write('mail: swaks not installed (apt-get install swaks); skipped\n');
        return undefined;
    }
    const { port, servers } = await (0, smtp_servers_1.startSmtpServers)([{ behaviour: 'accept' }, { behaviour: 'accept' }]);
    const zone = { 'mx1.bench.test': { a: ['127.0.0.2'] }, 'mx2.bench.test': { a: ['127.0.0.3'] } };
    const domains = Array.from({ length: domainCount }, (_, i) => `d${String(i).padStart(4, '0')}.bench.test`);
    for (const d of domains)
        zone[d] = { mx: [[10, 'mx1.bench.test'], [20, 'mx2.bench.test']] };
    const dns = await (0, dns_server_1.startDnsServer)(zone);
    try {
        let t0 = Date.now();
        const probe = await (0, run_1.runFilter)('mxprobe', ['-j', '32', '--quit-after', 'rcpt', '--nameserver', dns.nameserver, '--port', String(port)], { input: domains.join('\n'), timeout: 600_000 });
        const probeMs = Date.now() - t0;
        const okLines = probe.stdout.toString().split('\n').filter((l) => l.includes('\tok\t')).length;
        if (probe.code !== 0 || okLines !== domainCount * 2)
            throw new Error(`mxprobe failed (${probe.code}): ${probe.stderr}`);
        // The shell loop the seed script became: one swaks per exchange, the same exchanges.
        const script = 'while read d; do for ip in 127.0.0.2 127.0.0.3; do ' +
            `"${swaks}" --server "$ip" --port ${port} --quit-after RCPT --from "mxprobe-FROM@$d" --to "mxprobe-TO@$d" ` +
            '>/dev/null 2>&1 || echo "fail $d $ip"; done; done';
        t0 = Date.now();
        const loop = await (0, run_1.runCommand)('sh', ['-c', script], { input: `${domains.join('\n')}\n`, timeout: 1_800_000 });
        const loopMs = Date.now() - t0;
        if (loop.code !== 0 || loop.stdout.length)
            throw new Error(`swaks loop failed: ${loop.stdout.toString()}${loop.stderr}`);
        const ratio = loopMs / probeMs;
        process.stdout.write(`mail: ${domainCount * 2} probes (${domainCount} domains x 2 exchanges, quit after RCPT)\n` +
            `  mxprobe -j 32     ${(probeMs / 1000).toFixed(2)} s\n` +
            `  swaks shell loop  ${(loopMs / 1000).toFixed(2)} s\n` +
            `  ratio             ${ratio.toFixed(1)}x (target >= 20x)\n`);
        return ratio;
    }
    finally {
        await Promise.all(servers.map((s) => s.close()));
        await dns.close();
    }
}
if (require.main === module) {
    benchMail().catch((err) => {
        process.stderr.write(`bench mail: ${err.message}\n`);
        process.exit(1);
    });
}
