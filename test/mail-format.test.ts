import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EtrnResult } from '../lib/mail/etrn';
import { etrnFailures, formatEtrnResult, formatProbeResult, outcomeText, probeFailure, probeSlowness, tsvField } from '../lib/mail/format';
import type { ProbeResult, SessionTls } from '../lib/mail/probe';

const TLS: SessionTls = {
  version: 'TLSv1.3',
  cipher: 'TLS_AES_256_GCM_SHA384',
  verified: true,
  error: null,
  verifiedBy: 'pkix',
  subject: 'CN=mx1.example.org',
  issuer: 'CN=Example CA',
  names: ['mx1.example.org'],
  notAfter: '2027-03-01T00:00:00.000Z',
  daysLeft: 90,
};

const probe = (over: Partial<ProbeResult>): ProbeResult => ({
  domain: 'example.org',
  exchange: 'mx1.example.org',
  preference: 10,
  address: '192.0.2.25',
  family: 4,
  status: 'ok',
  code: 250,
  phase: 'data',
  message: '2.0.0 Ok: queued as 4F2A',
  banner: 'mx1.example.org',
  ehloName: 'mx1.example.org',
  ptr: 'mx1.example.org',
  fcrdns: true,
  timings: { connect: 1, banner: 2, ehlo: 1, starttls: 9, mail: 1, rcpt: 1, data: 3 },
  slow: [],
  tls: TLS,
  mtaSts: null,
  dane: null,
  ...over,
});

const etrn = (over: Partial<EtrnResult>): EtrnResult => ({
  server: 'mx2.example.net',
  domain: 'example.org',
  code: 250,
  message: 'Queuing started',
  ok: true,
  advertised: true,
  ...over,
});

describe('tsvField', () => {
  const table: [string | number | null | undefined, string][] = [
    ['a\tb\r\nc', 'a b c'],
    ['two\n\nbreaks', 'two breaks'],
    [null, '-'],
    [undefined, '-'],
    ['', '-'],
    [0, '0'],
    [554, '554'],
    ['-', '-'],
  ];
  for (const [value, field] of table) {
    it(`${JSON.stringify(value)} -> ${JSON.stringify(field)}`, () => assert.equal(tsvField(value), field));
  }
});

describe('formatProbeResult: the seven mxprobe columns, then address and tls', () => {
  const A = '\t192.0.2.25';
  const table: [Partial<ProbeResult>, string][] = [
    [{}, `example.org\tmx1.example.org\t10\tok\t250\tdata\t2.0.0 Ok: queued as 4F2A${A}\tTLSv1.3:verified`],
    [
      { status: 'fail', code: 554, phase: 'rcpt', message: '5.7.1 Relay access denied', tls: null },
      `example.org\tmx1.example.org\t10\tfail\t554\trcpt\t5.7.1 Relay access denied${A}\tnone`,
    ],
    [
      { status: 'tempfail', code: 451, phase: 'rcpt', message: '4.7.1 greylisted', tls: { ...TLS, version: 'TLSv1.2', verified: false, error: 'name-mismatch', verifiedBy: null } },
      `example.org\tmx1.example.org\t10\ttempfail\t451\trcpt\t4.7.1 greylisted${A}\tTLSv1.2:name-mismatch`,
    ],
    [{ tls: { ...TLS, error: null, verifiedBy: 'dane-ee' } }, `example.org\tmx1.example.org\t10\tok\t250\tdata\t2.0.0 Ok: queued as 4F2A${A}\tTLSv1.3:dane-ee`],
    [
      { exchange: '-', preference: null, address: null, status: 'fail', code: null, phase: 'dns', message: 'NXDOMAIN: no such domain (MX lookup)', tls: null },
      'example.org\t-\t-\tfail\t-\tdns\tNXDOMAIN: no such domain (MX lookup)\t-\t-',
    ],
    [{ exchange: '.', preference: 0, address: null, status: 'fail', code: null, phase: 'dns', message: 'null MX', tls: null }, 'example.org\t.\t0\tfail\t-\tdns\tnull MX\t-\t-'],
    [{ exchange: 'example.org', preference: 0, message: 'a\tb\r\nc', address: '2001:db8::25' }, 'example.org\texample.org\t0\tok\t250\tdata\ta b c\t2001:db8::25\tTLSv1.3:verified'],
  ];
  for (const [over, line] of table) {
    it(line.replace(/\t/g, ' | '), () => assert.equal(formatProbeResult(probe(over)), line));
  }

  it('--json: every field', () => {
    const r = probe({ status: 'fail', code: null, phase: 'connect', message: 'connection refused', tls: null, timings: { connect: 3 } });
    assert.deepEqual(JSON.parse(formatProbeResult(r, true)), r);
    assert.deepEqual(Object.keys(JSON.parse(formatProbeResult(probe({}), true))), [
      'domain', 'exchange', 'preference', 'address', 'family', 'status', 'code', 'phase', 'message', 'banner', 'ehloName',
      'ptr', 'fcrdns', 'timings', 'slow', 'tls', 'mtaSts', 'dane',
    ]);
  });

  it('probeSlowness: a slow greeting with its seconds; nothing for other slow phases or none', () => {
    assert.equal(probeSlowness(probe({})), undefined);
    assert.equal(probeSlowness(probe({ slow: ['rcpt'], timings: { rcpt: 2049 } })), undefined);
    assert.equal(probeSlowness(probe({ slow: ['banner', 'rcpt'], timings: { connect: 1, banner: 2049 } })), 'example.org: mx1.example.org [192.0.2.25]: slow greeting 2.0s');
  });
});

