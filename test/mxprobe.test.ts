import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { getEventListeners } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { MxError, MxResolver, probeDomains, probeExchange, resolveMx, type ProbeResult } from '../lib/mail';
import { deadNameserver, startDnsServer, type DnsServer, type Zone } from './helpers/dns-server';
import { filterPath, runCommand, runFilter, stderrLines, type RunResult } from './helpers/run';
import { interruptWhen } from './helpers/smtp-servers';
import { startSmtpServers, type Behaviour, type TestSmtpServer } from './helpers/smtp-servers';

// One smtp-server or raw server per behaviour on 127.0.0.2, .3, … sharing one port; each
// test domain's MX points at the address of the behaviour it is named after.
const BEHAVIOURS: Behaviour[] = [
  'accept',
  'reject-rcpt',
  'starttls',
  'reject-mail',
  'greet-421',
  'drop-after-banner',
  'hang-rcpt',
  'garbage',
  'silent',
  'reject-data',
  'mute-after-ehlo',
];
const ip = (b: Behaviour) => `127.0.0.${2 + BEHAVIOURS.indexOf(b)}`;
/**
 * Timeouts of the in-process cases whose servers all answer: long, so that only a wrong
 * answer fails them (at 2 s, CI's load once turned two good exchanges into timeouts).
 */
const ANSWERED_MS = 15_000;
const single: Record<string, Behaviour> = {
  'accept.test': 'accept',
  'relay.test': 'reject-rcpt',
  'tls.test': 'starttls',
  'rejmail.test': 'reject-mail',
  'greet421.test': 'greet-421',
  'drop.test': 'drop-after-banner',
  'hang.test': 'hang-rcpt',
  'garbage.test': 'garbage',
  'nogreeting.test': 'silent',
  'rejdata.test': 'reject-data',
  'mute.test': 'mute-after-ehlo',
};

const zone: Zone = {
  // listed out of order: output must follow preference
  'multi.test': { mx: [[30, 'mx3.multi.test'], [10, 'mx1.multi.test'], [20, 'mx2.multi.test']] },
  'mx1.multi.test': { a: [ip('accept')] },
  'mx2.multi.test': { a: [ip('reject-rcpt')] },
  'mx3.multi.test': { a: [ip('starttls')] },
  'implicit.test': { a: [ip('accept')] },
  'null.test': { mx: [[0, '.']] },
  'servfail.test': { rcode: 'SERVFAIL' },
  'refused.test': { rcode: 'REFUSED' },
  'silent.test': { silent: true },
  'nomail.test': {},
  'ghost.test': { mx: [[10, 'mx.ghost.test']] }, // the exchange itself does not exist
  'closed.test': { mx: [[10, 'mx.closed.test']] },
  'mx.closed.test': { a: ['127.0.0.254'] }, // nothing listens there
  'twoaddr.test': { mx: [[10, 'mx.twoaddr.test']] },
  'mx.twoaddr.test': { a: ['127.0.0.254', '127.0.0.2'] }, // the first refuses, the second is 'accept'
};
// Enough domains on one hanging exchange to hold 16 sessions open at once.
const MANY = Array.from({ length: 20 }, (_, i) => `hang${String(i).padStart(2, '0')}.test`);
for (const domain of MANY) zone[domain] = { mx: [[10, 'mx.hang.test']] };
for (const [domain, behaviour] of Object.entries(single)) {
  zone[domain] = { mx: [[10, `mx.${domain}`]] };
  zone[`mx.${domain}`] = { a: [ip(behaviour)] };
}

let dns: DnsServer;
let servers: TestSmtpServer[];
let port: number;
const server = (b: Behaviour) => servers[BEHAVIOURS.indexOf(b)];

before(async () => {
  dns = await startDnsServer(zone);
  ({ port, servers } = await startSmtpServers(BEHAVIOURS.map((behaviour) => ({ behaviour }))));
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await dns.close();
});

function mxprobe(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeout?: string } = {}): Promise<RunResult> {
  const base = ['--nameserver', dns.nameserver, '--port', String(port), '--timeout', opts.timeout ?? '2s'];
  return runFilter('mxprobe', [...base, ...args], { input: opts.input, env: opts.env, timeout: 30_000 });
}
const out = (r: RunResult) => r.stdout.toString();
const tsv = (...fields: (string | number)[]) => `${fields.join('\t')}\n`;
const noStack = (r: RunResult) => assert.ok(!/^\s+at /m.test(r.stderr), `stack trace on stderr:\n${r.stderr}`);

