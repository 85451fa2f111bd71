import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import type { ProbeResult } from '../lib/mail';
import { startDnsServer, type DnsServer, type Zone } from './helpers/dns-server';
import { filterPath, runFilter, stderrLines, type RunResult } from './helpers/run';
import { SLOW_MS, startSmtpServer, startSmtpServers, type Behaviour, type TestSmtpServer } from './helpers/smtp-servers';

// The defects a trial against real servers found (issue 17), each shown by a server that
// behaves the way the trial's did.
const BEHAVIOURS: Behaviour[] = ['tarpit-ehlo', 'slow-greeting', 'slow-rcpt', 'accept', 'hang-rcpt'];
const FIRST = 40;
const ip = (b: Behaviour) => `127.0.0.${FIRST + BEHAVIOURS.indexOf(b)}`;
const ACCEPTS = Array.from({ length: 6 }, (_, i) => `a${i}.test`);

let dns: DnsServer;
let servers: TestSmtpServer[];
let v6: TestSmtpServer;
let port: number;
const server = (b: Behaviour) => servers[BEHAVIOURS.indexOf(b)];

before(async () => {
  ({ port, servers } = await startSmtpServers(BEHAVIOURS.map((behaviour) => ({ behaviour })), FIRST));
  v6 = await startSmtpServer('accept', '::1', port);
  const zone: Zone = {
    'tarpit.test': { mx: [[10, 'mx.tarpit.test']] },
    'mx.tarpit.test': { a: [ip('tarpit-ehlo')] },
    'slowgreet.test': { mx: [[10, 'mx.slowgreet.test']] },
    'mx.slowgreet.test': { a: [ip('slow-greeting')] },
    'slowrcpt.test': { mx: [[10, 'mx.slowrcpt.test']] },
    'mx.slowrcpt.test': { a: [ip('slow-rcpt')] },
    'hang.test': { mx: [[10, 'mx.hang.test']] },
    'mx.hang.test': { a: [ip('hang-rcpt')] },
    'v6only.test': { mx: [[10, 'mx.v6only.test']] },
    'mx.v6only.test': { aaaa: ['::1'] },
    'dual.test': { mx: [[10, 'mx.dual.test']] },
    'mx.dual.test': { a: [ip('accept')], aaaa: ['::1'] },
    'mx.accept.test': { a: [ip('accept')] },
  };
  for (const d of ACCEPTS) zone[d] = { mx: [[10, 'mx.accept.test']] };
  dns = await startDnsServer(zone);
});
after(async () => {
  await Promise.all([...servers, v6].map((s) => s.close()));
  await dns.close();
});

function mxprobe(args: string[], timeout = '1s'): Promise<RunResult> {
  return runFilter('mxprobe', ['--nameserver', dns.nameserver, '--port', String(port), '--timeout', timeout, ...args], { timeout: 30_000 });
}
const rows = (r: RunResult) => r.stdout.toString().trim().split('\n').map((l) => JSON.parse(l) as ProbeResult);

describe('mxprobe: --timeout bounds each whole reply and the connection', () => {
  it('a tarpit sending one 250- line every 200 ms fails at ehlo after --timeout', async () => {
    const [r] = rows(await mxprobe(['--json', 'tarpit.test']));
    assert.deepEqual([r.status, r.phase, r.message], ['fail', 'ehlo', 'no reply within 1s']);
    // the whole reply was bounded, not the gap between its lines
    assert.ok(r.timings.ehlo! >= 1000 && r.timings.ehlo! < 1900, `ehlo took ${r.timings.ehlo} ms`);
  });

  it('a connection that never completes fails after --timeout (not twice it), saying so truthfully, with a transcript line', async () => {
    const { listenerPort, close } = await fullBacklog();
    try {
      const r = await runFilter(
        'mxprobe',
        ['--nameserver', dns.nameserver, '--port', String(listenerPort), '--timeout', '1s', '--json', '--transcript', 'a0.test'],
        { timeout: 30_000 },
      );
      const [row] = rows(r);
      assert.deepEqual([row.status, row.phase, row.message], ['fail', 'connect', 'connection timed out after 1s']);
      assert.ok(row.timings.connect! >= 1000 && row.timings.connect! < 1900, `connect took ${row.timings.connect} ms`);
      assert.ok(stderrLines(r).includes(`** ${ip('accept')}:${listenerPort}: connection timed out after 1s`), r.stderr);
    } finally {
      await close();
    }
  });
});

