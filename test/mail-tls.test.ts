import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { associationData, daneMatch, formatTlsa, parseTlsa, type TlsaRecord } from '../lib/mail/dane';
import { defaultHelo, validHelo } from '../lib/mail/helo';
import { mxPatternMatches, parseStsPolicy, stsFacts, stsRecord, type StsLookup } from '../lib/mail/mta-sts';
import { reverseName } from '../lib/mail/mx';
import { policyFailure, starttlsMissing, tlsDemands, tlsRefusal, type VerdictFlags } from '../lib/mail/probe-verdict';
import { mapInOrderUnblocked } from '../lib/mail/probe-window';
import { altNames, chainReason, compactTls, distinguishedName, outdatedProtocol, tlsErrorText, type TlsFacts } from '../lib/mail/tls-facts';
import { testPki } from './helpers/tls';

const FACTS: TlsFacts = {
  version: 'TLSv1.3',
  cipher: 'TLS_AES_256_GCM_SHA384',
  verified: true,
  error: null,
  subject: 'CN=mx.example.org',
  issuer: 'CN=CA',
  names: ['mx.example.org'],
  notAfter: '2027-01-01T00:00:00.000Z',
  daysLeft: 31,
};

describe('TLS facts as pure functions', () => {
  for (const [code, reason] of [
    ['CERT_HAS_EXPIRED', 'expired'],
    ['CERT_NOT_YET_VALID', 'not-yet-valid'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'unknown-ca'],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'unknown-ca'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'name-mismatch'],
    ['CERT_REVOKED', 'revoked'],
    ['SOMETHING_NEW', 'something-new'],
  ]) {
    it(`chainReason(${code}) -> ${reason}`, () => assert.equal(chainReason(code), reason));
  }

  it('tlsErrorText: a reason word, or OpenSSL\'s reason alone, never its codes and source paths', () => {
    const raw = Object.assign(
      new Error('C0B7A1E1F27F0000:error:0A000102:SSL routines:ssl_choose_client_version:unsupported protocol:../deps/openssl/openssl/ssl/statem/statem_lib.c:1985:\n'),
      {},
    );
    assert.equal(tlsErrorText(raw), 'unsupported protocol');
    assert.equal(tlsErrorText(Object.assign(new Error('x'), { reason: 'tlsv1 alert protocol version' })), 'tlsv1 alert protocol version');
    assert.equal(tlsErrorText(Object.assign(new Error('unable to verify the first certificate'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' })), 'certificate not verified: unknown-ca');
    assert.equal(tlsErrorText(new Error('socket hang up\nmore')), 'socket hang up');
  });

  it('altNames, distinguishedName, outdatedProtocol, compactTls', () => {
    assert.deepEqual(altNames('DNS:mx.example.org, DNS:*.example.org, IP Address:192.0.2.1, email:x@y'), ['mx.example.org', '*.example.org', '192.0.2.1']);
    assert.deepEqual(altNames(undefined), []);
    assert.equal(distinguishedName({ CN: 'mx', O: 'Ex', OU: ['a', 'b'] }), 'CN=mx, O=Ex, OU=a+b');
    assert.deepEqual(['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3', 'SSLv3'].map(outdatedProtocol), [true, true, false, false, true]);
    assert.equal(compactTls(null), 'none');
    assert.equal(compactTls(FACTS), 'TLSv1.3:verified');
    assert.equal(compactTls({ ...FACTS, version: 'TLSv1.2', verified: false, error: 'name-mismatch' }), 'TLSv1.2:name-mismatch');
    assert.equal(compactTls({ ...FACTS, verified: true }, 'dane-ee'), 'TLSv1.3:dane-ee');
  });
});

describe('MTA-STS as pure functions', () => {
  it('stsRecord: the first v=STSv1 TXT record', () => {
    assert.equal(stsRecord(['v=spf1 -all', 'v=STSv1; id=20261201']), 'v=STSv1; id=20261201');
    assert.equal(stsRecord(['v=STSv10; id=1', 'v=spf1']), null);
  });

  const policies: [string, ReturnType<typeof parseStsPolicy>][] = [
    ['version: STSv1\nmode: enforce\nmx: mx1.example.org\nmx: *.Example.net\nmax_age: 86400\n', { mode: 'enforce', mx: ['mx1.example.org', '*.example.net'], maxAge: 86400 }],
    ['version: STSv1\r\nmode: testing\r\nmx: mx.example.org.\r\nmax_age: 0\r\n', { mode: 'testing', mx: ['mx.example.org'], maxAge: 0 }],
    ['version: STSv1\nmode: none\nmax_age: 600\n', { mode: 'none', mx: [], maxAge: 600 }],
    ['mode: enforce\nmx: a\nmax_age: 1\n', 'policy has no "version: STSv1"'],
    ['version: STSv1\nmode: strict\nmx: a\nmax_age: 1\n', 'policy mode is not enforce, testing or none: strict'],
    ['version: STSv1\nmode: enforce\nmax_age: 1\n', 'policy lists no mx'],
    ['version: STSv1\nmode: enforce\nmx: a\n', 'policy has no valid max_age'],
    ['<html>not a policy</html>', 'policy has no "version: STSv1"'],
  ];
  for (const [text, expected] of policies) {
    it(`parseStsPolicy(${JSON.stringify(text.slice(0, 40))})`, () => assert.deepEqual(parseStsPolicy(text), expected));
  }

  const patterns: [string, string, boolean][] = [
    ['mx.example.org', 'mx.example.org', true],
    ['mx.example.org', 'MX.Example.Org.', true],
    ['*.example.org', 'mx.example.org', true],
    ['*.example.org', 'a.b.example.org', false], // one label only (RFC 8461 4.1)
    ['*.example.org', 'example.org', false],
    ['mx.example.org', 'mx2.example.org', false],
  ];
  for (const [pattern, host, match] of patterns) {
    it(`mxPatternMatches(${pattern}, ${host}) = ${match}`, () => assert.equal(mxPatternMatches(pattern, host), match));
  }

  it('stsFacts: match and wouldFail under each mode', () => {
    const lookup = (mode: 'enforce' | 'testing' | 'none'): StsLookup => ({ txt: 'v=STSv1; id=1', policy: { mode, mx: ['*.example.org'], maxAge: 1 }, error: null });
    const ok = { offered: true, verified: true };
    assert.equal(stsFacts(null, 'mx.example.org', ok), null);
    assert.equal(stsFacts({ txt: null, policy: null, error: null }, 'mx.example.org', ok), null);
    assert.deepEqual(stsFacts(lookup('enforce'), 'mx.example.org', ok), { mode: 'enforce', mx: ['*.example.org'], match: true, wouldFail: null, error: null });
    assert.equal(stsFacts(lookup('enforce'), 'mx.example.net', ok)?.wouldFail, 'no-match');
    assert.equal(stsFacts(lookup('testing'), 'mx.example.org', { offered: false, verified: false })?.wouldFail, 'no-starttls');
    assert.equal(stsFacts(lookup('enforce'), 'mx.example.org', { offered: true, verified: false })?.wouldFail, 'unverified');
    assert.equal(stsFacts(lookup('none'), 'mx.example.net', ok)?.wouldFail, null);
    assert.deepEqual(stsFacts({ txt: 'v=STSv1; id=1', policy: null, error: 'HTTP 404' }, 'mx', ok), { mode: null, mx: [], match: false, wouldFail: null, error: 'HTTP 404' });
  });
});

describe('verdicts: what each flag makes fail', () => {
  const none: VerdictFlags = { requireTls: false, verifyTls: false, mtaSts: false, requireMtaSts: false, dane: false };
  const enforce: StsLookup = { txt: 'v=STSv1', policy: { mode: 'enforce', mx: ['mx.example.org'], maxAge: 1 }, error: null };
  const bad = { ...FACTS, verified: false, error: 'expired' };

  it('opportunistic: nothing fails on TLS facts', () => {
    const d = tlsDemands(none, enforce, true, true);
    assert.equal(starttlsMissing(d), undefined);
    assert.equal(tlsRefusal(d, { ...bad, version: 'TLSv1' }, false), undefined);
    assert.equal(policyFailure(none, null, 'no-match'), undefined);
  });

  it('each flag, and the reason it gives', () => {
    assert.equal(starttlsMissing(tlsDemands({ ...none, requireTls: true }, null, false, false)), 'STARTTLS not offered');
    assert.equal(starttlsMissing(tlsDemands({ ...none, mtaSts: true }, enforce, true, false)), 'STARTTLS not offered (MTA-STS policy in enforce mode)');
    assert.equal(starttlsMissing(tlsDemands({ ...none, mtaSts: true }, enforce, false, false)), undefined);
    assert.equal(starttlsMissing(tlsDemands({ ...none, dane: true }, null, false, true)), 'STARTTLS not offered (DANE TLSA records published)');
    assert.equal(starttlsMissing(tlsDemands({ ...none, dane: true }, null, false, false)), undefined);
    assert.equal(tlsRefusal(tlsDemands({ ...none, verifyTls: true }, null, false, false), bad, false), 'certificate not verified: expired');
    assert.equal(tlsRefusal(tlsDemands({ ...none, requireTls: true }, null, false, false), bad, false), undefined);
    assert.equal(tlsRefusal(tlsDemands({ ...none, requireTls: true }, null, false, false), { ...FACTS, version: 'TLSv1.1' }, false), 'TLSv1.1 is older than TLS 1.2 (RFC 8996)');
    assert.equal(tlsRefusal(tlsDemands({ ...none, dane: true }, null, false, true), FACTS, false), 'certificate matches no TLSA record (DANE)');
    assert.equal(tlsRefusal(tlsDemands({ ...none, dane: true }, null, false, true), FACTS, true), undefined);
    const sts = { ...none, mtaSts: true };
    assert.equal(policyFailure(sts, enforce, 'no-match'), 'not in the MTA-STS policy mx list (enforce)');
    assert.equal(policyFailure(sts, { ...enforce, policy: { ...enforce.policy!, mode: 'testing' } }, 'no-match'), undefined);
    assert.equal(policyFailure({ ...sts, requireMtaSts: true }, null, undefined), 'no MTA-STS policy');
    assert.equal(policyFailure({ ...sts, requireMtaSts: true }, { txt: 'v=STSv1', policy: null, error: 'HTTP 404' }, undefined), 'no MTA-STS policy: HTTP 404');
  });
});

describe('DANE as pure functions', () => {
  const pki = testPki();
  after(() => pki.remove());
  const leafPem = pki.leaf(['mx.example.org']);
  const leaf = new X509Certificate(leafPem.cert);
  const intermediate = new X509Certificate(pki.intermediate.cert);
  const self = new X509Certificate(pki.selfSigned(['mx.example.org']).cert);
  const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const spki = (c: X509Certificate) => c.publicKey.export({ type: 'spki', format: 'der' });
  const rec = (usage: number, selector: number, matchingType: number, data: string): TlsaRecord => ({ usage, selector, matchingType, data });

  it('parseTlsa and formatTlsa', () => {
    assert.deepEqual(parseTlsa(Buffer.from([3, 1, 1, 0xab, 0xcd])), rec(3, 1, 1, 'abcd'));
    assert.equal(parseTlsa(Buffer.from([3, 1])), undefined);
    assert.equal(formatTlsa(rec(2, 0, 1, 'ff')), '2 0 1 ff');
  });

  it('associationData: selectors 0 and 1, matching types 0, 1, 2', () => {
    assert.equal(associationData(leaf, 0, 0), leaf.raw.toString('hex'));
    assert.equal(associationData(leaf, 0, 1), sha256(leaf.raw));
    assert.equal(associationData(leaf, 1, 1), sha256(spki(leaf)));
    assert.equal(associationData(leaf, 1, 2), createHash('sha512').update(spki(leaf)).digest('hex'));
    assert.equal(associationData(leaf, 1, 0), spki(leaf).toString('hex'));
    assert.equal(associationData(leaf, 2, 1), undefined);
    assert.equal(associationData(leaf, 1, 3), undefined);
  });

  it('daneMatch: DANE-EE against the leaf (names ignored), DANE-TA against a signer in the chain (names checked), PKIX usages unused', () => {
    const chain = [leaf, intermediate];
    assert.deepEqual(daneMatch([rec(3, 1, 1, sha256(spki(self)))], [self], false), rec(3, 1, 1, sha256(spki(self))));
    assert.equal(daneMatch([rec(3, 1, 1, '00'.repeat(32))], [self], true), undefined);
    assert.deepEqual(daneMatch([rec(2, 0, 1, sha256(intermediate.raw))], chain, true), rec(2, 0, 1, sha256(intermediate.raw)));
    assert.equal(daneMatch([rec(2, 0, 1, sha256(intermediate.raw))], chain, false), undefined);
    // a TA record for a certificate the leaf is not signed by does not match
    assert.equal(daneMatch([rec(2, 0, 1, sha256(intermediate.raw))], [self, intermediate], true), undefined);
    assert.equal(daneMatch([rec(1, 1, 1, sha256(spki(leaf))), rec(0, 0, 1, sha256(intermediate.raw))], chain, true), undefined);
    assert.equal(daneMatch([rec(3, 1, 1, sha256(spki(leaf)))], [], true), undefined);
  });
});

describe('EHLO names and reverse names', () => {
  it('defaultHelo: the FQDN, else the literal of the local address', () => {
    assert.equal(defaultHelo('10.0.0.5', 'mail.example.org'), 'mail.example.org');
    assert.equal(defaultHelo('10.0.0.5', 'mail.example.org.'), 'mail.example.org');
    assert.equal(defaultHelo('10.0.0.5', 'runsc'), '[10.0.0.5]');
    assert.equal(defaultHelo('::1', 'runsc'), '[IPv6:::1]');
    assert.equal(defaultHelo('::ffff:127.0.0.1', 'runsc'), '[127.0.0.1]');
    assert.equal(defaultHelo(undefined, 'runsc'), '[127.0.0.1]');
  });

  it('validHelo', () => {
    assert.deepEqual(['mx.example.org', '[192.0.2.1]', '[IPv6:2001:db8::1]', 'bare', 'no such', '[2001:db8::1]', ''].map(validHelo), [true, true, true, true, false, false, false]);
  });

  it('reverseName: in-addr.arpa and nibbles of ip6.arpa', () => {
    assert.equal(reverseName('192.0.2.25'), '25.2.0.192.in-addr.arpa');
    assert.equal(reverseName('::1'), `1.${'0.'.repeat(31)}ip6.arpa`);
    assert.equal(reverseName('2001:db8::25'), `5.2.0.0.${'0.'.repeat(20)}8.b.d.0.1.0.0.2.ip6.arpa`);
  });
});

describe('mapInOrderUnblocked', () => {
  it('results in input order, a slow item does not hold the others, at most `jobs` at once', async () => {
    // Item 0 finishes only once the five after it have (or after 5 s, when a blocking window never starts them).
    let othersDone!: () => void;
    const allOthers = new Promise<void>((resolve) => (othersDone = resolve));
    let running = 0;
    let peak = 0;
    const finished: number[] = [];
    const out: number[] = [];
    for await (const v of mapInOrderUnblocked([0, 1, 2, 3, 4, 5], 2, async (i) => {
      running++;
      peak = Math.max(peak, running);
      if (i === 0) await Promise.race([allOthers, new Promise((r) => setTimeout(r, 5000))]);
      else await new Promise((r) => setImmediate(r));
      running--;
      finished.push(i);
      if (finished.length === 5 && !finished.includes(0)) othersDone();
      return i;
    })) {
      out.push(v);
    }
    assert.deepEqual(out, [0, 1, 2, 3, 4, 5]);
    assert.equal(peak, 2);
    assert.deepEqual(finished, [1, 2, 3, 4, 5, 0]);
  });

  it('a rejection surfaces in its turn; an early return stops starting items', async () => {
    const seen: number[] = [];
    await assert.rejects(async () => {
      for await (const v of mapInOrderUnblocked([1, 2, 3], 2, async (i) => {
        if (i === 2) throw new Error('two');
        return i;
      })) seen.push(v);
    }, /two/);
    assert.deepEqual(seen, [1]);
    let started = 0;
    for await (const v of mapInOrderUnblocked(Array.from({ length: 100 }, (_, i) => i), 1, async (i) => (started++, i))) {
      if (v === 2) break;
    }
    assert.ok(started <= 4, `started ${started}`);
  });
});
