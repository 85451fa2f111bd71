/**
 * Start-up, where a shell loop pays it once per item (`for d in …; do mxprobe "$d"`,
 * `s3ls | xargs s3rm`): one single-request `s3ls s3://B/` and one `mxprobe` of one
 * domain on loopback, beside `rclone lsf` (and swaks for the SMTP probe), one `s3rm` of
 * a key (one batch of `s3ls | xargs s3rm`), `--version` and a bare `node -e 0` for scale. Median of BENCH_STARTUP_RUNS (10) alternating runs
 * under /usr/bin/time; target: at most 110 ms wall for s3ls and for mxprobe. The SMTP
 * server greets at once (the raw `prompt` behaviour): smtp-server holds every greeting
 * 100 ms, which would be most of what the SMTP rows measured.
 *
 *   node dist/bench/startup.js   # BENCH_QUICK=1: 3 runs
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { filterPath } from '../test/helpers/run';
import { freshBucket, s3Env, startS3rver, testClient } from '../test/helpers/s3';
import { startDnsServer } from '../test/helpers/dns-server';
import { startSmtpServers } from '../test/helpers/smtp-servers';
import { QUICK, baselineOf, installed, race, rcloneEnv, type Contender, type Row } from './measure';

const TARGET_MS = 110;

export async function benchStartup(runs = Number(process.env.BENCH_STARTUP_RUNS ?? (QUICK ? 3 : 10))): Promise<void> {
  const server = await startS3rver();
  const { port, servers } = await startSmtpServers([{ behaviour: 'prompt' }]);
  const dns = await startDnsServer({ 'one.test': { mx: [[10, 'mx.one.test']] }, 'mx.one.test': { a: ['127.0.0.2'] } });
  const client = testClient(server);
  try {
    const bucket = await freshBucket(client, 'bench');
    for (const key of ['a', 'b', 'c']) await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }));
    const env = s3Env(server);
    const three = (stdout: Buffer) => {
      if (stdout.toString().split('\n').filter(Boolean).length !== 3) throw new Error(`expected 3 keys, got ${stdout.toString()}`);
    };
    const contenders: Contender[] = [
      { label: 'node -e 0', argv: [process.execPath, '-e', '0'] },
      { label: 's3ls --version', argv: [filterPath('s3ls'), '--version'], env },
      { label: 's3ls s3://B/ (one request)', argv: [filterPath('s3ls'), `s3://${bucket}/`], env, check: three },
      { label: 's3rm --version', argv: [filterPath('s3rm'), '--version'], env },
      // A key that is not there: each run sends the same DeleteObjects, as one batch of `s3ls | xargs s3rm`.
      { label: 's3rm s3://B/gone (one request)', argv: [filterPath('s3rm'), `s3://${bucket}/gone`], env },
      { label: 'mxprobe --version', argv: [filterPath('mxprobe'), '--version'] },
      {
        label: 'mxprobe one.test (one exchange)',
        argv: [filterPath('mxprobe'), '--nameserver', dns.nameserver, '--port', String(port), 'one.test'],
        env,
        check: (out) => {
          if (!out.toString().includes('\tok\t')) throw new Error(`mxprobe: ${out.toString()}`);
        },
      },
    ];
    for (const c of contenders.slice(1)) {
      const name = c.argv![0].replace(/^.*\/|\.js$/g, '');
      const theirs = baselineOf(c, filterPath(name), name);
      if (theirs) contenders.push(theirs);
    }
    if (installed('rclone')) {
      contenders.push({
        label: 'rclone lsf b:B',
        argv: ['rclone', 'lsf', `b:${bucket}`],
        env: rcloneEnv(server, env),
        check: three,
      });
    }
    if (installed('swaks')) {
      contenders.push({ label: 'swaks (one exchange)', argv: ['swaks', '--server', '127.0.0.2', '--port', String(port), '--to', 'x@one.test', '--from', 'y@one.test'] });
    }
    const rows: Row[] = await race(contenders, runs);
    const smtp = `SMTP server: ${servers[0].host}:${port}, test/helpers/smtp-servers.ts 'prompt' (raw, greets at once, accepts all)`;
    const lines = [`start-up: median of ${runs} alternating runs; ${smtp}`, `  ${'command'.padEnd(36)} ${'wall ms'.padStart(8)} ${'CPU ms'.padStart(8)} ${'RSS MiB'.padStart(8)}`];
    for (const r of rows) {
      const m = r.median;
      lines.push(`  ${r.label.padEnd(36)} ${(m.wallS * 1000).toFixed(0).padStart(8)} ${(m.cpuS * 1000).toFixed(0).padStart(8)} ${(m.rssKiB / 1024).toFixed(0).padStart(8)}`);
    }
    const rclone = rows.find((r) => r.label.startsWith('rclone'));
    for (const r of rows.filter((x) => /^(s3ls s3|mxprobe one)/.test(x.label))) {
      const ms = r.median.wallS * 1000;
      const beside = rclone ? `, ${(ms / (rclone.median.wallS * 1000)).toFixed(2)}x rclone lsf's time` : '';
      lines.push(`  ${r.label}: ${ms.toFixed(0)} ms (target <= ${TARGET_MS} ms) ${ms <= TARGET_MS ? 'met' : 'MISSED'}${beside}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    client.destroy();
    await Promise.all(servers.map((s) => s.close()));
    await dns.close();
    await server.stop();
  }
}

if (require.main === module) {
  benchStartup().catch((err) => {
    process.stderr.write(`bench startup: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
