import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { getEventListeners } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { MxResolver, sendEtrn, sendEtrnToBackups } from '../lib/mail';
import { startDnsServer, type DnsServer } from './helpers/dns-server';
import { startPostfix, type Postfix } from './helpers/postfix';
import { filterPath, runCommand, runFilter, stderrLines, type RunResult } from './helpers/run';
import { interruptWhen, startSmtpServer, startSmtpServers, type Behaviour, type EtrnBehaviour, type TestSmtpServer } from './helpers/smtp-servers';

// A real Postfix answers ETRN for its fast_flush_domains; smtp-server instances (which
// have no ETRN and do not advertise it) play the other RFC 1985 answers and the faults.
const FAKES: [string, Behaviour, EtrnBehaviour | undefined][] = [
  ['251', 'accept', { code: 251, text: 'OK, no messages waiting for node %s' }],
  ['458', 'accept', { code: 458, text: 'Unable to queue messages for node %s' }],
  ['502', 'accept', undefined],
  ['500', 'accept', { code: 500, text: 'Syntax error, command unrecognized' }],
  ['252', 'accept', { code: 252, text: 'OK, pending messages for node %s started' }],
  ['hang', 'accept', 'hang'],
  ['drop', 'accept', 'drop'],
  ['greet421', 'greet-421', undefined],
  ['garbage', 'garbage', undefined],
  ['tls', 'starttls', { code: 250, text: 'OK, queuing for node %s started' }],
  ['closing', 'accept', { code: 421, text: '4.3.0 closing, try later' }],
];
const addr = (name: string) => `127.0.0.${2 + FAKES.findIndex(([n]) => n === name)}`;

let postfix: Postfix;
let dns: DnsServer;
let fakes: TestSmtpServer[];
let fakePort: number;
let pf: string; // 127.0.0.1:PORT of Postfix

before(async () => {
  // As on the trial's servers: a bare host name in EHLO is refused (504), so the default must be a name or a literal.
  postfix = await startPostfix(['flush.test', 'flush2.test'], '127.0.0.1', {
    main: ['smtpd_helo_required = yes', 'smtpd_helo_restrictions = reject_non_fqdn_helo_hostname'],
  });
  pf = `${postfix.host}:${postfix.port}`;
  ({ port: fakePort, servers: fakes } = await startSmtpServers(FAKES.map(([, behaviour, etrn]) => ({ behaviour, etrn }))));
  dns = await startDnsServer({
    // the primary is never asked; the backups are the local Postfix
    'flush.test': { mx: [[10, 'primary.flush.test'], [20, 'backup.flush.test']] },
    'flush2.test': { mx: [[30, 'b2.flush2.test'], [10, 'primary.flush2.test'], [20, 'b1.flush2.test']] },
    'single.test': { mx: [[10, 'primary.flush.test']] },
    'primary.flush.test': { a: [addr('502')] },
    'primary.flush2.test': { a: [addr('502')] },
    'backup.flush.test': { a: ['127.0.0.1'] },
    'b1.flush2.test': { a: ['127.0.0.1'] },
    'b2.flush2.test': { a: ['127.0.0.1'] },
  });
});
after(async () => {
  await Promise.all((fakes ?? []).map((s) => s.close()));
  await dns?.close();
  await postfix?.stop();
});

function etrn(args: string[], opts: { input?: string } = {}): Promise<RunResult> {
  return runFilter('etrn', args, { input: opts.input, timeout: 30_000 });
}
const out = (r: RunResult) => r.stdout.toString();
const tsv = (...fields: (string | number)[]) => `${fields.join('\t')}\n`;
const noStack = (r: RunResult) => assert.ok(!/^\s+at /m.test(r.stderr), `stack trace on stderr:\n${r.stderr}`);