describe('mxprobe: phases timed and blamed on their own', () => {
  it('a slow RCPT under PIPELINING is RCPT\'s: timed there, and a timeout there fails at rcpt', async () => {
    const [ok] = rows(await mxprobe(['--json', 'slowrcpt.test'], '3s'));
    assert.equal(ok.status, 'ok');
    assert.ok(ok.timings.rcpt! >= SLOW_MS, JSON.stringify(ok.timings));
    assert.ok(ok.timings.mail! < SLOW_MS, JSON.stringify(ok.timings));
    assert.ok(ok.slow.includes('rcpt'), JSON.stringify(ok.slow));
    const [late] = rows(await mxprobe(['--json', 'slowrcpt.test'], '1s'));
    assert.deepEqual([late.status, late.phase, late.message], ['fail', 'rcpt', 'no reply within 1s']);
  });

  it('a greeting after 2 s within --timeout is ok, shown in timings.banner, and reported as slow', async () => {
    const r = await mxprobe(['--json', 'slowgreet.test'], '3s');
    assert.equal(r.code, 0, r.stderr);
    const [row] = rows(r);
    assert.equal(row.status, 'ok');
    assert.ok(row.timings.banner! >= SLOW_MS, JSON.stringify(row.timings));
    assert.ok(row.slow.includes('banner'), JSON.stringify(row.slow));
    assert.match(r.stderr, new RegExp(`^mxprobe: slowgreet\\.test: mx\\.slowgreet\\.test \\[${ip('slow-greeting').replace(/\./g, '\\.')}\\]: slow greeting \\d\\.\\ds\\n$`));
    const quiet = await mxprobe(['-q', 'slowgreet.test'], '3s');
    assert.equal(quiet.stderr, '');
  });
});

describe('mxprobe: every address, both families', () => {
  it('an IPv6-only exchange is probed over ::1; EHLO gives the name, or the IPv6 literal of the local address', async () => {
    const r = await mxprobe(['--json', '--transcript', 'v6only.test']);
    assert.equal(r.code, 0, r.stderr);
    const [row] = rows(r);
    assert.deepEqual([row.address, row.family, row.status], ['::1', 6, 'ok']);
    const name = hostname();
    const expected = name.includes('.') ? name.replace(/\.$/, '') : '[IPv6:::1]';
    assert.ok(stderrLines(r).includes(`-> EHLO ${expected}`), r.stderr);
  });

  it('A and AAAA: one line each, IPv4 first; -4 and -6 keep one family', async () => {
    const both = await mxprobe(['dual.test']);
    assert.deepEqual(
      both.stdout.toString().split('\n').filter(Boolean).map((l) => l.split('\t').slice(7).join(' ')),
      [`${ip('accept')} none`, '::1 none'],
    );
    const [four] = rows(await mxprobe(['-4', '--json', 'dual.test']));
    assert.equal(four.address, ip('accept'));
    const six = await mxprobe(['-6', '--json', 'dual.test', 'hang.test']);
    const [a, b] = rows(six);
    assert.equal(a.address, '::1');
    assert.deepEqual([b.exchange, b.address, b.phase, b.message], ['mx.hang.test', null, 'dns', 'exchange has no AAAA records']);
  });

  it('--helo NAME is sent as given; a malformed one is a usage error', async () => {
    const r = await mxprobe(['--helo', 'probe.example.net', '--transcript', '--quit-after', 'rcpt', 'a0.test']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(stderrLines(r).includes('-> EHLO probe.example.net'));
    const bad = await runFilter('mxprobe', ['--helo', 'no such', 'a0.test']);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, "mxprobe: invalid --helo 'no such' (a domain name or [address literal]); see mxprobe --help\n");
  });
});

describe('mxprobe -j: a window over exchanges, output in input order', () => {
  it('a hanging exchange does not hold the others: they finish while it hangs', async () => {
    const before = server('accept').received.length;
    const child = spawn(process.execPath, [
      filterPath('mxprobe'), '--nameserver', dns.nameserver, '--port', String(port), '--timeout', '3s', '-j', '2', 'hang.test', ...ACCEPTS,
    ]) as ChildProcessWithoutNullStreams;
    const firstLine = new Promise<number>((resolve) => child.stdout.once('data', () => resolve(server('accept').received.length - before)));
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    // the hanging exchange comes first in the output, and by the time it is printed every other one was done
    assert.equal(await firstLine, ACCEPTS.length);
    assert.equal(code, 1);
    assert.deepEqual(
      stdout.split('\n').filter(Boolean).map((l) => l.split('\t').slice(0, 4).join(' ')),
      ['hang.test mx.hang.test 10 fail', ...ACCEPTS.map((d) => `${d} mx.accept.test 10 ok`)],
    );
  });
});

/** A TCP listener whose accept queue is full: further connections never complete (the kernel drops their SYN). */
async function fullBacklog(): Promise<{ listenerPort: number; close(): Promise<void> }> {
  // Node accepts every connection itself; Python's listen(0) leaves the queue to the kernel.
  const py = spawn('python3', ['-c', "import socket,sys,time\ns=socket.socket()\ns.bind(('0.0.0.0',0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\nsys.stdin.read()"]);
  const listenerPort = await new Promise<number>((resolve, reject) => {
    py.stdout.once('data', (c: Buffer) => resolve(Number(c.toString().trim())));
    py.once('error', reject);
  });
  const filler: Socket = connect(listenerPort, ip('accept'));
  await new Promise<void>((resolve) => filler.once('connect', () => resolve()));
  return {
    listenerPort,
    close: async () => {
      filler.destroy();
      py.stdin.end();
      await new Promise((resolve) => py.once('close', resolve));
    },
  };
}
