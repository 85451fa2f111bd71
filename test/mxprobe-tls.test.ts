import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ProbeResult } from '../lib/mail';
import { startDnsServer, type DnsServer, type Zone } from './helpers/dns-server';
import { startPostfix, type Postfix } from './helpers/postfix';
import { runFilter, stderrLines, type RunResult } from './helpers/run';
import { startSmtpServer, type TestSmtpServer } from './helpers/smtp-servers';
import { testPki, type KeyCert, type TestPki } from './helpers/tls';

// One real Postfix on 127.0.0.1 and ::1 offering STARTTLS, its certificate chosen by the
// name the client sends (SNI, tls_server_sni_maps): every certificate case is an
// exchange of its own, each with A and AAAA records, all from a test CA made here.
const CASES = ['valid', 'expired', 'wrong', 'self', 'noint', 'daneee', 'danebad', 'daneunsigned'] as const;
type Case = (typeof CASES)[number];
const exchange = (c: Case) => `${c}.tls.test`;
const SNI_MAP_TYPE = 'hash';

let pki: TestPki;
let postfix: Postfix;
let dns: DnsServer;
let policies: Server;
let old: TestSmtpServer;
let env: NodeJS.ProcessEnv;
let selfSigned: KeyCert;

function spkiSha256(pem: string): Buffer {
  return createHash('sha256').update(new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' })).digest();
}
const tlsa = (usage: number, selector: number, matching: number, data: Buffer) => Buffer.concat([Buffer.from([usage, selector, matching]), data]);

before(async () => {
  pki = testPki();
  const valid = pki.leaf([exchange('valid')]);
  selfSigned = pki.selfSigned(['daneee.tls.test', 'danebad.tls.test', 'daneunsigned.tls.test']);
  const chains: Record<Case, string> = {
    valid: valid.key + valid.chain,
    expired: (({ key, chain }) => key + chain)(pki.leaf([exchange('expired')], -1)),
    wrong: (({ key, chain }) => key + chain)(pki.leaf(['other.tls.test'])),
    self: (({ key, cert }) => key + cert)(pki.selfSigned([exchange('self')])),
    noint: (({ key, cert }) => key + cert)(pki.leaf([exchange('noint')])),
    daneee: selfSigned.key + selfSigned.cert,
    danebad: selfSigned.key + selfSigned.cert,
    daneunsigned: selfSigned.key + selfSigned.cert,
  };
  const sni: string[] = [];
  for (const c of CASES) {
    writeFileSync(join(pki.dir, `${c}.chain.pem`), chains[c]);
    sni.push(`${exchange(c)} ${join(pki.dir, `${c}.chain.pem`)}`);
  }
  writeFileSync(join(pki.dir, 'sni'), `${sni.join('\n')}\n`);
  writeFileSync(join(pki.dir, 'main.cf'), 'compatibility_level = 3.6\n'); // postmap wants a main.cf; not the system's
  execFileSync('postmap', ['-c', pki.dir, '-F', `${SNI_MAP_TYPE}:${join(pki.dir, 'sni')}`]);
  postfix = await startPostfix(['flush.test'], '127.0.0.1', {
    ipv6Too: true,
    main: [
      'smtpd_tls_security_level = may',
      `smtpd_tls_chain_files = ${join(pki.dir, 'valid.chain.pem')}`,
      `tls_server_sni_maps = ${SNI_MAP_TYPE}:${join(pki.dir, 'sni')}`,
    ],
  });

  // MTA-STS policies over HTTPS, certificate from the test CA
  const web = pki.leaf(['mta-sts.enforce.test', 'mta-sts.testing.test', 'mta-sts.none.test']);
  const policyText: Record<string, string> = {
    'mta-sts.enforce.test': 'version: STSv1\nmode: enforce\nmx: *.tls.test\nmax_age: 86400\n',
    'mta-sts.testing.test': 'version: STSv1\nmode: testing\nmx: valid.tls.test\nmax_age: 86400\n',
    'mta-sts.none.test': 'version: STSv1\nmode: none\nmax_age: 86400\n',
  };
  policies = createServer({ key: web.key, cert: web.chain }, (req, res) => {
    const text = policyText[String(req.headers.host)];
    if (req.url !== '/.well-known/mta-sts.txt' || !text) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'text/plain' }).end(text);
  });
  await new Promise<void>((resolve) => policies.listen(0, '127.0.0.1', resolve));
  const httpsPort = (policies.address() as { port: number }).port;

  // An exchange that speaks TLS 1.1 at most, as the trial found one
  const oldCert = pki.leaf([exchange('valid')]);
  old = await startSmtpServer('accept', '127.0.0.61', postfix.port, undefined, { key: oldCert.key, cert: oldCert.chain, maxVersion: 'TLSv1.1' });

  const p = postfix.port;
  const zone: Zone = {
    '1.0.0.127.in-addr.arpa': { ptr: ['valid.tls.test'] },
    '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa': { ptr: ['nowhere.tls.test'] },
    'old.test': { mx: [[10, 'old.tls.test']] },
    'old.tls.test': { a: ['127.0.0.61'] },
    [`_${p}._tcp.daneee.tls.test`]: { tlsa: [tlsa(3, 1, 1, spkiSha256(selfSigned.cert))], ad: true },
    [`_${p}._tcp.danebad.tls.test`]: { tlsa: [tlsa(3, 1, 1, Buffer.alloc(32))], ad: true },
    [`_${p}._tcp.daneunsigned.tls.test`]: { tlsa: [tlsa(3, 1, 1, spkiSha256(selfSigned.cert))] },
    'enforce.test': { mx: [[10, 'valid.tls.test'], [20, 'expired.tls.test'], [30, 'mx.elsewhere.test']] },
    'testing.test': { mx: [[10, 'self.tls.test']] },
    'none.test': { mx: [[10, 'self.tls.test']] },
    'mx.elsewhere.test': { a: ['127.0.0.1'] },
    '_mta-sts.enforce.test': { txt: ['v=STSv1; id=20261201'] },
    '_mta-sts.testing.test': { txt: ['v=STSv1; id=1'] },
    '_mta-sts.none.test': { txt: ['v=STSv1; id=1'] },
    'mta-sts.enforce.test': { a: ['127.0.0.1'] },
    'mta-sts.testing.test': { a: ['127.0.0.1'] },
    'mta-sts.none.test': { a: ['127.0.0.1'] },
    'valid.tls.test': { a: ['127.0.0.1'], aaaa: ['::1'] },
  };
  for (const c of CASES) {
    zone[`${c}.test`] = { mx: [[10, exchange(c)]] };
    zone[exchange(c)] = { ...zone[exchange(c)], a: ['127.0.0.1'], aaaa: ['::1'] };
  }
  dns = await startDnsServer(zone);
  env = { ...process.env, PIPEKIT_NAMESERVER: dns.nameserver, PIPEKIT_SMTP_PORT: String(p), PIPEKIT_HTTPS_PORT: String(httpsPort) };
});
after(async () => {
  await old?.close();
  await new Promise((resolve) => policies?.close(resolve));
  await dns?.close();
  await postfix?.stop();
  pki?.remove();
});