describe('etrn against a real Postfix', () => {
  it('250 Queuing started for a fast_flush domain: exit 0, nothing on stderr', async () => {
    const r = await etrn([pf, 'flush.test']);
    assert.equal(out(r), tsv(pf, 'flush.test', 250, 'Queuing started'));
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
  });

  it('459 for a domain Postfix does not flush: exit 1, one line on stderr', async () => {
    const r = await etrn([pf, 'flush.test', 'other.org', 'flush2.test']);
    assert.equal(
      out(r),
      tsv(pf, 'flush.test', 250, 'Queuing started') +
        tsv(pf, 'other.org', 459, '<other.org>: service unavailable') +
        tsv(pf, 'flush2.test', 250, 'Queuing started'),
    );
    assert.equal(r.code, 1);
    assert.deepEqual(stderrLines(r), [`etrn: ${pf}: other.org: 459 <other.org>: service unavailable`]);
  });

  it('--port with a bare address', async () => {
    const r = await etrn(['--port', String(postfix.port), '127.0.0.1', 'flush.test']);
    assert.equal(out(r), tsv('127.0.0.1', 'flush.test', 250, 'Queuing started'));
    assert.equal(r.code, 0);
  });

  it('--transcript: banner, EHLO advertising ETRN, ETRN, QUIT', async () => {
    const r = await etrn(['--transcript', pf, 'flush.test']);
    assert.equal(r.code, 0);
    const lines = stderrLines(r);
    for (const l of lines) assert.match(l, /^(<- |-> |\*\* )/);
    assert.equal(lines[0], `** connected to ${pf}`);
    assert.equal(lines[1], '<- 220 postfix.test ESMTP');
    assert.match(lines[2], /^-> EHLO \S+$/);
    assert.ok(lines.includes('<- 250-ETRN'));
    assert.deepEqual(lines.slice(-4), ['-> ETRN flush.test', '<- 250 Queuing started', '-> QUIT', '<- 221 2.0.0 Bye']);
  });

  it('--mx: ETRN at every backup MX of the domain, never at the primary', async () => {
    const before = fakes[FAKES.findIndex(([n]) => n === '502')].commands.length;
    const r = await etrn(['--mx', '--nameserver', dns.nameserver, '--port', String(postfix.port), 'flush.test', 'flush2.test']);
    assert.equal(
      out(r),
      tsv('backup.flush.test', 'flush.test', 250, 'Queuing started') +
        tsv('b1.flush2.test', 'flush2.test', 250, 'Queuing started') +
        tsv('b2.flush2.test', 'flush2.test', 250, 'Queuing started'),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fakes[FAKES.findIndex(([n]) => n === '502')].commands.length, before);
  });

  it('--mx for a domain without backup MX or without MX: one line each on stdout and stderr, exit 1', async () => {
    const r = await etrn(['--mx', '--nameserver', dns.nameserver, '--timeout', '2s', 'single.test', 'nx.test']);
    assert.equal(
      out(r),
      tsv('-', 'single.test', '-', 'no backup MX: every exchange has the best preference') + tsv('-', 'nx.test', '-', 'NXDOMAIN: no such domain (MX lookup)'),
    );
    assert.equal(r.code, 1);
    assert.deepEqual(stderrLines(r), [
      'etrn: single.test: no backup MX: every exchange has the best preference',
      'etrn: nx.test: NXDOMAIN: no such domain (MX lookup)',
    ]);
  });

  it('--starttls against Postfix without TLS fails clearly', async () => {
    const r = await etrn(['--starttls', pf, 'flush.test']);
    assert.equal(out(r), tsv(pf, 'flush.test', '-', 'STARTTLS not offered by server'));
    assert.equal(r.code, 1);
    assert.equal(stderrLines(r).length, 1);
  });

  it('library: sendEtrn and sendEtrnToBackups', async () => {
    const ac = new AbortController();
    const results = await sendEtrn(pf, ['flush.test', 'other.org'], { timeoutMs: 5000, signal: ac.signal });
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0, 'no listener left on the signal');
    assert.deepEqual(
      results.map((x) => [x.domain, x.code, x.ok, x.advertised]),
      [
        ['flush.test', 250, true, true],
        ['other.org', 459, false, true],
      ],
    );
    const resolver = new MxResolver({ nameservers: [{ host: dns.host, port: dns.port }], timeoutMs: 15_000 });
    const backups = await sendEtrnToBackups('flush2.test', { resolver, port: postfix.port, timeoutMs: 5000 });
    assert.deepEqual(
      backups.map((x) => `${x.server} ${x.code}`),
      ['b1.flush2.test 250', 'b2.flush2.test 250'],
    );
  });
});

