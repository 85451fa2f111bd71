"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const cli_1 = require("../lib/cli");
const slots_1 = require("../lib/slots");
const address_1 = require("../lib/mail/address");
const etrn_1 = require("../lib/mail/etrn");
const etrn_targets_1 = require("../lib/mail/etrn-targets");
const mx_1 = require("../lib/mail/mx");
const options_1 = require("../lib/mail/options");
const probe_1 = require("../lib/mail/probe");
const smtp_reply_1 = require("../lib/mail/smtp-reply");
// A Postfix EHLO reply, an ETRN reply and a rejection, as one byte stream.
const STREAM = '250-postfix.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-ETRN\r\n250-STARTTLS\r\n250 CHUNKING\r\n' +
    '250 Queuing started\r\n' +
    '554-5.7.1 Relay access denied\r\n554 5.7.1 see https://example.org/why\r\n';
const EXPECTED = [
    { code: 250, lines: ['postfix.test', 'PIPELINING', 'SIZE 10240000', 'ETRN', 'STARTTLS', 'CHUNKING'] },
    { code: 250, lines: ['Queuing started'] },
    { code: 554, lines: ['5.7.1 Relay access denied', '5.7.1 see https://example.org/why'] },
];
function feed(chunks) {
    const parser = new smtp_reply_1.SmtpReplyParser();
    const out = [];
    for (const c of chunks)
        out.push(...parser.push(c));
    strict_1.default.equal(parser.partial, '');
    return out;
}
function split(text, sizes) {
    const bytes = Buffer.from(text, 'latin1');
    const chunks = [];
    for (let i = 0, k = 0; i < bytes.length; k++) {
        const n = sizes[k % sizes.length];
        chunks.push(bytes.subarray(i, i + n));
        i += n;
    }
    return chunks;
}
(0, node_test_1.describe)('SmtpReplyParser: chunk boundaries', () => {
    (0, node_test_1.it)('whole stream at once', () => {
        strict_1.default.deepEqual(feed([STREAM]), EXPECTED);
    });
    (0, node_test_1.it)('one byte at a time (splits every CRLF and every 250- continuation)', () => {
        strict_1.default.deepEqual(feed(split(STREAM, [1])), EXPECTED);
    });
    for (const sizes of [[2], [3], [7], [13], [5, 1, 9, 2], [64]]) {
        (0, node_test_1.it)(`chunks of ${sizes.join(',')} bytes`, () => {
            strict_1.default.deepEqual(feed(split(STREAM, sizes)), EXPECTED);
        });
    }
    (0, node_test_1.it)('every single split point of the stream gives the same replies', () => {
        for (let i = 1; i < STREAM.length; i++) {
            strict_1.default.deepEqual(feed([STREAM.slice(0, i), STREAM.slice(i)]), EXPECTED, `split at ${i}`);
        }
    });
    (0, node_test_1.it)('a reply only completes on its final line: nothing before the last CRLF', () => {
        const parser = new smtp_reply_1.SmtpReplyParser();
        strict_1.default.deepEqual(parser.push('250-a\r\n250-b\r\n250 c'), []);
        strict_1.default.equal(parser.partial, '250 c');
        strict_1.default.deepEqual(parser.push('\r\n'), [{ code: 250, lines: ['a', 'b', 'c'] }]);
    });
    (0, node_test_1.it)('bare LF line ends and a bare code are accepted', () => {
        strict_1.default.deepEqual(feed(['220 hi\n250\n']), [
            { code: 220, lines: ['hi'] },
            { code: 250, lines: [''] },
        ]);
    });
});
(0, node_test_1.describe)('SmtpReplyParser: garbage', () => {
    const bad = [
        ['HTTP/1.1 400 Bad Request\r\n', /not an SMTP reply: HTTP\/1\.1 400 Bad Request/],
        ['\r\n', /not an SMTP reply: \(empty line\)/],
        ['2500 too many digits\r\n', /not an SMTP reply/],
        ['099 low\r\n', /not an SMTP reply/],
        ['250-a\r\n354 b\r\n', /code changed from 250 to 354/],
        ['hello\x00\x07\r\n', /not an SMTP reply: hello\\x00\\x07/],
    ];
    for (const [text, re] of bad) {
        (0, node_test_1.it)(`${JSON.stringify(text)} is a protocol error`, () => {
            strict_1.default.throws(() => new smtp_reply_1.SmtpReplyParser().push(text), (e) => e instanceof smtp_reply_1.SmtpProtocolError && re.test(e.message));
        });
    }
    (0, node_test_1.it)('an endless line without CRLF is cut off, not buffered forever', () => {
        const parser = new smtp_reply_1.SmtpReplyParser();
        strict_1.default.throws(() => {
            for (let i = 0; i < 100; i++)
                parser.push('2'.repeat(100));
        }, /longer than 4096 bytes/);
    });
    (0, node_test_1.it)('parseSmtpReply wants exactly one complete reply', () => {
        strict_1.default.deepEqual((0, smtp_reply_1.parseSmtpReply)('250-a\r\n250 b'), { code: 250, lines: ['a', 'b'] });
        strict_1.default.throws(() => (0, smtp_reply_1.parseSmtpReply)('250 a\r\n250 b\r\n'), /expected one reply/);
        strict_1.default.throws(() => (0, smtp_reply_1.parseSmtpReply)('250-a\r\n'), /expected one reply/);
    });
    (0, node_test_1.it)('ehloKeywords skips the greeting line and upper-cases keywords', () => {
        const kw = (0, smtp_reply_1.ehloKeywords)({ code: 250, lines: ['mx.test Hello', 'etrn', 'SIZE 100', 'STARTTLS'] });
        strict_1.default.deepEqual([...kw], ['ETRN', 'SIZE', 'STARTTLS']);
    });
});
(0, node_test_1.describe)('reply text for people', () => {
    (0, node_test_1.it)('replyText joins the lines without the code', () => {
        strict_1.default.equal((0, smtp_reply_1.replyText)({ code: 554, lines: ['5.7.1 Relay access denied', '5.7.1 see why '] }), '5.7.1 Relay access denied 5.7.1 see why');
        strict_1.default.equal((0, smtp_reply_1.replyText)({ code: 250, lines: [''] }), '');
    });
    const splits = [
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
        (0, node_test_1.it)(`splitReplyText(${JSON.stringify(text)}) -> ${code} ${JSON.stringify(words)}`, () => {
            strict_1.default.deepEqual((0, smtp_reply_1.splitReplyText)(text), { code, text: words });
        });
    }
    const shown = [
        ['plain text', undefined, 'plain text'],
        ['a\tb', undefined, 'a b'],
        ['nul\x00bel\x07del\x7f', undefined, 'nul\\x00bel\\x07del\\x7f'],
        ['x'.repeat(81), undefined, `${'x'.repeat(80)}…`],
        ['abcdef', 3, 'abc…'],
        ['abc', 3, 'abc'],
    ];
    for (const [text, max, expected] of shown) {
        (0, node_test_1.it)(`printable(${JSON.stringify(text.slice(0, 20))}${max ? `, ${max}` : ''})`, () => {
            strict_1.default.equal((0, smtp_reply_1.printable)(text, max), expected);
        });
    }
});
(0, node_test_1.describe)('names, addresses and fields', () => {
    (0, node_test_1.it)('normalizeDomain', () => {
        strict_1.default.equal((0, address_1.normalizeDomain)('Example.ORG.'), 'example.org');
        strict_1.default.equal((0, address_1.normalizeDomain)('a-b.example'), 'a-b.example');
        strict_1.default.equal((0, address_1.normalizeDomain)('localhost'), 'localhost');
        for (const bad of ['', '.', 'exa mple.org', 'a..b', '-a.org', 'a-.org', 'exa_mple.org', `${'a'.repeat(64)}.org`, 'a/b', 'ä.org']) {
            strict_1.default.equal((0, address_1.normalizeDomain)(bad), undefined, bad);
        }
        strict_1.default.equal((0, address_1.normalizeDomain)(`${'a.'.repeat(127)}a`), undefined); // 255 characters
    });
    (0, node_test_1.it)('parsePort: 1-65535 in at most five digits', () => {
        const table = [
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
        for (const [text, port] of table)
            strict_1.default.equal((0, address_1.parsePort)(text), port, text);
    });
    (0, node_test_1.it)('formatHostPort brackets IPv6 addresses only', () => {
        const table = [
            ['127.0.0.1', 25, '127.0.0.1:25'],
            ['mx.example.org', 2525, 'mx.example.org:2525'],
            ['::1', 53, '[::1]:53'],
            ['2001:db8::25', 25, '[2001:db8::25]:25'],
        ];
        for (const [host, port, text] of table) {
            strict_1.default.equal((0, address_1.formatHostPort)(host, port), text);
            strict_1.default.deepEqual((0, address_1.parseHostPort)(text), { host, port }, `round trip of ${text}`);
        }
    });
    (0, node_test_1.it)('parseHostPort and parseNameserver', () => {
        strict_1.default.deepEqual((0, address_1.parseHostPort)('mx.example.org'), { host: 'mx.example.org' });
        strict_1.default.deepEqual((0, address_1.parseHostPort)('127.0.0.1:2525'), { host: '127.0.0.1', port: 2525 });
        strict_1.default.deepEqual((0, address_1.parseHostPort)('[::1]:53'), { host: '::1', port: 53 });
        strict_1.default.deepEqual((0, address_1.parseHostPort)('::1'), { host: '::1' });
        for (const bad of ['', ':53', 'host:', 'host:0', 'host:65536', 'host:x', 'a b:1', '[::1]:']) {
            strict_1.default.equal((0, address_1.parseHostPort)(bad), undefined, bad);
        }
        strict_1.default.deepEqual((0, mx_1.parseNameserver)('10.0.0.1'), { host: '10.0.0.1', port: 53 });
        strict_1.default.deepEqual((0, mx_1.parseNameserver)('127.0.0.1:5353'), { host: '127.0.0.1', port: 5353 });
    });
    (0, node_test_1.it)('parseResolvConf keeps nameservers in order and ignores the rest', () => {
        const text = '# generated\nsearch example.org\nnameserver 10.0.0.1\n nameserver   fe80::1%eth0 # link-local\noptions ndots:2\n;nameserver 9.9.9.9\nnameserver ::1\n';
        strict_1.default.deepEqual((0, mx_1.parseResolvConf)(text), ['10.0.0.1', 'fe80::1', '::1']);
    });
    (0, node_test_1.it)('defaultNameservers: PIPEKIT_NAMESERVER first, then resolv.conf, then 127.0.0.1', () => {
        strict_1.default.deepEqual((0, mx_1.defaultNameservers)({ PIPEKIT_NAMESERVER: '127.0.0.1:5300' }), [{ host: '127.0.0.1', port: 5300 }]);
        strict_1.default.throws(() => (0, mx_1.defaultNameservers)({ PIPEKIT_NAMESERVER: 'not a host' }), /PIPEKIT_NAMESERVER/);
        strict_1.default.deepEqual((0, mx_1.defaultNameservers)({}, '/nonexistent/resolv.conf'), [{ host: '127.0.0.1', port: 53 }]);
    });
    (0, node_test_1.it)('option parsing: port, timeout, domains', () => {
        strict_1.default.equal((0, options_1.portFlag)({}, {}), 25);
        strict_1.default.equal((0, options_1.portFlag)({}, { PIPEKIT_SMTP_PORT: '2525' }), 2525);
        strict_1.default.equal((0, options_1.portFlag)({ port: '587' }, { PIPEKIT_SMTP_PORT: '2525' }), 587);
        strict_1.default.equal((0, options_1.portFlag)({ port: '65535' }, {}), 65535);
        const usage = (message) => (e) => e instanceof cli_1.UsageError && e.message === message;
        for (const bad of ['0', '65536', 'smtp', '-1']) {
            strict_1.default.throws(() => (0, options_1.portFlag)({ port: bad }, {}), usage(`invalid --port '${bad}' (a whole number from 1 to 65535)`));
        }
        for (const bad of ['x', '0', '70000']) {
            strict_1.default.throws(() => (0, options_1.portFlag)({}, { PIPEKIT_SMTP_PORT: bad }), usage(`invalid PIPEKIT_SMTP_PORT '${bad}' (a whole number from 1 to 65535)`));
        }
        strict_1.default.equal((0, options_1.timeoutFlag)({}), 30_000);
        strict_1.default.equal((0, options_1.timeoutFlag)({ timeout: '500ms' }), 500);
        strict_1.default.equal((0, options_1.timeoutFlag)({ timeout: '2m' }), 120_000);
        for (const bad of ['0', 'soon', '-1s']) {
            strict_1.default.throws(() => (0, options_1.timeoutFlag)({ timeout: bad }), usage(`invalid --timeout '${bad}' (a duration such as 30s, 500ms or 2m)`));
        }
        strict_1.default.deepEqual((0, options_1.domainLines)(['a.org', '  b.org. ', '', '# comment']), ['a.org', 'b.org']);
        strict_1.default.deepEqual((0, options_1.domainLines)([]), []);
        strict_1.default.throws(() => (0, options_1.domainLines)(['a.org', 'bad domain']), usage("malformed domain 'bad domain'"));
        strict_1.default.throws(() => (0, options_1.domainLines)(['a.org\x01']), usage("malformed domain 'a.org\\x01'"));
        // an argument is one domain as it stands: not trimmed, not split, never a comment
        strict_1.default.deepEqual((0, options_1.domainArguments)(['a.org', 'b.org.']), ['a.org', 'b.org']);
        strict_1.default.throws(() => (0, options_1.domainArguments)(['a.org', '']), usage('empty domain argument'));
        for (const bad of ['bad domain', ' a.org', 'a.org\n', '# comment']) {
            strict_1.default.throws(() => (0, options_1.domainArguments)([bad]), usage(`malformed domain '${bad.replace('\n', '\\x0a')}'`), JSON.stringify(bad));
        }
    });
    (0, node_test_1.it)('resolverFlag: --nameserver, else PIPEKIT_NAMESERVER, with the timeout', () => {
        const r = (0, options_1.resolverFlag)({ nameserver: '127.0.0.1:5353' }, 1500, {});
        strict_1.default.deepEqual(r.nameservers, [{ host: '127.0.0.1', port: 5353 }]);
        strict_1.default.equal(r.timeoutMs, 1500);
        strict_1.default.deepEqual((0, options_1.resolverFlag)({}, 1000, { PIPEKIT_NAMESERVER: '[::1]:53' }).nameservers, [{ host: '::1', port: 53 }]);
        strict_1.default.throws(() => (0, options_1.resolverFlag)({ nameserver: 'no such host' }, 1000, {}), (e) => e instanceof cli_1.UsageError);
        strict_1.default.throws(() => (0, options_1.resolverFlag)({}, 1000, { PIPEKIT_NAMESERVER: 'x y' }), (e) => e instanceof cli_1.UsageError);
    });
});
(0, node_test_1.describe)('ETRN helpers', () => {
    (0, node_test_1.it)('etrnAccepted: 250-253 only (RFC 1985)', () => {
        strict_1.default.deepEqual([250, 251, 252, 253, 254, 458, 459, 500, null].map((c) => (0, etrn_1.etrnAccepted)(c)), [true, true, true, true, false, false, false, false, false]);
    });
    (0, node_test_1.it)('backupExchanges: every MX but those of the best preference', () => {
        const mx = (exchange, preference) => ({ exchange, preference, implicit: false });
        strict_1.default.deepEqual((0, etrn_1.backupExchanges)([mx('a', 10), mx('b', 20), mx('c', 30)]).map((e) => e.exchange), ['b', 'c']);
        strict_1.default.deepEqual((0, etrn_1.backupExchanges)([mx('a', 10), mx('a2', 10), mx('b', 20)]).map((e) => e.exchange), ['b']);
        strict_1.default.deepEqual((0, etrn_1.backupExchanges)([mx('a', 10)]), []);
        strict_1.default.deepEqual((0, etrn_1.backupExchanges)([]), []);
    });
    (0, node_test_1.it)('isEtrnArgument: domain, @domain, #queue', () => {
        for (const ok of ['example.org', '@example.org', '#queue1'])
            strict_1.default.ok((0, etrn_targets_1.isEtrnArgument)(ok), ok);
        for (const bad of ['', '@', '#', '# q', 'exa mple', '@@x.org'])
            strict_1.default.ok(!(0, etrn_targets_1.isEtrnArgument)(bad), bad);
    });
    (0, node_test_1.it)('parseEtrnTargets: the seed backup_servers map as lines', () => {
        const lines = ['# backup MX map', 'mx3.zoneedit.com bjdean.id.au orientgrove.net', '', '127.0.0.1:2525  a.org', '[::1]:25 @sub.b.org #q1'];
        strict_1.default.deepEqual((0, etrn_targets_1.parseEtrnTargets)(lines), [
            { server: 'mx3.zoneedit.com', domains: ['bjdean.id.au', 'orientgrove.net'] },
            { server: '127.0.0.1:2525', domains: ['a.org'] },
            { server: '[::1]:25', domains: ['@sub.b.org', '#q1'] },
        ]);
        strict_1.default.deepEqual((0, etrn_targets_1.parseEtrnTargets)([]), []);
        strict_1.default.deepEqual((0, etrn_targets_1.parseEtrnTargets)(['', '  # nothing']), []);
    });
    const badTargets = [
        [['mx.example.net', 'x a.org'], 'line 1: no domain given after server mx.example.net'],
        [['mx.example.net'], 'no domain given after server mx.example.net'],
        [['mx:99999 a.org'], "malformed server 'mx:99999' (HOST[:PORT])"],
        [['bad!server a.org'], "malformed server 'bad!server' (HOST[:PORT])"],
        [['mx a_b.org'], "malformed domain 'a_b.org'"],
        [['mx a.org', 'mx2 b..org'], "line 2: malformed domain 'b..org'"],
        [['mx a.org\x01'], "malformed domain 'a.org\\x01'"],
    ];
    (0, node_test_1.it)('parseEtrnArguments: each argument whole, never split at blanks', () => {
        strict_1.default.deepEqual((0, etrn_targets_1.parseEtrnArguments)(['[::1]:25', 'a.org', '@sub.b.org', '#q1']), { server: '[::1]:25', domains: ['a.org', '@sub.b.org', '#q1'] });
    });
    const badArguments = [
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
        (0, node_test_1.it)(`parseEtrnArguments(${JSON.stringify(args)}): ${message}`, () => {
            strict_1.default.throws(() => (0, etrn_targets_1.parseEtrnArguments)(args), (e) => e instanceof etrn_targets_1.EtrnTargetError && e.message === message);
        });
    }
    for (const [lines, message] of badTargets) {
        (0, node_test_1.it)(`parseEtrnTargets(${JSON.stringify(lines)}): ${message}`, () => {
            strict_1.default.throws(() => (0, etrn_targets_1.parseEtrnTargets)(lines), (e) => e instanceof etrn_targets_1.EtrnTargetError && e.message === message);
            // the CLI wrapper turns the same rejection into a usage error
            strict_1.default.throws(() => (0, options_1.etrnTargets)(lines), (e) => e instanceof cli_1.UsageError && e.message === message);
        });
    }
});
(0, node_test_1.describe)('probe helpers', () => {
    (0, node_test_1.it)('testMessage carries the seed subject and CRLF line ends', () => {
        const msg = (0, probe_1.testMessage)({ domain: 'example.org', exchange: 'mx2.example.org', preference: 20 }, 'f@x', 't@y', new Date(0));
        strict_1.default.match(msg, /^From: f@x\r\nTo: t@y\r\nSubject: Test via mx2\.example\.org for example\.org\r\nDate: Thu, 01 Jan 1970 00:00:00 \+0000\r\n/);
        strict_1.default.ok(!/[^\r]\n/.test(msg));
    });
    (0, node_test_1.it)('probeDomains keeps input order through lib/slots mapOrdered, at most `jobs` running', async () => {
        let running = 0;
        let peak = 0;
        const delays = [30, 5, 20, 1, 10, 2, 15];
        const out = [];
        for await (const v of (0, slots_1.mapOrdered)(delays.keys(), 3, async (i) => {
            running++;
            peak = Math.max(peak, running);
            await new Promise((r) => setTimeout(r, delays[i]));
            running--;
            return i;
        })) {
            out.push(v);
        }
        strict_1.default.deepEqual(out, [0, 1, 2, 3, 4, 5, 6]);
        strict_1.default.equal(peak, 3);
    });
});