function mxprobe(args: string[]): Promise<RunResult> {
  return runFilter('mxprobe', ['--timeout', '5s', '--quit-after', 'rcpt', ...args], { env, timeout: 60_000 });
}
const rows = (r: RunResult) => r.stdout.toString().trim().split('\n').map((l) => JSON.parse(l) as ProbeResult);
const tsvRows = (r: RunResult) => r.stdout.toString().trim().split('\n').map((l) => l.split('\t'));

describe('mxprobe: certificates from a test CA, Postfix on 127.0.0.1 and ::1', () => {
  const expected: [Case, boolean, string | null][] = [
    ['valid', true, null],
    ['expired', false, 'expired'],
    ['wrong', false, 'name-mismatch'],
    ['self', false, 'self-signed'],
    ['noint', false, 'incomplete-chain'],
  ];
  let json: ProbeResult[];
  let tsv: string[][];
  before(async () => {
    const domains = expected.map(([c]) => `${c}.test`);
    json = rows(await mxprobe(['--ca-file', pki.rootFile, '--json', ...domains]));
    tsv = tsvRows(await mxprobe(['--ca-file', pki.rootFile, ...domains]));
  });
  for (const [c, verified, error] of expected) {
    it(`${c}: verified ${verified}, error ${error}, over IPv4 and IPv6, in JSON and TSV`, () => {
      const lines = json.filter((r) => r.exchange === exchange(c));
      assert.deepEqual(lines.map((r) => r.address), ['127.0.0.1', '::1']);
      for (const r of lines) {
        // opportunistic: the session goes on whatever the certificate
        assert.equal(r.status, 'ok', JSON.stringify(r));
        assert.equal(r.tls?.verified, verified);
        assert.equal(r.tls?.error, error);
        assert.match(r.tls!.version, /^TLSv1\.[23]$/);
        assert.ok(r.timings.starttls! >= 0);
      }
      const t = tsv.filter((f) => f[1] === exchange(c));
      assert.deepEqual(
        t.map((f) => [f[3], f[7], f[8]]),
        ['127.0.0.1', '::1'].map((a) => ['ok', a, `${lines[0].tls!.version}:${verified ? 'verified' : error}`]),
      );
    });
  }

  it('the certificate facts: subject, issuer, names, notAfter, daysLeft; banner and EHLO names; PTR and FCrDNS', () => {
    const [v4, v6] = json.filter((r) => r.exchange === exchange('valid'));
    assert.equal(v4.tls!.subject, 'CN=valid.tls.test');
    assert.equal(v4.tls!.issuer, 'CN=pipekit test intermediate');
    assert.deepEqual(v4.tls!.names, ['valid.tls.test']);
    assert.ok([2, 3].includes(v4.tls!.daysLeft), String(v4.tls!.daysLeft));
    assert.ok(Date.parse(v4.tls!.notAfter) > Date.now());
    assert.equal(v4.tls!.verifiedBy, 'pkix');
    assert.equal(json.find((r) => r.exchange === exchange('expired'))!.tls!.daysLeft < 0, true);
    assert.deepEqual([v4.banner, v4.ehloName], ['postfix.test', 'postfix.test']);
    assert.deepEqual([v4.ptr, v4.fcrdns], ['valid.tls.test', true]);
    assert.deepEqual([v6.ptr, v6.fcrdns], ['nowhere.tls.test', false]);
  });

  it('without --ca-file the system CAs do not know the test CA: unknown-ca', async () => {
    const [r] = rows(await mxprobe(['-4', '--json', 'valid.test']));
    assert.deepEqual([r.status, r.tls?.verified, r.tls?.error], ['ok', false, 'unknown-ca']);
  });

  it('--verify-tls: an unverified certificate fails at tls, after the handshake, nothing sent', async () => {
    const r = await mxprobe(['-4', '--verify-tls', '--ca-file', pki.rootFile, '--transcript', 'valid.test', 'expired.test']);
    assert.equal(r.code, 1);
    const [ok, bad] = tsvRows(r);
    assert.deepEqual(ok.slice(3, 6), ['ok', '250', 'rcpt']);
    assert.deepEqual(bad.slice(3, 9), ['fail', '-', 'tls', 'certificate not verified: expired', '127.0.0.1', 'TLSv1.3:expired']);
    assert.ok(!stderrLines(r).includes('-> MAIL FROM:<mxprobe-FROM@expired.test>'), r.stderr);
  });
});