describe('etrn against smtp-server answers and faults', () => {
  const fake = (name: string, ...extra: string[]) => etrn(['--port', String(fakePort), '--timeout', '1s', ...extra, addr(name), 'a.org', 'b.org']);

  const cases: [string, number, string, string, string[]][] = [
    ['251', 0, '251\tOK, no messages waiting for node a.org', '251\tOK, no messages waiting for node b.org', []],
    ['252', 0, '252\tOK, pending messages for node a.org started', '252\tOK, pending messages for node b.org started', []],
    ['458', 1, '458\tUnable to queue messages for node a.org', '458\tUnable to queue messages for node b.org', ['a.org: 458 Unable to queue messages for node a.org', 'b.org: 458 Unable to queue messages for node b.org']],
    ['502', 1, '502\tError: command not implemented', '502\tError: command not implemented', ['a.org: 502 Error: command not implemented']],
    ['500', 1, '500\tSyntax error, command unrecognized', '500\tSyntax error, command unrecognized', ['a.org: 500 Syntax error, command unrecognized']],
    ['hang', 1, '-\tno reply within 1s to ETRN a.org', '-\tnot sent: no reply within 1s to ETRN a.org', ['a.org: no reply within 1s to ETRN a.org']],
    ['drop', 1, '-\tconnection closed by server', '-\tnot sent: connection closed by server', ['a.org: connection closed by server']],
    ['closing', 1, '421\t4.3.0 closing, try later', '-\tnot sent: 4.3.0 closing, try later', ['a.org: 421 4.3.0 closing, try later']],
    ['greet421', 1, '421\tgreeting: 4.3.2 mx.test Service not available, closing transmission channel', '421\tgreeting: 4.3.2 mx.test Service not available, closing transmission channel', ['a.org: 421 greeting: 4.3.2 mx.test Service not available, closing transmission channel']],
    ['garbage', 1, '-\tnot an SMTP reply: HTTP/1.1 400 Bad Request', '-\tnot an SMTP reply: HTTP/1.1 400 Bad Request', ['a.org: not an SMTP reply: HTTP/1.1 400 Bad Request']],
  ];
  for (const [name, code, a, b, errors] of cases) {
    it(`${name}: exit ${code}${errors.length ? `, ${errors.length} diagnostic line(s)` : ''}`, async () => {
      const t0 = Date.now();
      const r = await fake(name);
      const server = addr(name);
      assert.equal(out(r), `${server}\ta.org\t${a}\n${server}\tb.org\t${b}\n`);
      assert.equal(r.code, code, r.stderr);
      const diagnostics = stderrLines(r).filter((l) => !l.includes('does not advertise ETRN'));
      assert.deepEqual(
        diagnostics,
        errors.map((e) => `etrn: ${server}: ${e}`),
      );
      assert.ok(Date.now() - t0 < 8000, `took ${Date.now() - t0}ms`);
      noStack(r);
    });
  }

  it('a server that does not advertise ETRN is still asked, with a note; -q silences the note', async () => {
    const r = await fake('251');
    assert.deepEqual(stderrLines(r), [`etrn: ${addr('251')} does not advertise ETRN; tried anyway`]);
    const quiet = await fake('251', '-q');
    assert.equal(quiet.stderr, '');
    assert.equal(quiet.code, 0);
  });

  it('SIGINT while the server hangs: exit 130, one line, nothing on stdout', async () => {
    const child = spawn(process.execPath, [filterPath('etrn'), '--transcript', '--port', String(fakePort), addr('hang'), 'a.org']);
    const r = await interruptWhen(child, '-> ETRN a.org');
    assert.equal(r.code, 130);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /\netrn: interrupted\n$/);
  });

  it('library: an abort during ETRN answers "interrupted" and leaves no listener on the signal', async () => {
    const ac = new AbortController();
    const results = await sendEtrn(`${addr('hang')}:${fakePort}`, ['a.org', 'b.org'], {
      timeoutMs: 20_000,
      signal: ac.signal,
      transcript: (l) => l === '-> ETRN a.org' && ac.abort(),
    });
    assert.deepEqual(
      results.map((r) => [r.domain, r.code, r.message]),
      [
        ['a.org', null, 'interrupted'],
        ['b.org', null, 'not sent: interrupted'],
      ],
    );
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
  });

  it('connection refused: one line, exit 1', async () => {
    const r = await etrn(['--port', String(fakePort), '127.0.0.254', 'a.org']);
    assert.equal(out(r), tsv('127.0.0.254', 'a.org', '-', 'connection refused'));
    assert.deepEqual(stderrLines(r), ['etrn: 127.0.0.254: a.org: connection refused']);
    assert.equal(r.code, 1);
  });

  it('--starttls refuses an untrusted certificate (one clean line); --insecure upgrades anyway before ETRN', async () => {
    const refused = await etrn(['--starttls', '--transcript', '--port', String(fakePort), addr('tls'), 'a.org']);
    // smtp-server's built-in certificate is self-signed and expired; OpenSSL names the expiry
    assert.equal(out(refused), tsv(addr('tls'), 'a.org', '-', 'certificate not verified: expired (--insecure skips the check)'));
    assert.equal(refused.code, 1);
    assert.ok(!stderrLines(refused).includes('-> ETRN a.org'));
    const r = await etrn(['--starttls', '--insecure', '--transcript', '--port', String(fakePort), addr('tls'), 'a.org']);
    assert.equal(out(r), tsv(addr('tls'), 'a.org', 250, 'OK, queuing for node a.org started'));
    assert.equal(r.code, 0, r.stderr);
    const lines = stderrLines(r);
    const i = lines.findIndex((l) => /^\*\* TLS established: TLSv1\.3 \S+, certificate not verified: expired$/.test(l));
    assert.ok(i > 0 && lines[i - 2] === '-> STARTTLS', r.stderr);
    assert.ok(lines.indexOf('-> ETRN a.org') > i);
  });

  it('--helo NAME is sent; a bare name is what Postfix refuses, the default is not', async () => {
    const bare = await etrn(['--helo', 'bare', '--transcript', pf, 'flush.test']);
    assert.ok(stderrLines(bare).includes('-> EHLO bare'));
    assert.equal(bare.code, 1);
    assert.match(out(bare), /^127\.0\.0\.1:\d+\tflush\.test\t504\t/);
    const named = await etrn(['--helo', 'backup.example.net', pf, 'flush.test']);
    assert.equal(out(named), tsv(pf, 'flush.test', 250, 'Queuing started'));
  });

  it('--json lines', async () => {
    const r = await etrn(['--json', '--port', String(fakePort), addr('458'), 'a.org']);
    assert.deepEqual(JSON.parse(out(r)), {
      server: addr('458'),
      domain: 'a.org',
      code: 458,
      message: 'Unable to queue messages for node a.org',
      ok: false,
      advertised: false,
    });
  });

  it('lines "server domain..." on stdin (the seed backup_servers map)', async () => {
    const input = `# backup MX map\n${pf} flush.test\n\n${addr('251')}:${fakePort} a.org b.org\n`;
    const r = await etrn(['-q'], { input });
    assert.equal(
      out(r),
      tsv(pf, 'flush.test', 250, 'Queuing started') +
        tsv(`${addr('251')}:${fakePort}`, 'a.org', 251, 'OK, no messages waiting for node a.org') +
        tsv(`${addr('251')}:${fakePort}`, 'b.org', 251, 'OK, no messages waiting for node b.org'),
    );
    assert.equal(r.code, 0, r.stderr);
  });
});

