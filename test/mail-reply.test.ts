import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isIP } from 'node:net';
import { UsageError } from '../lib/cli';
import { mapOrdered } from '../lib/slots';
import { formatHostPort, ipFamily, normalizeDomain, parseHostPort, parsePort } from '../lib/mail/address';
import { backupExchanges, etrnAccepted } from '../lib/mail/etrn';
import { EtrnTargetError, isEtrnArgument, parseEtrnArguments, parseEtrnTargets } from '../lib/mail/etrn-targets';
import { defaultNameservers, parseNameserver, parseResolvConf } from '../lib/mail/mx';
import { domainArguments, domainLines, etrnTargets, portFlag, resolverFlag, timeoutFlag } from '../lib/mail/options';
import { testMessage } from '../lib/mail/probe';
import {
  ehloKeywords,
  parseSmtpReply,
  printable,
  replyText,
  SmtpProtocolError,
  SmtpReplyParser,
  splitReplyText,
  type SmtpReply,
} from '../lib/mail/smtp-reply';

// A Postfix EHLO reply, an ETRN reply and a rejection, as one byte stream.
const STREAM =
  '250-postfix.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-ETRN\r\n250-STARTTLS\r\n250 CHUNKING\r\n' +
  '250 Queuing started\r\n' +
  '554-5.7.1 Relay access denied\r\n554 5.7.1 see https://example.org/why\r\n';
const EXPECTED: SmtpReply[] = [
  { code: 250, lines: ['postfix.test', 'PIPELINING', 'SIZE 10240000', 'ETRN', 'STARTTLS', 'CHUNKING'] },
  { code: 250, lines: ['Queuing started'] },
  { code: 554, lines: ['5.7.1 Relay access denied', '5.7.1 see https://example.org/why'] },
];

function feed(chunks: (string | Buffer)[]): SmtpReply[] {
  const parser = new SmtpReplyParser();
  const out: SmtpReply[] = [];
  for (const c of chunks) out.push(...parser.push(c));
  assert.equal(parser.partial, '');
  return out;
}

function split(text: string, sizes: number[]): Buffer[] {
  const bytes = Buffer.from(text, 'latin1');
  const chunks: Buffer[] = [];
  for (let i = 0, k = 0; i < bytes.length; k++) {
    const n = sizes[k % sizes.length];
    chunks.push(bytes.subarray(i, i + n));
    i += n;
  }
  return chunks;
}

describe('SmtpReplyParser: chunk boundaries', () => {
  it('whole stream at once', () => {
    assert.deepEqual(feed([STREAM]), EXPECTED);
  });

  it('one byte at a time (splits every CRLF and every 250- continuation)', () => {
    assert.deepEqual(feed(split(STREAM, [1])), EXPECTED);
  });

  for (const sizes of [[2], [3], [7], [13], [5, 1, 9, 2], [64]]) {
    it(`chunks of ${sizes.join(',')} bytes`, () => {
      assert.deepEqual(feed(split(STREAM, sizes)), EXPECTED);
    });
  }

  it('every single split point of the stream gives the same replies', () => {
    for (let i = 1; i < STREAM.length; i++) {
      assert.deepEqual(feed([STREAM.slice(0, i), STREAM.slice(i)]), EXPECTED, `split at ${i}`);
    }
  });

  it('a reply only completes on its final line: nothing before the last CRLF', () => {
    const parser = new SmtpReplyParser();
    assert.deepEqual(parser.push('250-a\r\n250-b\r\n250 c'), []);
    assert.equal(parser.partial, '250 c');
    assert.deepEqual(parser.push('\r\n'), [{ code: 250, lines: ['a', 'b', 'c'] }]);
  });

  it('bare LF line ends and a bare code are accepted', () => {
    assert.deepEqual(feed(['220 hi\n250\n']), [
      { code: 220, lines: ['hi'] },
      { code: 250, lines: [''] },
    ]);
  });
});