describe('mxprobe: old TLS as a real MTA meets it', () => {
  it('an exchange that speaks only TLS 1.1: opportunistic mode delivers over it and says so; --require-tls refuses it', async () => {
    const [r] = rows(await mxprobe(['--ca-file', pki.rootFile, '--json', 'old.test']));
    assert.equal(r.status, 'ok', JSON.stringify(r));
    assert.equal(r.tls?.version, 'TLSv1.1');
    const refused = await mxprobe(['--ca-file', pki.rootFile, '--require-tls', 'old.test']);
    assert.deepEqual(tsvRows(refused)[0].slice(3, 7), ['fail', '-', 'tls', 'TLSv1.1 is older than TLS 1.2 (RFC 8996)']);
    assert.equal(refused.code, 1);
  });
});

describe('mxprobe: DANE (TLSA at _PORT._tcp.EXCHANGE)', () => {
  it('DANE-EE 3 1 1 of the key verifies a self-signed certificate; a wrong record does not; unsigned records are reported only', async () => {
    const r = await mxprobe(['-4', '--json', 'daneee.test', 'danebad.test', 'daneunsigned.test']);
    const [ee, bad, unsigned] = rows(r);
    assert.deepEqual([ee.tls?.verified, ee.tls?.error, ee.tls?.verifiedBy], [true, null, 'dane-ee']);
    assert.deepEqual(ee.dane, { records: [`3 1 1 ${spkiSha256(selfSigned.cert).toString('hex')}`], match: `3 1 1 ${spkiSha256(selfSigned.cert).toString('hex')}`, validated: true });
    assert.deepEqual([bad.tls?.verified, bad.tls?.error, bad.dane?.match, bad.dane?.validated], [false, 'self-signed', null, true]);
    assert.deepEqual([unsigned.tls?.verified, unsigned.dane?.match !== null, unsigned.dane?.validated], [false, true, false]);
    const t = tsvRows(await mxprobe(['-4', 'daneee.test']));
    assert.equal(t[0][8], 'TLSv1.3:dane-ee');
  });

  it('--dane: a mismatch fails at tls; a match passes', async () => {
    const r = await mxprobe(['-4', '--dane', 'daneee.test', 'danebad.test']);
    const [ee, bad] = tsvRows(r);
    assert.equal(ee[3], 'ok');
    assert.deepEqual(bad.slice(3, 7), ['fail', '-', 'tls', 'certificate matches no TLSA record (DANE)']);
    assert.equal(r.code, 1);
  });
});