describe('mxprobe: exchanges and their outcomes', () => {
  it('every exchange in preference order, one TSV line each; a relay rejection fails the run', async () => {
    const before = server('accept').received.length;
    const r = await mxprobe(['multi.test']);
    assert.equal(
      out(r),
      tsv('multi.test', 'mx1.multi.test', 10, 'ok', 250, 'data', 'OK: message queued', ip('accept'), 'none') +
        tsv('multi.test', 'mx2.multi.test', 20, 'fail', 554, 'rcpt', '5.7.1 Relay access denied', ip('reject-rcpt'), 'none') +
        // smtp-server's built-in certificate is self-signed and long expired; OpenSSL names the expiry first
        tsv('multi.test', 'mx3.multi.test', 30, 'ok', 250, 'data', 'OK: message queued', ip('starttls'), 'TLSv1.3:expired'),
    );
    assert.equal(r.code, 1);
    assert.deepEqual(stderrLines(r), [`mxprobe: multi.test: mx2.multi.test [${ip('reject-rcpt')}]: 554 5.7.1 Relay access denied (rcpt)`]);
    const got = server('accept').received.slice(before);
    assert.deepEqual(got, [
      { from: 'mxprobe-FROM@multi.test', to: ['mxprobe-TO@multi.test'], subject: 'Test via mx1.multi.test for multi.test', secure: false },
    ]);
    // opportunistic STARTTLS with smtp-server's self-signed certificate
    assert.equal(server('starttls').received.at(-1)?.secure, true);
  });

  it('exit 0 and nothing on stderr when every exchange accepts', async () => {
    const r = await mxprobe(['accept.test', 'implicit.test']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(
      out(r),
      tsv('accept.test', 'mx.accept.test', 10, 'ok', 250, 'data', 'OK: message queued', ip('accept'), 'none') +
        tsv('implicit.test', 'implicit.test', 0, 'ok', 250, 'data', 'OK: message queued', ip('accept'), 'none'),
    );
  });

  const failures: [string, string, ProbeResult['status'], ProbeResult['phase'], string | number, string, string][] = [
    ['rejmail.test', 'mx.rejmail.test', 'fail', 'mail', 550, '5.7.1 Sender rejected', ip('reject-mail')],
    // a 4xx is a temporary failure: tempfail, not fail
    ['greet421.test', 'mx.greet421.test', 'tempfail', 'greeting', 421, '4.3.2 mx.test Service not available, closing transmission channel', ip('greet-421')],
    ['drop.test', 'mx.drop.test', 'fail', 'ehlo', '-', 'connection closed by server', ip('drop-after-banner')],
    ['garbage.test', 'mx.garbage.test', 'fail', 'greeting', '-', 'not an SMTP reply: HTTP/1.1 400 Bad Request', ip('garbage')],
    ['rejdata.test', 'mx.rejdata.test', 'fail', 'data', 554, '5.6.0 Message refused', ip('reject-data')],
    ['closed.test', 'mx.closed.test', 'fail', 'connect', '-', 'connection refused', '127.0.0.254'],
    ['ghost.test', 'mx.ghost.test', 'fail', 'dns', '-', 'NXDOMAIN: no such domain (A lookup)', '-'],
  ];
  for (const [domain, exchange, status, phase, code, message, address] of failures) {
    it(`${domain}: ${status} at ${phase} with ${code} ${message}`, async () => {
      const r = await mxprobe([domain]);
      assert.equal(out(r), tsv(domain, exchange, 10, status, code, phase, message, address, address === '-' ? '-' : 'none'));
      assert.equal(r.code, 1);
      const where = address === '-' ? exchange : `${exchange} [${address}]`;
      assert.deepEqual(stderrLines(r), [`mxprobe: ${domain}: ${where}: ${code === '-' ? '' : `${code} `}${message} (${phase})`]);
    });
  }

  for (const [domain, phase, address] of [
    ['hang.test', 'rcpt', ip('hang-rcpt')],
    ['nogreeting.test', 'greeting', ip('silent')],
    ['mute.test', 'mail', ip('mute-after-ehlo')],
  ] as const) {
    it(`${domain}: a server that stops answering fails at ${phase} after --timeout, not later`, async () => {
      const t0 = Date.now();
      const r = await mxprobe([domain], { timeout: '1s' });
      assert.equal(out(r), tsv(domain, `mx.${domain}`, 10, 'fail', '-', phase, 'no reply within 1s', address, 'none'));
      assert.equal(r.code, 1);
      assert.equal(stderrLines(r).length, 1);
      assert.ok(Date.now() - t0 < 8000, `took ${Date.now() - t0}ms`);
    });
  }
});

describe('mxprobe: addresses', () => {
  it('an exchange with several addresses: every address is probed, one line each; a refused one fails the run', async () => {
    const r = await mxprobe(['--transcript', 'twoaddr.test']);
    assert.equal(
      out(r),
      tsv('twoaddr.test', 'mx.twoaddr.test', 10, 'fail', '-', 'connect', 'connection refused', '127.0.0.254', 'none') +
        tsv('twoaddr.test', 'mx.twoaddr.test', 10, 'ok', 250, 'data', 'OK: message queued', '127.0.0.2', 'none'),
    );
    assert.equal(r.code, 1);
    const lines = stderrLines(r);
    // the transcript has a line for the refused connection too
    const i = lines.indexOf(`** twoaddr.test: probing mx.twoaddr.test [127.0.0.254]:${port}`);
    assert.ok(i >= 0, r.stderr);
    assert.equal(lines[i + 1], `** 127.0.0.254:${port}: connection refused`);
    assert.ok(lines.includes(`** twoaddr.test: probing mx.twoaddr.test [127.0.0.2]:${port}`));
  });
});

describe('mxprobe: DNS outcomes', () => {
  const cases: [string, string][] = [
    ['null.test', tsv('null.test', '.', 0, 'fail', '-', 'dns', 'null MX: the domain accepts no mail (RFC 7505)', '-', '-')],
    ['nx.test', tsv('nx.test', '-', '-', 'fail', '-', 'dns', 'NXDOMAIN: no such domain (MX lookup)', '-', '-')],
    ['servfail.test', tsv('servfail.test', '-', '-', 'fail', '-', 'dns', 'SERVFAIL from nameserver (MX lookup)', '-', '-')],
    ['refused.test', tsv('refused.test', '-', '-', 'fail', '-', 'dns', 'REFUSED from nameserver (MX lookup)', '-', '-')],
    ['nomail.test', tsv('nomail.test', '-', '-', 'fail', '-', 'dns', 'no MX and no A/AAAA records: the domain accepts no mail', '-', '-')],
    ['silent.test', tsv('silent.test', '-', '-', 'fail', '-', 'dns', `MX lookup: nameserver ${'NS'}: no answer within 1s`, '-', '-')],
  ];
  for (const [domain, expected] of cases) {
    it(`${domain}: one clear line, exit 1`, async () => {
      const r = await mxprobe([domain], { timeout: '1s' });
      assert.equal(out(r), expected.replace('NS', dns.nameserver));
      assert.equal(r.code, 1);
      assert.match(stderrLines(r)[0], new RegExp(`^mxprobe: ${domain}: `));
    });
  }

  it('a nameserver that is down (ICMP port unreachable) fails at once, not after the timeout', async () => {
    const dead = await deadNameserver();
    const r = await runFilter('mxprobe', ['--nameserver', dead, '--timeout', '1h', '--json', 'example.org'], { timeout: 30_000 });
    assert.equal(r.code, 1);
    const why = `MX lookup: nameserver ${dead}: port unreachable (no DNS server there)`;
    assert.equal(JSON.parse(out(r)).message, why);
    assert.deepEqual(stderrLines(r), [`mxprobe: example.org: ${why} (dns)`]);
  });

  it('PIPEKIT_NAMESERVER and PIPEKIT_SMTP_PORT stand in for --nameserver and --port', async () => {
    const env = { ...process.env, PIPEKIT_NAMESERVER: dns.nameserver, PIPEKIT_SMTP_PORT: String(port) };
    const r = await runFilter('mxprobe', ['implicit.test'], { env, timeout: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(out(r), tsv('implicit.test', 'implicit.test', 0, 'ok', 250, 'data', 'OK: message queued', ip('accept'), 'none'));
  });
});

describe('mxprobe: options', () => {
  it('--transcript: the dialogue on stderr with <- and -> prefixes, headers but no body', async () => {
    const r = await mxprobe(['--transcript', 'relay.test', 'accept.test']);
    assert.equal(r.code, 1);
    const lines = stderrLines(r);
    for (const l of lines) assert.match(l, /^(<- |-> |\*\* |mxprobe: )/);
    assert.ok(lines.includes('-> MAIL FROM:<mxprobe-FROM@relay.test>'));
    assert.ok(lines.includes('-> RCPT TO:<mxprobe-TO@relay.test>'));
    assert.ok(lines.includes('<- 554 5.7.1 Relay access denied'));
    assert.ok(lines.includes('<- 220 vm ESMTP') || lines.some((l) => /^<- 220 /.test(l)));
    assert.ok(lines.includes('-> Subject: Test via mx.accept.test for accept.test'));
    assert.ok(lines.includes('<- 250 OK: message queued'));
    assert.ok(lines.includes('-> QUIT'));
    // the body (the subject repeated) is not echoed
    assert.equal(lines.filter((l) => l.includes('Test via mx.accept.test for accept.test')).length, 1);
    assert.equal(lines.filter((l) => l.startsWith('mxprobe: ')).length, 1);
  });

  it('--transcript shows STARTTLS and the second EHLO', async () => {
    const r = await mxprobe(['--transcript', 'tls.test']);
    assert.equal(r.code, 0, r.stderr);
    const lines = stderrLines(r);
    const i = lines.indexOf('-> STARTTLS');
    assert.ok(i > 0, r.stderr);
    assert.match(lines[i + 1], /^<- 220 /);
    assert.match(lines[i + 2], /^\*\* TLS established: TLSv1\.3 \S+, certificate not verified: expired$/);
    assert.match(lines[i + 3], /^-> EHLO /);
  });

  it('--quit-after rcpt: no DATA, no message delivered', async () => {
    const before = server('accept').received.length;
    const r = await mxprobe(['--quit-after', 'rcpt', '--transcript', 'accept.test', 'relay.test']);
    assert.equal(
      out(r),
      tsv('accept.test', 'mx.accept.test', 10, 'ok', 250, 'rcpt', 'Accepted', ip('accept'), 'none') +
        tsv('relay.test', 'mx.relay.test', 10, 'fail', 554, 'rcpt', '5.7.1 Relay access denied', ip('reject-rcpt'), 'none'),
    );
    assert.equal(r.code, 1);
    assert.equal(server('accept').received.length, before);
    assert.ok(!stderrLines(r).includes('-> DATA'));
    assert.ok(stderrLines(r).includes('-> RCPT TO:<mxprobe-TO@accept.test>'));
  });

  it('--from and --to replace the envelope addresses', async () => {
    const r = await mxprobe(['--from', 'probe@sender.test', '--to', 'postmaster@accept.test', 'accept.test']);
    assert.equal(r.code, 0, r.stderr);
    const last = server('accept').received.at(-1)!;
    assert.equal(last.from, 'probe@sender.test');
    assert.deepEqual(last.to, ['postmaster@accept.test']);
  });

  it('--no-tls stays in plaintext; --require-tls fails where STARTTLS is missing', async () => {
    const plain = await mxprobe(['--no-tls', '--json', 'tls.test']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(JSON.parse(out(plain)).tls, null);
    assert.equal(server('starttls').received.at(-1)?.secure, false);
    const required = await mxprobe(['--require-tls', '--json', '--transcript', 'tls.test', 'accept.test']);
    const [a, b] = out(required).trim().split('\n').map((l) => JSON.parse(l) as ProbeResult);
    assert.equal(a.status, 'ok');
    assert.equal(a.tls?.version, 'TLSv1.3');
    // not advertised: not sent, and said so (not a 502 to a STARTTLS nobody offered)
    assert.deepEqual([b.status, b.code, b.phase, b.message], ['fail', null, 'tls', 'STARTTLS not offered']);
    assert.equal(stderrLines(required).filter((l) => l === '-> STARTTLS').length, 1);
    assert.equal(required.code, 1);
  });

  it('--json: one JSON object per exchange with the TSV fields and more', async () => {
    const r = await mxprobe(['--json', 'multi.test', 'nx.test']);
    const rows = out(r).trim().split('\n').map((l) => JSON.parse(l) as ProbeResult);
    assert.deepEqual(
      rows.map((x) => [x.domain, x.exchange, x.preference, x.status, x.code, x.phase]),
      [
        ['multi.test', 'mx1.multi.test', 10, 'ok', 250, 'data'],
        ['multi.test', 'mx2.multi.test', 20, 'fail', 554, 'rcpt'],
        ['multi.test', 'mx3.multi.test', 30, 'ok', 250, 'data'],
        ['nx.test', '-', null, 'fail', null, 'dns'],
      ],
    );
    assert.equal(rows[0].address, ip('accept'));
    assert.equal(rows[2].tls?.verified, false);
    assert.equal(rows[0].tls, null);
    assert.equal(rows[0].family, 4);
    assert.equal(rows[3].address, null);
  });

  // Eight or sixteen sessions at once on a loaded CI machine: 3 s, so that a healthy
  // server's reply never misses the timeout (1 s did, twice, at load 30). That the
  // sessions really run at once is the -j 16 case's peak of 16 connections.
  it('-j 8: same output as -j 1, in input order, transcripts not interleaved', async () => {
    const domains = ['hang.test', 'multi.test', 'accept.test', 'nogreeting.test', 'relay.test', 'implicit.test', 'null.test'];
    const serial = await mxprobe(['-j', '1', ...domains], { timeout: '3s' });
    const parallel = await mxprobe(['-j', '8', '--transcript', ...domains], { timeout: '3s' });
    assert.equal(out(parallel), out(serial));
    assert.equal(parallel.code, 1);
    // each block opens with '** DOMAIN: probing' and only speaks of that domain
    let current = '';
    for (const l of stderrLines(parallel)) {
      const open = /^\*\* ([^:]+): probing /.exec(l);
      if (open) current = open[1];
      const addr = /^-> (?:MAIL FROM|RCPT TO):<[^@]+@(.*)>$/.exec(l);
      if (addr) assert.equal(addr[1], current, `interleaved transcript:\n${parallel.stderr}`);
    }
  });

  it('-j 16 with 16 sessions open at once: no MaxListenersExceededWarning', async () => {
    const hang = server('hang-rcpt');
    const r = await mxprobe(['-j', '16', ...MANY], { timeout: '3s' });
    // every session stood open until its timeout, so all 16 slots held one at the same time
    assert.equal(hang.connections.peak, 16);
    const a = ip('hang-rcpt');
    assert.equal(out(r), MANY.map((d) => tsv(d, 'mx.hang.test', 10, 'fail', '-', 'rcpt', 'no reply within 3s', a, 'none')).join(''));
    assert.equal(r.code, 1);
    assert.ok(!r.stderr.includes('MaxListenersExceededWarning'), r.stderr);
    assert.deepEqual(stderrLines(r), MANY.map((d) => `mxprobe: ${d}: mx.hang.test [${a}]: no reply within 3s (rcpt)`));
  });

  it('SIGINT while an exchange hangs: exit 130, one line, nothing on stdout', async () => {
    const args = ['--nameserver', dns.nameserver, '--port', String(port), '--timeout', '20s', '--transcript', 'hang.test'];
    const child = spawn(process.execPath, [filterPath('mxprobe'), ...args]);
    const r = await interruptWhen(child, '-> RCPT TO:');
    assert.equal(r.code, 130);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trimEnd().split('\n').at(-1), 'mxprobe: interrupted');
    assert.ok(!/^\s+at /m.test(r.stderr));
  });

  it('domains on stdin, one per line; blank lines skipped; -0 for NUL-separated', async () => {
    const lines = await mxprobe([], { input: 'accept.test\n\nimplicit.test\n' });
    assert.equal(lines.code, 0, lines.stderr);
    assert.equal(out(lines).split('\n').length - 1, 2);
    const nul = await mxprobe(['-0'], { input: 'accept.test\0implicit.test\0' });
    assert.equal(out(nul), out(lines));
  });

  it('empty stdin is nothing to do: exit 0, no output', async () => {
    const r = await mxprobe([], { input: '' });
    assert.equal(r.code, 0);
    assert.equal(out(r), '');
    assert.equal(r.stderr, '');
  });

  it('stdin of blank and comment lines only, or empty with -0: nothing to do, exit 0', async () => {
    for (const [args, input] of [[[], '\n  \n# later\n'], [['-0'], '']] as [string[], string][]) {
      const r = await mxprobe(args, { input });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(out(r), '');
      assert.equal(r.stderr, '');
    }
  });

  it("an empty argument among good ones probes nothing: exit 2, one line", async () => {
    const before = server('accept').received.length;
    const r = await mxprobe(['accept.test', '']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(out(r), '');
    assert.deepEqual(stderrLines(r), ['mxprobe: empty domain argument; see mxprobe --help']);
    assert.equal(server('accept').received.length, before);
  });

  it('a closed stdout ends quietly (| head -1)', async () => {
    const cmd = `node ${filterPath('mxprobe')} --nameserver ${dns.nameserver} --port ${port} accept.test implicit.test accept.test implicit.test | head -n 1; echo "rc=\${PIPESTATUS[0]}" >&2`;
    const r = await runCommand('bash', ['-c', cmd], { timeout: 30_000 });
    assert.equal(out(r), tsv('accept.test', 'mx.accept.test', 10, 'ok', 250, 'data', 'OK: message queued', ip('accept'), 'none'));
    assert.match(r.stderr, /^rc=(0|141)\n$/);
  });
});

describe('mxprobe: usage errors exit 2 with one clear line', () => {
  const cases: [string[], RegExp][] = [
    [['exa mple.org'], /^mxprobe: malformed domain 'exa mple\.org'$/],
    [[''], /^mxprobe: empty domain argument$/],
    [['a.test', ''], /^mxprobe: empty domain argument$/],
    [['--', ''], /^mxprobe: empty domain argument$/],
    [[' a.test'], /^mxprobe: malformed domain ' a\.test'$/],
    [['#a.test'], /^mxprobe: malformed domain '#a\.test'$/],
    [['good.test', '-bad-.test'], /^mxprobe: unknown option -bad-\.test$/],
    [['--', 'a..b'], /^mxprobe: malformed domain 'a\.\.b'$/],
    [['--port', '0', 'a.test'], /^mxprobe: invalid --port '0' \(a whole number from 1 to 65535\)$/],
    [['--port', '70000', 'a.test'], /^mxprobe: invalid --port '70000' \(a whole number from 1 to 65535\)$/],
    [['--port', 'smtp', 'a.test'], /^mxprobe: invalid --port 'smtp' \(a whole number from 1 to 65535\)$/],
    [['--nameserver', 'no such host', 'a.test'], /^mxprobe: invalid --nameserver 'no such host'/],
    [['--timeout', 'soon', 'a.test'], /^mxprobe: invalid --timeout 'soon' \(a duration such as 30s, 500ms or 2m\)$/],
    [['--timeout', '0', 'a.test'], /^mxprobe: invalid --timeout '0' \(a duration such as 30s, 500ms or 2m\)$/],
    [['--quit-after', 'mail', 'a.test'], /^mxprobe: invalid --quit-after 'mail' \(rcpt or data\)$/],
    [['--no-tls', '--require-tls', 'a.test'], /^mxprobe: --no-tls and --require-tls contradict each other$/],
    [['-j', '0', 'a.test'], /^mxprobe: invalid --jobs '0' \(a whole number from 1 to 1024\)$/],
    [['-j', '1025', 'a.test'], /^mxprobe: invalid --jobs '1025' \(a whole number from 1 to 1024\)$/],
    [['--frobnicate', 'a.test'], /^mxprobe: unknown option --frobnicate$/],
  ];
  for (const [args, re] of cases) {
    it(JSON.stringify(args), async () => {
      const r = await runFilter('mxprobe', args, { timeout: 30_000 });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(out(r), '');
      const [line, ...rest] = stderrLines(r);
      assert.deepEqual(rest, [], 'one line');
      assert.match(line.replace(/; see mxprobe --help$/, ''), re);
      assert.match(line, /; see mxprobe --help$/);
      noStack(r);
    });
  }

  it('no domains and stdin a terminal: usage error', async () => {
    // script(1) gives the filter a pseudo-terminal as stdin
    const r = await runCommand('script', ['-qec', `node ${filterPath('mxprobe')}`, '/dev/null'], { timeout: 30_000 });
    assert.equal(r.code, 2);
    assert.match(out(r), /mxprobe: no domains given \(as arguments or on stdin\)/);
  });

  it('--help lists every option; --version prints the version', async () => {
    const help = await runFilter('mxprobe', ['--help']);
    assert.equal(help.code, 0);
    for (const opt of ['--nameserver', '--port', '--from', '--to', '--quit-after', '--no-tls', '--require-tls', '--jobs', '--timeout', '--json', '--transcript', '--null']) {
      assert.ok(out(help).includes(opt), opt);
    }
    const version = await runFilter('mxprobe', ['--version']);
    assert.match(out(version), /^mxprobe \d+\.\d+\.\d+\n$/);
  });
});

describe('mail library: resolveMx, probeExchange, probeDomains', () => {
  const nameservers = () => [{ host: dns.host, port: dns.port }];

  it('resolveMx sorts by preference; implicit MX; typed errors', async () => {
    assert.deepEqual(await resolveMx('multi.test', { nameservers: nameservers() }), [
      { exchange: 'mx1.multi.test', preference: 10, implicit: false },
      { exchange: 'mx2.multi.test', preference: 20, implicit: false },
      { exchange: 'mx3.multi.test', preference: 30, implicit: false },
    ]);
    assert.deepEqual(await resolveMx('implicit.test', { nameservers: nameservers() }), [
      { exchange: 'implicit.test', preference: 0, implicit: true },
    ]);
    for (const [domain, kind] of [
      ['null.test', 'nullmx'],
      ['nx.test', 'nxdomain'],
      ['servfail.test', 'servfail'],
      ['silent.test', 'timeout'],
      ['nomail.test', 'nomail'],
    ]) {
      // Only the silent server needs the timeout to pass; the others answer, and under
      // CI's load an answer took more than the 500 ms that was once every case's limit.
      const timeoutMs = kind === 'timeout' ? 500 : 15_000;
      await assert.rejects(resolveMx(domain, { nameservers: nameservers(), timeoutMs }), (e: unknown) => {
        assert.ok(e instanceof MxError);
        assert.equal(e.kind, kind);
        return true;
      });
    }
  });

  it('probeExchange reports, never throws; transcript callback gets the dialogue', async () => {
    const resolver = new MxResolver({ nameservers: nameservers(), timeoutMs: ANSWERED_MS });
    const lines: string[] = [];
    const [r] = await probeExchange(
      { domain: 'relay.test', exchange: 'mx.relay.test', preference: 10 },
      { resolver, port, timeoutMs: ANSWERED_MS, quitAfter: 'rcpt', transcript: (l) => lines.push(l) },
    );
    assert.deepEqual(
      { status: r.status, code: r.code, phase: r.phase, message: r.message, address: r.address },
      { status: 'fail', code: 554, phase: 'rcpt', message: '5.7.1 Relay access denied', address: ip('reject-rcpt') },
    );
    assert.ok(lines.includes('<- 554 5.7.1 Relay access denied'));
  });

  it('probeDomains yields in input order and honours an AbortSignal', async () => {
    const resolver = new MxResolver({ nameservers: nameservers(), timeoutMs: ANSWERED_MS });
    const results: ProbeResult[] = [];
    for await (const r of probeDomains(['implicit.test', 'multi.test'], { resolver, port, timeoutMs: ANSWERED_MS, jobs: 4 })) results.push(r);
    assert.deepEqual(
      results.map((r) => `${r.exchange} ${r.status}`),
      ['implicit.test ok', 'mx1.multi.test ok', 'mx2.multi.test fail', 'mx3.multi.test ok'],
      results.map((r) => r.message).join('; '),
    );
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const t0 = Date.now();
    const hung: ProbeResult[] = [];
    for await (const r of probeDomains(['hang.test'], { resolver, port, timeoutMs: 20_000, signal: ac.signal })) hung.push(r);
    assert.ok(Date.now() - t0 < 15_000, 'ended by the abort, not by the 20 s timeout');
    assert.equal(hung[0].status, 'fail');
    assert.equal(hung[0].message, 'interrupted');
  });

  it('probeDomains listens on the caller\'s signal once while it runs, and not at all after, also after an early return', async () => {
    const resolver = new MxResolver({ nameservers: nameservers(), timeoutMs: ANSWERED_MS });
    const ac = new AbortController();
    const listeners = () => getEventListeners(ac.signal, 'abort').length;
    const seen: number[] = [];
    for await (const r of probeDomains(['multi.test', 'accept.test'], { resolver, port, timeoutMs: ANSWERED_MS, jobs: 4, quitAfter: 'rcpt', signal: ac.signal })) {
      seen.push(listeners());
      assert.ok(r.exchange);
    }
    assert.deepEqual(seen, [1, 1, 1, 1]);
    assert.equal(listeners(), 0);
    for await (const r of probeDomains(['multi.test', 'accept.test'], { resolver, port, timeoutMs: ANSWERED_MS, jobs: 4, quitAfter: 'rcpt', signal: ac.signal })) {
      assert.equal(r.exchange, 'mx1.multi.test');
      break;
    }
    assert.equal(listeners(), 0);
  });
});