describe('formatEtrnResult: server domain code message', () => {
  const table: [Partial<EtrnResult>, string][] = [
    [{}, 'mx2.example.net\texample.org\t250\tQueuing started'],
    [{ code: 459, ok: false, message: '<other.org>: service unavailable' }, 'mx2.example.net\texample.org\t459\t<other.org>: service unavailable'],
    [{ code: null, ok: false, advertised: null, message: 'connection refused' }, 'mx2.example.net\texample.org\t-\tconnection refused'],
    [{ server: '[::1]:2525', message: '' }, '[::1]:2525\texample.org\t250\t-'],
  ];
  for (const [over, line] of table) {
    it(line.replace(/\t/g, ' | '), () => assert.equal(formatEtrnResult(etrn(over)), line));
  }

  it('--json: every field', () => {
    const r = etrn({ code: 458, ok: false, advertised: false, message: 'Unable to queue messages for node example.org' });
    assert.deepEqual(JSON.parse(formatEtrnResult(r, true)), r);
  });
});

describe('diagnostics', () => {
  it('outcomeText: the code in front when a reply decided', () => {
    assert.equal(outcomeText(554, '5.7.1 Relay access denied'), '554 5.7.1 Relay access denied');
    assert.equal(outcomeText(null, 'connection refused'), 'connection refused');
  });

  const probes: [Partial<ProbeResult>, string][] = [
    [{ status: 'fail', code: 554, phase: 'rcpt', message: '5.7.1 Relay access denied' }, 'example.org: mx1.example.org [192.0.2.25]: 554 5.7.1 Relay access denied (rcpt)'],
    [{ status: 'fail', code: null, phase: 'connect', message: 'connection refused' }, 'example.org: mx1.example.org [192.0.2.25]: connection refused (connect)'],
    [{ exchange: '-', address: null, status: 'fail', code: null, phase: 'dns', message: 'NXDOMAIN: no such domain (MX lookup)' }, 'example.org: NXDOMAIN: no such domain (MX lookup) (dns)'],
    [{ address: null, status: 'fail', code: null, phase: 'dns', message: 'exchange has no A/AAAA records' }, 'example.org: mx1.example.org: exchange has no A/AAAA records (dns)'],
    [{ exchange: '.', status: 'fail', code: null, phase: 'dns', message: 'null MX' }, 'example.org: null MX (dns)'],
  ];
  for (const [over, line] of probes) {
    it(`probeFailure: ${line}`, () => assert.equal(probeFailure(probe(over)), line));
  }

  it('etrnFailures: one line per distinct failure, none for successes and for domains never asked', () => {
    const results = [
      etrn({ domain: 'a.org' }),
      etrn({ domain: 'b.org', code: 459, ok: false, message: 'not allowed' }),
      etrn({ domain: 'c.org', code: 459, ok: false, message: 'not allowed' }),
      etrn({ domain: 'd.org', code: 458, ok: false, message: 'unable' }),
    ];
    assert.deepEqual(etrnFailures(results), [
      undefined,
      'mx2.example.net: b.org: 459 not allowed',
      undefined,
      'mx2.example.net: d.org: 458 unable',
    ]);
  });

  it('etrnFailures: a 421 closing the session names the first domain only', () => {
    const results = [
      etrn({ domain: 'a.org', code: 421, ok: false, message: '4.3.0 closing, try later' }),
      etrn({ domain: 'b.org', code: null, ok: false, message: 'not sent: 4.3.0 closing, try later' }),
      etrn({ domain: 'c.org', code: null, ok: false, message: 'not sent: 4.3.0 closing, try later' }),
    ];
    assert.deepEqual(etrnFailures(results), ['mx2.example.net: a.org: 421 4.3.0 closing, try later', undefined, undefined]);
  });

  it('etrnFailures: a server failing before ETRN fails every domain alike, said once', () => {
    const refused = (domain: string) => etrn({ domain, code: null, ok: false, advertised: null, message: 'connection refused' });
    assert.deepEqual(etrnFailures([refused('a.org'), refused('b.org')]), ['mx2.example.net: a.org: connection refused', undefined]);
    assert.deepEqual(etrnFailures([]), []);
  });
});