describe('mxprobe: MTA-STS (RFC 8461)', () => {
  it('enforce: the policy and, per exchange, match and wouldFail', async () => {
    const r = await mxprobe(['-4', '--ca-file', pki.rootFile, '--json', 'enforce.test']);
    const [valid, expired, elsewhere] = rows(r);
    assert.deepEqual(valid.mtaSts, { mode: 'enforce', mx: ['*.tls.test'], match: true, wouldFail: null, error: null });
    assert.deepEqual([expired.mtaSts?.match, expired.mtaSts?.wouldFail], [true, 'unverified']);
    assert.deepEqual([elsewhere.mtaSts?.match, elsewhere.mtaSts?.wouldFail], [false, 'no-match']);
    // facts only: without --mta-sts every exchange that accepted is ok
    assert.deepEqual([valid.status, expired.status, elsewhere.status], ['ok', 'ok', 'ok']);
  });

  it('--mta-sts: what an enforce policy refuses fails; testing and none refuse nothing', async () => {
    const r = await mxprobe(['-4', '--ca-file', pki.rootFile, '--mta-sts', 'enforce.test', 'testing.test', 'none.test']);
    assert.deepEqual(
      tsvRows(r).map((f) => f.slice(1, 7).join(' ')),
      [
        'valid.tls.test 10 ok 250 rcpt 2.1.5 Ok',
        'expired.tls.test 20 fail - tls certificate not verified: expired',
        'mx.elsewhere.test 30 fail - policy not in the MTA-STS policy mx list (enforce)',
        'self.tls.test 10 ok 250 rcpt 2.1.5 Ok',
        'self.tls.test 10 ok 250 rcpt 2.1.5 Ok',
      ],
    );
    const [, , , testing, none] = rows(await mxprobe(['-4', '--ca-file', pki.rootFile, '--json', 'enforce.test', 'testing.test', 'none.test']));
    assert.deepEqual([testing.mtaSts?.mode, testing.mtaSts?.match, testing.mtaSts?.wouldFail], ['testing', false, 'no-match']);
    assert.deepEqual([none.mtaSts?.mode, none.mtaSts?.wouldFail], ['none', null]);
  });

  it('--require-mta-sts: a domain without a policy fails; the policy host\'s certificate is verified', async () => {
    const r = await mxprobe(['-4', '--ca-file', pki.rootFile, '--require-mta-sts', 'valid.test']);
    assert.deepEqual(tsvRows(r)[0].slice(3, 7), ['fail', '-', 'policy', 'no MTA-STS policy']);
    const [untrusted] = rows(await mxprobe(['-4', '--json', 'enforce.test']));
    assert.equal(untrusted.mtaSts?.mode, null);
    assert.match(untrusted.mtaSts!.error!, /^policy fetch from mta-sts\.enforce\.test: certificate not verified: unknown-ca$/);
  });
});

describe('etrn --starttls verifies the certificate', () => {
  it('trusted by --ca-file and named: ETRN goes; untrusted or by address: refused unless --insecure', async () => {
    const base = ['--nameserver', dns.nameserver, '--timeout', '5s', '--starttls'];
    const server = `valid.tls.test:${postfix.port}`;
    const ok = await runFilter('etrn', [...base, '--ca-file', pki.rootFile, server, 'flush.test']);
    assert.equal(ok.stdout.toString(), `${server}\tflush.test\t250\tQueuing started\n`);
    assert.equal(ok.code, 0, ok.stderr);
    const untrusted = await runFilter('etrn', [...base, server, 'flush.test']);
    assert.equal(untrusted.stdout.toString(), `${server}\tflush.test\t-\tcertificate not verified: unknown-ca (--insecure skips the check)\n`);
    assert.equal(untrusted.code, 1);
    assert.equal(stderrLines(untrusted).length, 1);
    const byAddress = await runFilter('etrn', [...base, '--ca-file', pki.rootFile, `127.0.0.1:${postfix.port}`, 'flush.test']);
    assert.match(byAddress.stdout.toString(), /\tcertificate not verified: name-mismatch \(--insecure skips the check\)\n$/);
    const insecure = await runFilter('etrn', [...base, '--insecure', server, 'flush.test']);
    assert.equal(insecure.stdout.toString(), `${server}\tflush.test\t250\tQueuing started\n`);
  });

  it('a TLS failure is one clean line: no OpenSSL codes or source paths', async () => {
    const r = await runFilter('etrn', ['--timeout', '5s', '--starttls', '--insecure', `127.0.0.61:${postfix.port}`, 'flush.test']);
    assert.equal(r.code, 1);
    const line = r.stdout.toString();
    assert.match(line, /^127\.0\.0\.61:\d+\tflush\.test\t-\tSTARTTLS failed: [a-z0-9 ]+\n$/);
    assert.ok(!/[\\/]|error:|0A0/.test(line.split('\t')[3]), line);
  });
});
