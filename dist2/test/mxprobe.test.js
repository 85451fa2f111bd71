"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_child_process_1 = require("node:child_process");
const node_events_1 = require("node:events");
const node_test_1 = require("node:test");
const mail_1 = require("../lib/mail");
const dns_server_1 = require("./helpers/dns-server");
const run_1 = require("./helpers/run");
const smtp_servers_1 = require("./helpers/smtp-servers");
const smtp_servers_2 = require("./helpers/smtp-servers");
// One smtp-server or raw server per behaviour on 127.0.0.2, .3, … sharing one port; each
// test domain's MX points at the address of the behaviour it is named after.
const BEHAVIOURS = [
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
const ip = (b) => `127.0.0.${2 + BEHAVIOURS.indexOf(b)}`;
const single = {
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
const zone = {
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
for (const domain of MANY)
    zone[domain] = { mx: [[10, 'mx.hang.test']] };
for (const [domain, behaviour] of Object.entries(single)) {
    zone[domain] = { mx: [[10, `mx.${domain}`]] };
    zone[`mx.${domain}`] = { a: [ip(behaviour)] };
}
let dns;
let servers;
let port;
const server = (b) => servers[BEHAVIOURS.indexOf(b)];
(0, node_test_1.before)(async () => {
    dns = await (0, dns_server_1.startDnsServer)(zone);
    ({ port, servers } = await (0, smtp_servers_2.startSmtpServers)(BEHAVIOURS.map((behaviour) => ({ behaviour }))));
});
(0, node_test_1.after)(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await dns.close();
});
function mxprobe(args, opts = {}) {
    const base = ['--nameserver', dns.nameserver, '--port', String(port), '--timeout', opts.timeout ?? '2s'];
    return (0, run_1.runFilter)('mxprobe', [...base, ...args], { input: opts.input, env: opts.env, timeout: 30_000 });
}
const out = (r) => r.stdout.toString();
const tsv = (...fields) => `${fields.join('\t')}\n`;
const noStack = (r) => strict_1.default.ok(!/^\s+at /m.test(r.stderr), `stack trace on stderr:\n${r.stderr}`);
(0, node_test_1.describe)('mxprobe: exchanges and their outcomes', () => {
    (0, node_test_1.it)('every exchange in preference order, one TSV line each; a relay rejection fails the run', async () => {
        const before = server('accept').received.length;
        const r = await mxprobe(['multi.test']);
        strict_1.default.equal(out(r), tsv('multi.test', 'mx1.multi.test', 10, 'ok', 250, 'data', 'OK: message queued') +
            tsv('multi.test', 'mx2.multi.test', 20, 'fail', 554, 'rcpt', '5.7.1 Relay access denied') +
            tsv('multi.test', 'mx3.multi.test', 30, 'ok', 250, 'data', 'OK: message queued'));
        strict_1.default.equal(r.code, 1);
        strict_1.default.deepEqual((0, run_1.stderrLines)(r), ['mxprobe: multi.test: mx2.multi.test: 554 5.7.1 Relay access denied (rcpt)']);
        const got = server('accept').received.slice(before);
        strict_1.default.deepEqual(got, [
            { from: 'mxprobe-FROM@multi.test', to: ['mxprobe-TO@multi.test'], subject: 'Test via mx1.multi.test for multi.test', secure: false },
        ]);
        // opportunistic STARTTLS with smtp-server's self-signed certificate
        strict_1.default.equal(server('starttls').received.at(-1)?.secure, true);
    });
    (0, node_test_1.it)('exit 0 and nothing on stderr when every exchange accepts', async () => {
        const r = await mxprobe(['accept.test', 'implicit.test']);
        strict_1.default.equal(r.code, 0, r.stderr);
        strict_1.default.equal(r.stderr, '');
        strict_1.default.equal(out(r), tsv('accept.test', 'mx.accept.test', 10, 'ok', 250, 'data', 'OK: message queued') +
            tsv('implicit.test', 'implicit.test', 0, 'ok', 250, 'data', 'OK: message queued'));
    });
    const failures = [
        ['rejmail.test', 'mx.rejmail.test', 'mail', 550, '5.7.1 Sender rejected'],
        ['greet421.test', 'mx.greet421.test', 'greeting', 421, '4.3.2 mx.test Service not available, closing transmission channel'],
        ['drop.test', 'mx.drop.test', 'ehlo', '-', 'connection closed by server'],
        ['garbage.test', 'mx.garbage.test', 'greeting', '-', 'not an SMTP reply: HTTP/1.1 400 Bad Request'],
        ['rejdata.test', 'mx.rejdata.test', 'data', 554, '5.6.0 Message refused'],
        ['closed.test', 'mx.closed.test', 'connect', '-', 'connection refused'],
        ['ghost.test', 'mx.ghost.test', 'dns', '-', 'NXDOMAIN: no such domain (A lookup)'],
    ];
    for (const [domain, exchange, phase, code, message] of failures) {
        (0, node_test_1.it)(`${domain}: fails at ${phase} with ${code} ${message}`, async () => {
            const r = await mxprobe([domain]);
            strict_1.default.equal(out(r), tsv(domain, exchange, 10, 'fail', code, phase, message));
            strict_1.default.equal(r.code, 1);
            strict_1.default.deepEqual((0, run_1.stderrLines)(r), [`mxprobe: ${domain}: ${exchange}: ${code === '-' ? '' : `${code} `}${message} (${phase})`]);
        });
    }
    for (const [domain, phase] of [
        ['hang.test', 'rcpt'],
        ['nogreeting.test', 'greeting'],
        ['mute.test', 'mail'],
    ]) {
        (0, node_test_1.it)(`${domain}: a server that stops answering fails at ${phase} after --timeout, not later`, async () => {
            const t0 = Date.now();
            const r = await mxprobe([domain], { timeout: '1s' });
            strict_1.default.equal(out(r), tsv(domain, `mx.${domain}`, 10, 'fail', '-', phase, 'no reply within 1s'));
            strict_1.default.equal(r.code, 1);
            strict_1.default.equal((0, run_1.stderrLines)(r).length, 1);
            strict_1.default.ok(Date.now() - t0 < 8000, `took ${Date.now() - t0}ms`);
        });
    }
});
(0, node_test_1.describe)('mxprobe: addresses', () => {
    (0, node_test_1.it)('an exchange with several addresses: the next is tried while connecting fails', async () => {
        const r = await mxprobe(['--json', '--transcript', 'twoaddr.test']);
        strict_1.default.equal(r.code, 0, r.stderr);
        const result = JSON.parse(out(r));
        strict_1.default.equal(result.status, 'ok');
        strict_1.default.equal(result.address, '127.0.0.2');
        strict_1.default.ok((0, run_1.stderrLines)(r).includes(`** twoaddr.test: probing mx.twoaddr.test [127.0.0.254]:${port}`));
    });
});
(0, node_test_1.describe)('mxprobe: DNS outcomes', () => {
    const cases = [
        ['null.test', tsv('null.test', '.', 0, 'fail', '-', 'dns', 'null MX: the domain accepts no mail (RFC 7505)')],
        ['nx.test', tsv('nx.test', '-', '-', 'fail', '-', 'dns', 'NXDOMAIN: no such domain (MX lookup)')],
        ['servfail.test', tsv('servfail.test', '-', '-', 'fail', '-', 'dns', 'SERVFAIL from nameserver (MX lookup)')],
        ['refused.test', tsv('refused.test', '-', '-', 'fail', '-', 'dns', 'REFUSED from nameserver (MX lookup)')],
        ['nomail.test', tsv('nomail.test', '-', '-', 'fail', '-', 'dns', 'no MX and no A/AAAA records: the domain accepts no mail')],
        ['silent.test', tsv('silent.test', '-', '-', 'fail', '-', 'dns', `MX lookup: nameserver ${'NS'}: no answer within 1s`)],
    ];
    for (const [domain, expected] of cases) {
        (0, node_test_1.it)(`${domain}: one clear line, exit 1`, async () => {
            const r = await mxprobe([domain], { timeout: '1s' });
            strict_1.default.equal(out(r), expected.replace('NS', dns.nameserver));
            strict_1.default.equal(r.code, 1);
            strict_1.default.match((0, run_1.stderrLines)(r)[0], new RegExp(`^mxprobe: ${domain}: `));
        });
    }
    (0, node_test_1.it)('an unreachable nameserver: one line on stderr, exit 1, within the timeout', async () => {
        const dead = await (0, dns_server_1.deadNameserver)();
        const t0 = Date.now();
        const r = await (0, run_1.runFilter)('mxprobe', ['--nameserver', dead, '--timeout', '1s', 'example.org'], { timeout: 30_000 });
        strict_1.default.equal(r.code, 1);
        strict_1.default.equal(out(r), tsv('example.org', '-', '-', 'fail', '-', 'dns', `MX lookup: nameserver ${dead}: no answer within 1s`));
        strict_1.default.deepEqual((0, run_1.stderrLines)(r), [`mxprobe: example.org: MX lookup: nameserver ${dead}: no answer within 1s (dns)`]);
        strict_1.default.ok(Date.now() - t0 < 8000);
    });
    (0, node_test_1.it)('PIPEKIT_NAMESERVER and PIPEKIT_SMTP_PORT stand in for --nameserver and --port', async () => {
        const env = { ...process.env, PIPEKIT_NAMESERVER: dns.nameserver, PIPEKIT_SMTP_PORT: String(port) };
        const r = await (0, run_1.runFilter)('mxprobe', ['implicit.test'], { env, timeout: 30_000 });
        strict_1.default.equal(r.code, 0, r.stderr);
        strict_1.default.equal(out(r), tsv('implicit.test', 'implicit.test', 0, 'ok', 250, 'data', 'OK: message queued'));
    });
});
(0, node_test_1.describe)('mxprobe: options', () => {
    (0, node_test_1.it)('--transcript: the dialogue on stderr with <- and -> prefixes, headers but no body', async () => {
        const r = await mxprobe(['--transcript', 'relay.test', 'accept.test']);
        strict_1.default.equal(r.code, 1);
        const lines = (0, run_1.stderrLines)(r);
        for (const l of lines)
            strict_1.default.match(l, /^(<- |-> |\*\* |mxprobe: )/);
        strict_1.default.ok(lines.includes('-> MAIL FROM:<mxprobe-FROM@relay.test>'));
        strict_1.default.ok(lines.includes('-> RCPT TO:<mxprobe-TO@relay.test>'));
        strict_1.default.ok(lines.includes('<- 554 5.7.1 Relay access denied'));
        strict_1.default.ok(lines.includes('<- 220 vm ESMTP') || lines.some((l) => /^<- 220 /.test(l)));
        strict_1.default.ok(lines.includes('-> Subject: Test via mx.accept.test for accept.test'));
        strict_1.default.ok(lines.includes('<- 250 OK: message queued'));
        strict_1.default.ok(lines.includes('-> QUIT'));
        // the body (the subject repeated) is not echoed
        strict_1.default.equal(lines.filter((l) => l.includes('Test via mx.accept.test for accept.test')).length, 1);
        strict_1.default.equal(lines.filter((l) => l.startsWith('mxprobe: ')).length, 1);
    });
    (0, node_test_1.it)('--transcript shows STARTTLS and the second EHLO', async () => {
        const r = await mxprobe(['--transcript', 'tls.test']);
        strict_1.default.equal(r.code, 0, r.stderr);
        const lines = (0, run_1.stderrLines)(r);
        const i = lines.indexOf('-> STARTTLS');
        strict_1.default.ok(i > 0, r.stderr);
        strict_1.default.match(lines[i + 1], /^<- 220 /);
        strict_1.default.equal(lines[i + 2], '** TLS established (certificate not verified)');
        strict_1.default.match(lines[i + 3], /^-> EHLO /);
    });
    (0, node_test_1.it)('--quit-after rcpt: no DATA, no message delivered', async () => {
        const before = server('accept').received.length;
        const r = await mxprobe(['--quit-after', 'rcpt', '--transcript', 'accept.test', 'relay.test']);
        strict_1.default.equal(out(r), tsv('accept.test', 'mx.accept.test', 10, 'ok', 250, 'rcpt', 'Accepted') +
            tsv('relay.test', 'mx.relay.test', 10, 'fail', 554, 'rcpt', '5.7.1 Relay access denied'));
        strict_1.default.equal(r.code, 1);
        strict_1.default.equal(server('accept').received.length, before);
        strict_1.default.ok(!(0, run_1.stderrLines)(r).includes('-> DATA'));
        strict_1.default.ok((0, run_1.stderrLines)(r).includes('-> RCPT TO:<mxprobe-TO@accept.test>'));
    });
    (0, node_test_1.it)('--from and --to replace the envelope addresses', async () => {
        const r = await mxprobe(['--from', 'probe@sender.test', '--to', 'postmaster@accept.test', 'accept.test']);
        strict_1.default.equal(r.code, 0, r.stderr);
        const last = server('accept').received.at(-1);
        strict_1.default.equal(last.from, 'probe@sender.test');
        strict_1.default.deepEqual(last.to, ['postmaster@accept.test']);
    });
    (0, node_test_1.it)('--no-tls stays in plaintext; --require-tls fails where STARTTLS is missing', async () => {
        const plain = await mxprobe(['--no-tls', '--json', 'tls.test']);
        strict_1.default.equal(plain.code, 0, plain.stderr);
        strict_1.default.equal(JSON.parse(out(plain)).tls, false);
        strict_1.default.equal(server('starttls').received.at(-1)?.secure, false);
        const required = await mxprobe(['--require-tls', '--json', 'tls.test', 'accept.test']);
        const [a, b] = out(required).trim().split('\n').map((l) => JSON.parse(l));
        strict_1.default.equal(a.status, 'ok');
        strict_1.default.equal(a.tls, true);
        strict_1.default.equal(b.status, 'fail');
        strict_1.default.equal(b.phase, 'tls');
        strict_1.default.equal(required.code, 1);
    });
    (0, node_test_1.it)('--json: one JSON object per exchange with the TSV fields and more', async () => {
        const r = await mxprobe(['--json', 'multi.test', 'nx.test']);
        const rows = out(r).trim().split('\n').map((l) => JSON.parse(l));
        strict_1.default.deepEqual(rows.map((x) => [x.domain, x.exchange, x.preference, x.status, x.code, x.phase]), [
            ['multi.test', 'mx1.multi.test', 10, 'ok', 250, 'data'],
            ['multi.test', 'mx2.multi.test', 20, 'fail', 554, 'rcpt'],
            ['multi.test', 'mx3.multi.test', 30, 'ok', 250, 'data'],
            ['nx.test', '-', null, 'fail', null, 'dns'],
        ]);
        strict_1.default.equal(rows[0].address, ip('accept'));
        strict_1.default.equal(rows[2].tls, true);
    });
    (0, node_test_1.it)('-j 8: same output as -j 1, in input order, faster, transcripts not interleaved', async () => {
        const domains = ['hang.test', 'multi.test', 'accept.test', 'nogreeting.test', 'relay.test', 'implicit.test', 'null.test'];
        const serial = await mxprobe(['-j', '1', ...domains], { timeout: '1s' });
        const t0 = Date.now();
        const parallel = await mxprobe(['-j', '8', '--transcript', ...domains], { timeout: '1s' });
        const elapsed = Date.now() - t0;
        strict_1.default.equal(out(parallel), out(serial));
        strict_1.default.equal(parallel.code, 1);
        strict_1.default.ok(elapsed < 5000, `-j 8 took ${elapsed}ms`);
        // each block opens with '** DOMAIN: probing' and only speaks of that domain
        let current = '';
        for (const l of (0, run_1.stderrLines)(parallel)) {
            const open = /^\*\* ([^:]+): probing /.exec(l);
            if (open)
                current = open[1];
            const addr = /^-> (?:MAIL FROM|RCPT TO):<[^@]+@(.*)>$/.exec(l);
            if (addr)
                strict_1.default.equal(addr[1], current, `interleaved transcript:\n${parallel.stderr}`);
        }
    });
    (0, node_test_1.it)('-j 16 with 16 sessions open at once: no MaxListenersExceededWarning', async () => {
        const hang = server('hang-rcpt');
        const r = await mxprobe(['-j', '16', ...MANY], { timeout: '1s' });
        // every session stood open until its timeout, so all 16 slots held one at the same time
        strict_1.default.equal(hang.connections.peak, 16);
        strict_1.default.equal(out(r), MANY.map((d) => tsv(d, 'mx.hang.test', 10, 'fail', '-', 'rcpt', 'no reply within 1s')).join(''));
        strict_1.default.equal(r.code, 1);
        strict_1.default.ok(!r.stderr.includes('MaxListenersExceededWarning'), r.stderr);
        strict_1.default.deepEqual((0, run_1.stderrLines)(r), MANY.map((d) => `mxprobe: ${d}: mx.hang.test: no reply within 1s (rcpt)`));
    });
    (0, node_test_1.it)('SIGINT while an exchange hangs: exit 130, one line, nothing on stdout', async () => {
        const args = ['--nameserver', dns.nameserver, '--port', String(port), '--timeout', '20s', '--transcript', 'hang.test'];
        const child = (0, node_child_process_1.spawn)(process.execPath, [(0, run_1.filterPath)('mxprobe'), ...args]);
        const r = await (0, smtp_servers_1.interruptWhen)(child, '-> RCPT TO:');
        strict_1.default.equal(r.code, 130);
        strict_1.default.equal(r.stdout, '');
        strict_1.default.equal(r.stderr.trimEnd().split('\n').at(-1), 'mxprobe: interrupted');
        strict_1.default.ok(!/^\s+at /m.test(r.stderr));
    });
    (0, node_test_1.it)('domains on stdin, one per line; blank lines skipped; -0 for NUL-separated', async () => {
        const lines = await mxprobe([], { input: 'accept.test\n\nimplicit.test\n' });
        strict_1.default.equal(lines.code, 0, lines.stderr);
        strict_1.default.equal(out(lines).split('\n').length - 1, 2);
        const nul = await mxprobe(['-0'], { input: 'accept.test\0implicit.test\0' });
        strict_1.default.equal(out(nul), out(lines));
    });
    (0, node_test_1.it)('empty stdin is nothing to do: exit 0, no output', async () => {
        const r = await mxprobe([], { input: '' });
        strict_1.default.equal(r.code, 0);
        strict_1.default.equal(out(r), '');
        strict_1.default.equal(r.stderr, '');
    });
    (0, node_test_1.it)('stdin of blank and comment lines only, or empty with -0: nothing to do, exit 0', async () => {
        for (const [args, input] of [[[], '\n  \n# later\n'], [['-0'], '']]) {
            const r = await mxprobe(args, { input });
            strict_1.default.equal(r.code, 0, r.stderr);
            strict_1.default.equal(out(r), '');
            strict_1.default.equal(r.stderr, '');
        }
    });
    (0, node_test_1.it)("an empty argument among good ones probes nothing: exit 2, one line", async () => {
        const before = server('accept').received.length;
        const r = await mxprobe(['accept.test', '']);
        strict_1.default.equal(r.code, 2, r.stderr);
        strict_1.default.equal(out(r), '');
        strict_1.default.deepEqual((0, run_1.stderrLines)(r), ['mxprobe: empty domain argument; see mxprobe --help']);
        strict_1.default.equal(server('accept').received.length, before);
    });
    (0, node_test_1.it)('a closed stdout ends quietly (| head -1)', async () => {
        const cmd = `node ${(0, run_1.filterPath)('mxprobe')} --nameserver ${dns.nameserver} --port ${port} accept.test implicit.test accept.test implicit.test | head -n 1; echo "rc=\${PIPESTATUS[0]}" >&2`;
        const r = await (0, run_1.runCommand)('bash', ['-c', cmd], { timeout: 30_000 });
        strict_1.default.equal(out(r), tsv('accept.test', 'mx.accept.test', 10, 'ok', 250, 'data', 'OK: message queued'));
        strict_1.default.match(r.stderr, /^rc=(0|141)\n$/);
    });
});
(0, node_test_1.describe)('mxprobe: usage errors exit 2 with one clear line', () => {
    const cases = [
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
        (0, node_test_1.it)(JSON.stringify(args), async () => {
            const r = await (0, run_1.runFilter)('mxprobe', args, { timeout: 30_000 });
            strict_1.default.equal(r.code, 2, r.stderr);
            strict_1.default.equal(out(r), '');
            const [line, ...rest] = (0, run_1.stderrLines)(r);
            strict_1.default.deepEqual(rest, [], 'one line');
            strict_1.default.match(line.replace(/; see mxprobe --help$/, ''), re);
            strict_1.default.match(line, /; see mxprobe --help$/);
            noStack(r);
        });
    }
    (0, node_test_1.it)('no domains and stdin a terminal: usage error', async () => {
        // script(1) gives the filter a pseudo-terminal as stdin
        const r = await (0, run_1.runCommand)('script', ['-qec', `node ${(0, run_1.filterPath)('mxprobe')}`, '/dev/null'], { timeout: 30_000 });
        strict_1.default.equal(r.code, 2);
        strict_1.default.match(out(r), /mxprobe: no domains given \(as arguments or on stdin\)/);
    });
    (0, node_test_1.it)('--help lists every option; --version prints the version', async () => {
        const help = await (0, run_1.runFilter)('mxprobe', ['--help']);
        strict_1.default.equal(help.code, 0);
        for (const opt of ['--nameserver', '--port', '--from', '--to', '--quit-after', '--no-tls', '--require-tls', '--jobs', '--timeout', '--json', '--transcript', '--null']) {
            strict_1.default.ok(out(help).includes(opt), opt);
        }
        const version = await (0, run_1.runFilter)('mxprobe', ['--version']);
        strict_1.default.match(out(version), /^mxprobe \d+\.\d+\.\d+\n$/);
    });
});
(0, node_test_1.describe)('mail library: resolveMx, probeExchange, probeDomains', () => {
    const nameservers = () => [{ host: dns.host, port: dns.port }];
    (0, node_test_1.it)('resolveMx sorts by preference; implicit MX; typed errors', async () => {
        strict_1.default.deepEqual(await (0, mail_1.resolveMx)('multi.test', { nameservers: nameservers() }), [
            { exchange: 'mx1.multi.test', preference: 10, implicit: false },
            { exchange: 'mx2.multi.test', preference: 20, implicit: false },
            { exchange: 'mx3.multi.test', preference: 30, implicit: false },
        ]);
        strict_1.default.deepEqual(await (0, mail_1.resolveMx)('implicit.test', { nameservers: nameservers() }), [
            { exchange: 'implicit.test', preference: 0, implicit: true },
        ]);
        for (const [domain, kind] of [
            ['null.test', 'nullmx'],
            ['nx.test', 'nxdomain'],
            ['servfail.test', 'servfail'],
            ['silent.test', 'timeout'],
            ['nomail.test', 'nomail'],
        ]) {
            await strict_1.default.rejects((0, mail_1.resolveMx)(domain, { nameservers: nameservers(), timeoutMs: 500 }), (e) => {
                strict_1.default.ok(e instanceof mail_1.MxError);
                strict_1.default.equal(e.kind, kind);
                return true;
            });
        }
    });
    (0, node_test_1.it)('probeExchange reports, never throws; transcript callback gets the dialogue', async () => {
        const resolver = new mail_1.MxResolver({ nameservers: nameservers(), timeoutMs: 2000 });
        const lines = [];
        const r = await (0, mail_1.probeExchange)({ domain: 'relay.test', exchange: 'mx.relay.test', preference: 10 }, { resolver, port, timeoutMs: 2000, quitAfter: 'rcpt', transcript: (l) => lines.push(l) });
        strict_1.default.deepEqual({ status: r.status, code: r.code, phase: r.phase, message: r.message, address: r.address }, { status: 'fail', code: 554, phase: 'rcpt', message: '5.7.1 Relay access denied', address: ip('reject-rcpt') });
        strict_1.default.ok(lines.includes('<- 554 5.7.1 Relay access denied'));
    });
    (0, node_test_1.it)('probeDomains yields in input order and honours an AbortSignal', async () => {
        const resolver = new mail_1.MxResolver({ nameservers: nameservers(), timeoutMs: 2000 });
        const results = [];
        for await (const r of (0, mail_1.probeDomains)(['implicit.test', 'multi.test'], { resolver, port, timeoutMs: 2000, jobs: 4 }))
            results.push(r);
        strict_1.default.deepEqual(results.map((r) => `${r.exchange} ${r.status}`), ['implicit.test ok', 'mx1.multi.test ok', 'mx2.multi.test fail', 'mx3.multi.test ok']);
        const ac = new AbortController();
        setTimeout(() => ac.abort(), 300);
        const t0 = Date.now();
        const hung = [];
        for await (const r of (0, mail_1.probeDomains)(['hang.test'], { resolver, port, timeoutMs: 20_000, signal: ac.signal }))
            hung.push(r);
        strict_1.default.ok(Date.now() - t0 < 5000);
        strict_1.default.equal(hung[0].status, 'fail');
        strict_1.default.equal(hung[0].message, 'interrupted');
    });
    (0, node_test_1.it)('probeDomains listens on the caller\'s signal once while it runs, and not at all after, also after an early return', async () => {
        const resolver = new mail_1.MxResolver({ nameservers: nameservers(), timeoutMs: 2000 });
        const ac = new AbortController();
        const listeners = () => (0, node_events_1.getEventListeners)(ac.signal, 'abort').length;
        const seen = [];
        for await (const r of (0, mail_1.probeDomains)(['multi.test', 'accept.test'], { resolver, port, timeoutMs: 2000, jobs: 4, quitAfter: 'rcpt', signal: ac.signal })) {
            seen.push(listeners());
            strict_1.default.ok(r.exchange);
        }
        strict_1.default.deepEqual(seen, [1, 1, 1, 1]);
        strict_1.default.equal(listeners(), 0);
        for await (const r of (0, mail_1.probeDomains)(['multi.test', 'accept.test'], { resolver, port, timeoutMs: 2000, jobs: 4, quitAfter: 'rcpt', signal: ac.signal })) {
            strict_1.default.equal(r.exchange, 'mx1.multi.test');
            break;
        }
        strict_1.default.equal(listeners(), 0);
    });
});
