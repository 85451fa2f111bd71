/**
 * mxprobe -j 32 against a shell loop of swaks over the same exchanges: 200 domains with
 * two exchanges each, on local smtp-servers, both stopping after RCPT TO, once in
 * plaintext and once over STARTTLS with the certificate verified. Prints the ratios
 * (target: mxprobe at least 20 times faster). Needs swaks (Debian package).
 *
 *   node dist/bench/mail.js            # BENCH_MAIL_DOMAINS=50 for a quicker run
 */
import { execFileSync } from 'node:child_process';
import { startDnsServer, type Zone } from '../test/helpers/dns-server';
import { runCommand, runFilter } from '../test/helpers/run';
import { startSmtpServers, type ServerTls } from '../test/helpers/smtp-servers';
import { testPki } from '../test/helpers/tls';

function swaksPath(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v swaks'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

interface Round {
  label: string;
  /** Extra mxprobe options, and the swaks options that do the same. */
  probeArgs: string[];
  swaksArgs: string;
}

async function round(swaks: string, domainCount: number, tls: ServerTls | undefined, r: Round): Promise<number> {
  const { port, servers } = await startSmtpServers([{ behaviour: 'accept', tls }, { behaviour: 'accept', tls }]);
  const zone: Zone = { 'mx1.bench.test': { a: ['127.0.0.2'] }, 'mx2.bench.test': { a: ['127.0.0.3'] } };
  const domains = Array.from({ length: domainCount }, (_, i) => `d${String(i).padStart(4, '0')}.bench.test`);
  for (const d of domains) zone[d] = { mx: [[10, 'mx1.bench.test'], [20, 'mx2.bench.test']] };
  const dns = await startDnsServer(zone);
  try {
    let t0 = Date.now();
    const probe = await runFilter(
      'mxprobe',
      ['-j', '32', '--quit-after', 'rcpt', '--nameserver', dns.nameserver, '--port', String(port), ...r.probeArgs],
      { input: domains.join('\n'), timeout: 600_000 },
    );
    const probeMs = Date.now() - t0;
    const okLines = probe.stdout.toString().split('\n').filter((l) => l.includes('\tok\t')).length;
    if (probe.code !== 0 || okLines !== domainCount * 2) throw new Error(`mxprobe failed (${probe.code}): ${probe.stderr}`);

    // The shell loop the seed script became: one swaks per exchange, the same exchanges.
    const script =
      'while read d; do for ip in 127.0.0.2 127.0.0.3; do ' +
      `"${swaks}" --server "$ip" --port ${port} --quit-after RCPT --from "mxprobe-FROM@$d" --to "mxprobe-TO@$d" ${r.swaksArgs} ` +
      '>/dev/null 2>&1 || echo "fail $d $ip"; done; done';
    t0 = Date.now();
    const loop = await runCommand('sh', ['-c', script], { input: `${domains.join('\n')}\n`, timeout: 1_800_000 });
    const loopMs = Date.now() - t0;
    if (loop.code !== 0 || loop.stdout.length) throw new Error(`swaks loop failed: ${loop.stdout.toString()}${loop.stderr}`);
    const ratio = loopMs / probeMs;
    process.stdout.write(
      `mail: ${domainCount * 2} probes (${domainCount} domains x 2 exchanges, quit after RCPT${r.label})\n` +
        `  mxprobe -j 32 ${r.probeArgs.join(' ').padEnd(30)} ${(probeMs / 1000).toFixed(2)} s\n` +
        `  swaks ${r.swaksArgs.padEnd(38)} ${(loopMs / 1000).toFixed(2)} s  (shell loop)\n` +
        `  ratio ${ratio.toFixed(1)}x (target >= 20x)\n`,
    );
    return ratio;
  } finally {
    await Promise.all(servers.map((s) => s.close()));
    await dns.close();
  }
}

/**
 * Two rounds over the same 400 exchanges: plain, then STARTTLS with a certificate from a
 * test CA that both sides verify (mxprobe --verify-tls --ca-file; swaks --tls
 * --tls-verify --tls-ca-path). Returns the worse ratio.
 */
export async function benchMail(domainCount = Number(process.env.BENCH_MAIL_DOMAINS ?? 200)): Promise<number | undefined> {
  const swaks = swaksPath();
  if (!swaks) {
    process.stdout.write('mail: swaks not installed (apt-get install swaks); skipped\n');
    return undefined;
  }
  const pki = testPki();
  try {
    const plain = await round(swaks, domainCount, undefined, { label: '', probeArgs: [], swaksArgs: '' });
    // swaks is given the addresses, mxprobe the names: the certificate carries both
    const leaf = pki.leaf(['mx1.bench.test', 'mx2.bench.test', '127.0.0.2', '127.0.0.3']);
    const tls = await round(swaks, domainCount, { key: leaf.key, cert: leaf.chain }, {
      label: ', STARTTLS, certificate verified',
      probeArgs: ['--verify-tls', '--ca-file', pki.rootFile],
      swaksArgs: `--tls --tls-verify --tls-ca-path ${pki.rootFile}`,
    });
    return Math.min(plain, tls);
  } finally {
    pki.remove();
  }
}

if (require.main === module) {
  benchMail().catch((err) => {
    process.stderr.write(`bench mail: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