describe('SmtpReplyParser: garbage', () => {
  const bad: [string, RegExp][] = [
    ['HTTP/1.1 400 Bad Request\r\n', /not an SMTP reply: HTTP\/1\.1 400 Bad Request/],
    ['\r\n', /not an SMTP reply: \(empty line\)/],
    ['2500 too many digits\r\n', /not an SMTP reply/],
    ['099 low\r\n', /not an SMTP reply/],
    ['250-a\r\n354 b\r\n', /code changed from 250 to 354/],
    ['hello\x00\x07\r\n', /not an SMTP reply: hello\\x00\\x07/],
  ];
  for (const [text, re] of bad) {
    it(`${JSON.stringify(text)} is a protocol error`, () => {
      assert.throws(() => new SmtpReplyParser().push(text), (e: unknown) => e instanceof SmtpProtocolError && re.test((e as Error).message));
    });
  }

  it('an endless line without CRLF is cut off, not buffered forever', () => {
    const parser = new SmtpReplyParser();
    assert.throws(() => {
      for (let i = 0; i < 100; i++) parser.push('2'.repeat(100));
    }, /longer than 4096 bytes/);
  });

  it('parseSmtpReply wants exactly one complete reply', () => {
    assert.deepEqual(parseSmtpReply('250-a\r\n250 b'), { code: 250, lines: ['a', 'b'] });
    assert.throws(() => parseSmtpReply('250 a\r\n250 b\r\n'), /expected one reply/);
    assert.throws(() => parseSmtpReply('250-a\r\n'), /expected one reply/);
  });

  it('ehloKeywords skips the greeting line and upper-cases keywords', () => {
    const kw = ehloKeywords({ code: 250, lines: ['mx.test Hello', 'etrn', 'SIZE 100', 'STARTTLS'] });
    assert.deepEqual([...kw], ['ETRN', 'SIZE', 'STARTTLS']);
  });
});

describe('reply text for people', () => {
  it('replyText joins the lines without the code', () => {
    assert.equal(replyText({ code: 554, lines: ['5.7.1 Relay access denied', '5.7.1 see why '] }), '5.7.1 Relay access denied 5.7.1 see why');
    assert.equal(replyText({ code: 250, lines: [''] }), '');
  });

  const splits: [string | undefined, number | null, string][] = [
    [undefined, null, ''],
    ['', null, ''],
    ['250 2.0.0 Ok: queued as 4F2A', 250, '2.0.0 Ok: queued as 4F2A'],
    ['250-mx.test\n250-PIPELINING\n250 8BITMIME', 250, 'mx.test PIPELINING 8BITMIME'],
    ['554-5.7.1 Relay access denied\r\n554 5.7.1 see https://example.org/why\r\n', 554, '5.7.1 Relay access denied 5.7.1 see https://example.org/why'],
    ['421', 421, ''],
    ['250 ', 250, ''],
    ['HTTP/1.1 400 Bad Request\nContent-Type: text/html', null, 'not an SMTP reply: HTTP/1.1 400 Bad Request'],
    ['\x00\x07 junk', null, 'not an SMTP reply: \\x00\\x07 junk'],
  ];
  for (const [text, code, words] of splits) {
    it(`splitReplyText(${JSON.stringify(text)}) -> ${code} ${JSON.stringify(words)}`, () => {
      assert.deepEqual(splitReplyText(text), { code, text: words });
    });
  }

  const shown: [string, number | undefined, string][] = [
    ['plain text', undefined, 'plain text'],
    ['a\tb', undefined, 'a b'],
    ['nul\x00bel\x07del\x7f', undefined, 'nul\\x00bel\\x07del\\x7f'],
    ['x'.repeat(81), undefined, `${'x'.repeat(80)}…`],
    ['abcdef', 3, 'abc…'],
    ['abc', 3, 'abc'],
  ];
  for (const [text, max, expected] of shown) {
    it(`printable(${JSON.stringify(text.slice(0, 20))}${max ? `, ${max}` : ''})`, () => {
      assert.equal(printable(text, max), expected);
    });
  }
});