describe('etrn: an argument is one domain, a stdin line splits at blanks', () => {
  // A server of its own, so "saw no connection" means no connection from that test.
  let server: TestSmtpServer;
  let target: string;
  before(async () => {
    server = await startSmtpServer('accept', '127.0.0.1', 0, { code: 250, text: 'OK, queuing for node %s started' });
    target = `127.0.0.1:${server.port}`;
  });
  after(() => server?.close());

  it('etrn SERVER a.org "bad domain": exit 2, one line naming it, no connection to the server', async () => {
    const r = await etrn(['--timeout', '2s', target, 'a.org', 'bad domain']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(out(r), '');
    assert.deepEqual(stderrLines(r), ["etrn: malformed domain 'bad domain'; see etrn --help"]);
    assert.equal(server.connections.peak, 0, 'the server saw a connection');
    assert.deepEqual(server.commands, []);
    noStack(r);
  });

  it('etrn SERVER a.org b.org: two arguments, two ETRNs', async () => {
    const before = server.commands.length;
    const r = await etrn(['-q', target, 'a.org', 'b.org']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(out(r), tsv(target, 'a.org', 250, 'OK, queuing for node a.org started') + tsv(target, 'b.org', 250, 'OK, queuing for node b.org started'));
    assert.deepEqual(server.commands.slice(before), ['a.org', 'b.org']);
  });

  it('the stdin line "SERVER a.org b.org" still splits: two ETRNs', async () => {
    const before = server.commands.length;
    const r = await etrn(['-q'], { input: `${target}  a.org	b.org
` });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(out(r).split('\n').length - 1, 2);
    assert.deepEqual(server.commands.slice(before), ['a.org', 'b.org']);
  });

  it('"a.org b.org" as one argument is one malformed domain, nothing sent', async () => {
    const before = server.commands.length;
    const r = await etrn(['--timeout', '2s', target, 'a.org b.org']);
    assert.equal(r.code, 2, r.stderr);
    assert.deepEqual(stderrLines(r), ["etrn: malformed domain 'a.org b.org'; see etrn --help"]);
    assert.deepEqual(server.commands.slice(before), []);
  });
});

describe('etrn: usage', () => {
  const cases: [string[], string | undefined, RegExp][] = [
    [['mx.example.net'], undefined, /^etrn: no domain given after server mx\.example\.net$/],
    [['bad!server', 'a.org'], undefined, /^etrn: malformed server 'bad!server' \(HOST\[:PORT\]\)$/],
    [['mx.example.net', 'a_b.org'], undefined, /^etrn: malformed domain 'a_b\.org'$/],
    [['--port', '0', 'mx', 'a.org'], undefined, /^etrn: invalid --port '0' \(a whole number from 1 to 65535\)$/],
    [['--timeout', 'x', 'mx', 'a.org'], undefined, /^etrn: invalid --timeout 'x' \(a duration such as 30s, 500ms or 2m\)$/],
    [['--mx', 'bad domain'], undefined, /^etrn: malformed domain 'bad domain'$/],
    [['--mx', ''], undefined, /^etrn: empty domain argument$/],
    [['--mx', 'a.org', ''], undefined, /^etrn: empty domain argument$/],
    [['--mx', '#a.org'], undefined, /^etrn: malformed domain '#a\.org'$/],
    [['mx.example.net', ''], undefined, /^etrn: empty domain argument$/],
    [['mx.example.net', 'a.org', ''], undefined, /^etrn: empty domain argument$/],
    [['', 'a.org'], undefined, /^etrn: empty server argument$/],
    [['mx.example.net a.org'], undefined, /^etrn: malformed server 'mx\.example\.net a\.org' \(HOST\[:PORT\]\)$/],
    [[], 'mx.example.net\n', /^etrn: no domain given after server mx\.example\.net$/],
    [[], 'mx a.org\nmx2 b..org\n', /^etrn: line 2: malformed domain 'b\.\.org'$/],
    [['--bogus'], undefined, /^etrn: unknown option --bogus$/],
  ];
  for (const [args, input, re] of cases) {
    it(`${args.length ? JSON.stringify(args) : '(no arguments)'}${input ? ` < ${JSON.stringify(input)}` : ''}: exit 2`, async () => {
      const r = await etrn(args, { input });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(out(r), '');
      const [line, ...rest] = stderrLines(r);
      assert.deepEqual(rest, [], 'one line');
      assert.match(line.replace(/; see etrn --help$/, ''), re);
      assert.match(line, /; see etrn --help$/);
      noStack(r);
    });
  }

  it('empty stdin is nothing to do: exit 0', async () => {
    const r = await etrn([], { input: '' });
    assert.equal(r.code, 0);
    assert.equal(out(r), '');
    assert.equal(r.stderr, '');
  });

  it('--mx with empty stdin, or only blank and comment lines: nothing to do, exit 0', async () => {
    for (const input of ['', '\n\n# none yet\n']) {
      const r = await etrn(['--mx'], { input });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(out(r), '');
      assert.equal(r.stderr, '');
    }
  });

  it('no arguments and stdin a terminal: usage error', async () => {
    const r = await runCommand('script', ['-qec', `node ${filterPath('etrn')}`, '/dev/null'], { timeout: 30_000 });
    assert.equal(r.code, 2);
    assert.match(out(r), /etrn: no server and domains given/);
  });
});