describe('names, addresses and fields', () => {
  it('normalizeDomain', () => {
    assert.equal(normalizeDomain('Example.ORG.'), 'example.org');
    assert.equal(normalizeDomain('a-b.example'), 'a-b.example');
    assert.equal(normalizeDomain('localhost'), 'localhost');
    for (const bad of ['', '.', 'exa mple.org', 'a..b', '-a.org', 'a-.org', 'exa_mple.org', `${'a'.repeat(64)}.org`, 'a/b', 'ä.org']) {
      assert.equal(normalizeDomain(bad), undefined, bad);
    }
    assert.equal(normalizeDomain(`${'a.'.repeat(127)}a`), undefined); // 255 characters
  });

  it('parsePort: 1-65535 in at most five digits', () => {
    const table: [string, number | undefined][] = [
      ['1', 1],
      ['25', 25],
      ['65535', 65535],
      ['02525', 2525],
      ['0', undefined],
      ['65536', undefined],
      ['000025', undefined],
      ['', undefined],
      ['-1', undefined],
      ['2.5', undefined],
      ['smtp', undefined],
      [' 25', undefined],
    ];
    for (const [text, port] of table) assert.equal(parsePort(text), port, text);
  });

  it('formatHostPort brackets IPv6 addresses only', () => {
    const table: [string, number, string][] = [
      ['127.0.0.1', 25, '127.0.0.1:25'],
      ['mx.example.org', 2525, 'mx.example.org:2525'],
      ['::1', 53, '[::1]:53'],
      ['2001:db8::25', 25, '[2001:db8::25]:25'],
    ];
    for (const [host, port, text] of table) {
      assert.equal(formatHostPort(host, port), text);
      assert.deepEqual(parseHostPort(text), { host, port }, `round trip of ${text}`);
    }
  });

  it('ipFamily answers as net.isIP does', () => {
    const table: [string, 0 | 4 | 6][] = [
      ['127.0.0.1', 4],
      ['192.0.2.255', 4],
      ['256.0.0.1', 0],
      ['::1', 6],
      ['2001:db8::25', 6],
      ['::ffff:192.0.2.1', 6],
      ['fe80::1%eth0', 6],
      ['mx.example.org', 0],
      ['1.2.3', 0],
      ['', 0],
      [':', 0],
      ['[::1]', 0],
    ];
    for (const [text, family] of table) {
      assert.equal(ipFamily(text), family, text);
      assert.equal(ipFamily(text), isIP(text), `net.isIP(${text})`);
    }
  });

  it('parseHostPort and parseNameserver', () => {
    assert.deepEqual(parseHostPort('mx.example.org'), { host: 'mx.example.org' });
    assert.deepEqual(parseHostPort('127.0.0.1:2525'), { host: '127.0.0.1', port: 2525 });
    assert.deepEqual(parseHostPort('[::1]:53'), { host: '::1', port: 53 });
    assert.deepEqual(parseHostPort('::1'), { host: '::1' });
    for (const bad of ['', ':53', 'host:', 'host:0', 'host:65536', 'host:x', 'a b:1', '[::1]:']) {
      assert.equal(parseHostPort(bad), undefined, bad);
    }
    assert.deepEqual(parseNameserver('10.0.0.1'), { host: '10.0.0.1', port: 53 });
    assert.deepEqual(parseNameserver('127.0.0.1:5353'), { host: '127.0.0.1', port: 5353 });
  });

  it('parseResolvConf keeps nameservers in order and ignores the rest', () => {
    const text = '# generated\nsearch example.org\nnameserver 10.0.0.1\n nameserver   fe80::1%eth0 # link-local\noptions ndots:2\n;nameserver 9.9.9.9\nnameserver ::1\n';
    assert.deepEqual(parseResolvConf(text), ['10.0.0.1', 'fe80::1', '::1']);
  });

  it('defaultNameservers: PIPEKIT_NAMESERVER first, then resolv.conf, then 127.0.0.1', () => {
    assert.deepEqual(defaultNameservers({ PIPEKIT_NAMESERVER: '127.0.0.1:5300' }), [{ host: '127.0.0.1', port: 5300 }]);
    assert.throws(() => defaultNameservers({ PIPEKIT_NAMESERVER: 'not a host' }), /PIPEKIT_NAMESERVER/);
    assert.deepEqual(defaultNameservers({}, '/nonexistent/resolv.conf'), [{ host: '127.0.0.1', port: 53 }]);
  });

  it('option parsing: port, timeout, domains', () => {
    assert.equal(portFlag({}, {}), 25);
    assert.equal(portFlag({}, { PIPEKIT_SMTP_PORT: '2525' }), 2525);
    assert.equal(portFlag({ port: '587' }, { PIPEKIT_SMTP_PORT: '2525' }), 587);
    assert.equal(portFlag({ port: '65535' }, {}), 65535);
    const usage = (message: string) => (e: unknown) => e instanceof UsageError && e.message === message;
    for (const bad of ['0', '65536', 'smtp', '-1']) {
      assert.throws(() => portFlag({ port: bad }, {}), usage(`invalid --port '${bad}' (a whole number from 1 to 65535)`));
    }
    for (const bad of ['x', '0', '70000']) {
      assert.throws(() => portFlag({}, { PIPEKIT_SMTP_PORT: bad }), usage(`invalid PIPEKIT_SMTP_PORT '${bad}' (a whole number from 1 to 65535)`));
    }
    assert.equal(timeoutFlag({}), 30_000);
    assert.equal(timeoutFlag({ timeout: '500ms' }), 500);
    assert.equal(timeoutFlag({ timeout: '2m' }), 120_000);
    for (const bad of ['0', 'soon', '-1s']) {
      assert.throws(() => timeoutFlag({ timeout: bad }), usage(`invalid --timeout '${bad}' (a duration such as 30s, 500ms or 2m)`));
    }
    assert.deepEqual(domainLines(['a.org', '  b.org. ', '', '# comment']), ['a.org', 'b.org']);
    assert.deepEqual(domainLines([]), []);
    assert.throws(() => domainLines(['a.org', 'bad domain']), usage("malformed domain 'bad domain'"));
    assert.throws(() => domainLines(['a.org\x01']), usage("malformed domain 'a.org\\x01'"));
    // an argument is one domain as it stands: not trimmed, not split, never a comment
    assert.deepEqual(domainArguments(['a.org', 'b.org.']), ['a.org', 'b.org']);
    assert.throws(() => domainArguments(['a.org', '']), usage('empty domain argument'));
    for (const bad of ['bad domain', ' a.org', 'a.org\n', '# comment']) {
      assert.throws(() => domainArguments([bad]), usage(`malformed domain '${bad.replace('\n', '\\x0a')}'`), JSON.stringify(bad));
    }
  });

  it('resolverFlag: --nameserver, else PIPEKIT_NAMESERVER, with the timeout', () => {
    const r = resolverFlag({ nameserver: '127.0.0.1:5353' }, 1500, {});
    assert.deepEqual(r.nameservers, [{ host: '127.0.0.1', port: 5353 }]);
    assert.equal(r.timeoutMs, 1500);
    assert.deepEqual(resolverFlag({}, 1000, { PIPEKIT_NAMESERVER: '[::1]:53' }).nameservers, [{ host: '::1', port: 53 }]);
    assert.throws(() => resolverFlag({ nameserver: 'no such host' }, 1000, {}), (e: unknown) => e instanceof UsageError);
    assert.throws(() => resolverFlag({}, 1000, { PIPEKIT_NAMESERVER: 'x y' }), (e: unknown) => e instanceof UsageError);
  });
});

describe('ETRN helpers', () => {
  it('etrnAccepted: 250-253 only (RFC 1985)', () => {
    assert.deepEqual(
      [250, 251, 252, 253, 254, 458, 459, 500, null].map((c) => etrnAccepted(c)),
      [true, true, true, true, false, false, false, false, false],
    );
  });

  it('backupExchanges: every MX but those of the best preference', () => {
    const mx = (exchange: string, preference: number) => ({ exchange, preference, implicit: false });
    assert.deepEqual(backupExchanges([mx('a', 10), mx('b', 20), mx('c', 30)]).map((e) => e.exchange), ['b', 'c']);
    assert.deepEqual(backupExchanges([mx('a', 10), mx('a2', 10), mx('b', 20)]).map((e) => e.exchange), ['b']);
    assert.deepEqual(backupExchanges([mx('a', 10)]), []);
    assert.deepEqual(backupExchanges([]), []);
  });

  it('isEtrnArgument: domain, @domain, #queue', () => {
    for (const ok of ['example.org', '@example.org', '#queue1']) assert.ok(isEtrnArgument(ok), ok);
    for (const bad of ['', '@', '#', '# q', 'exa mple', '@@x.org']) assert.ok(!isEtrnArgument(bad), bad);
  });

  it('parseEtrnTargets: the seed backup_servers map as lines', () => {
    const lines = ['# backup MX map', 'mx3.zoneedit.com bjdean.id.au orientgrove.net', '', '127.0.0.1:2525  a.org', '[::1]:25 @sub.b.org #q1'];
    assert.deepEqual(parseEtrnTargets(lines), [
      { server: 'mx3.zoneedit.com', domains: ['bjdean.id.au', 'orientgrove.net'] },
      { server: '127.0.0.1:2525', domains: ['a.org'] },
      { server: '[::1]:25', domains: ['@sub.b.org', '#q1'] },
    ]);
    assert.deepEqual(parseEtrnTargets([]), []);
    assert.deepEqual(parseEtrnTargets(['', '  # nothing']), []);
  });

  const badTargets: [string[], string][] = [
    [['mx.example.net', 'x a.org'], 'line 1: no domain given after server mx.example.net'],
    [['mx.example.net'], 'no domain given after server mx.example.net'],
    [['mx:99999 a.org'], "malformed server 'mx:99999' (HOST[:PORT])"],
    [['bad!server a.org'], "malformed server 'bad!server' (HOST[:PORT])"],
    [['mx a_b.org'], "malformed domain 'a_b.org'"],
    [['mx a.org', 'mx2 b..org'], "line 2: malformed domain 'b..org'"],
    [['mx a.org\x01'], "malformed domain 'a.org\\x01'"],
  ];
  it('parseEtrnArguments: each argument whole, never split at blanks', () => {
    assert.deepEqual(parseEtrnArguments(['[::1]:25', 'a.org', '@sub.b.org', '#q1']), { server: '[::1]:25', domains: ['a.org', '@sub.b.org', '#q1'] });
  });

  const badArguments: [string[], string][] = [
    [['mx', 'bad domain'], "malformed domain 'bad domain'"],
    [['mx', 'a.org', 'b.org c.org'], "malformed domain 'b.org c.org'"],
    [['mx', ' a.org'], "malformed domain ' a.org'"],
    [['mx', ''], 'empty domain argument'],
    [['mx', 'a.org', ''], 'empty domain argument'],
    [['', 'a.org'], 'empty server argument'],
    [[], 'empty server argument'],
    [['mx a.org'], "malformed server 'mx a.org' (HOST[:PORT])"],
    [['mx'], 'no domain given after server mx'],
  ];
  for (const [args, message] of badArguments) {
    it(`parseEtrnArguments(${JSON.stringify(args)}): ${message}`, () => {
      assert.throws(() => parseEtrnArguments(args), (e: unknown) => e instanceof EtrnTargetError && e.message === message);
    });
  }

  for (const [lines, message] of badTargets) {
    it(`parseEtrnTargets(${JSON.stringify(lines)}): ${message}`, () => {
      assert.throws(() => parseEtrnTargets(lines), (e: unknown) => e instanceof EtrnTargetError && e.message === message);
      // the CLI wrapper turns the same rejection into a usage error
      assert.throws(() => etrnTargets(lines), (e: unknown) => e instanceof UsageError && e.message === message);
    });
  }
});

describe('probe helpers', () => {
  it('testMessage carries the seed subject and CRLF line ends', () => {
    const msg = testMessage({ domain: 'example.org', exchange: 'mx2.example.org', preference: 20 }, 'f@x', 't@y', new Date(0));
    assert.match(msg, /^From: f@x\r\nTo: t@y\r\nSubject: Test via mx2\.example\.org for example\.org\r\nDate: Thu, 01 Jan 1970 00:00:00 \+0000\r\n/);
    assert.ok(!/[^\r]\n/.test(msg));
  });

  it('probeDomains keeps input order through lib/slots mapOrdered, at most `jobs` running', async () => {
    let running = 0;
    let peak = 0;
    const delays = [30, 5, 20, 1, 10, 2, 15];
    const out: number[] = [];
    for await (const v of mapOrdered(delays.keys(), 3, async (i: number) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, delays[i]));
      running--;
      return i;
    })) {
      out.push(v);
    }
    assert.deepEqual(out, [0, 1, 2, 3, 4, 5, 6]);
    assert.equal(peak, 3);
  });
});
