"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.testMessage = testMessage;
exports.probeExchange = probeExchange;
exports.probeDomains = probeDomains;
const node_crypto_1 = require("node:crypto");
const node_net_1 = require("node:net");
// The maintained successor of the deprecated `smtp-connection` package, reached through
// nodemailer's package "exports".
const smtp_connection_1 = __importDefault(require("nodemailer/lib/smtp-connection"));
const abort_1 = require("../abort");
const slots_1 = require("../slots");
const mx_1 = require("./mx");
const smtp_dialogue_1 = require("./smtp-dialogue");
const smtp_reply_1 = require("./smtp-reply");
const PHASE_OF_COMMAND = {
    EHLO: 'ehlo',
    HELO: 'ehlo',
    LHLO: 'ehlo',
    STARTTLS: 'tls',
    'MAIL FROM': 'mail',
    'RCPT TO': 'rcpt',
    DATA: 'data',
};
function commandPhase(line) {
    const verb = line.slice(0, 4).toUpperCase();
    if (verb === 'MAIL')
        return 'mail';
    if (verb === 'RCPT')
        return 'rcpt';
    if (verb === 'DATA')
        return 'data';
    if (verb === 'STAR')
        return 'tls';
    if (verb === 'EHLO' || verb === 'HELO' || verb === 'LHLO')
        return 'ehlo';
    return undefined;
}
/**
 * The test message mxprobe sends: the headers the seed's test_smtp_servers sent (From, To,
 * `Subject: Test via EXCHANGE for DOMAIN`), plus Date and Message-ID; CRLF line ends.
 */
function testMessage(target, from, to, now = new Date()) {
    const subject = `Test via ${target.exchange} for ${target.domain}`;
    return [
        `From: ${from}`,
        `To: ${to}`,
        `Subject: ${subject}`,
        `Date: ${now.toUTCString().replace('GMT', '+0000')}`,
        `Message-ID: <${(0, node_crypto_1.randomBytes)(9).toString('hex')}.mxprobe@${target.domain}>`,
        '',
        subject,
        '',
    ].join('\r\n');
}
/** One SMTP session to one address; resolves once the connection is closed. */
function session(target, address, opts) {
    const from = opts.from ?? `mxprobe-FROM@${target.domain}`;
    const to = opts.to ?? `mxprobe-TO@${target.domain}`;
    const say = opts.transcript ?? (() => { });
    const message = testMessage(target, from, to);
    // The command each outstanding reply answers, oldest first; SMTPConnection pipelines.
    const awaiting = ['connect'];
    let lastPhase = 'connect';
    let tls = false;
    const note = (phase) => {
        awaiting.push(phase);
    };
    const replied = () => {
        lastPhase = awaiting.shift() ?? lastPhase;
    };
    const currentPhase = () => awaiting[0] ?? lastPhase;
    // SMTPConnection reports the dialogue only through a bunyan-style logger (transactionLog):
    // records tagged tnx 'server' / 'client' are the lines; the rest tell what happened.
    const onRecord = (level, data, text) => {
        const tnx = data?.tnx;
        if (tnx === 'server' && level === 'debug') {
            replied();
            for (const l of text.split(/\r?\n/))
                say((0, smtp_dialogue_1.serverLine)(l));
        }
        else if (tnx === 'client' && level === 'debug') {
            // Commands sent through the customAuth channel are logged as `/* secret */`; that
            // channel writes its own transcript lines (see envelopeOnly).
            if (text === '/* secret */')
                return;
            note(commandPhase(text) ?? currentPhase());
            say(`-> ${text}`);
        }
        else if (tnx === 'network' && data?.remoteAddress) {
            awaiting.splice(0, awaiting.length, 'greeting');
            say((0, smtp_dialogue_1.connectedNote)(String(data.remoteAddress), Number(data.remotePort)));
        }
        else if (tnx === 'smtp' && /upgraded with STARTTLS/.test(text)) {
            tls = true;
            say(smtp_dialogue_1.TLS_ESTABLISHED);
        }
        else if (tnx === 'message' && level === 'info') {
            // The message went out: show its headers, never its body.
            const [head, body = ''] = message.split('\r\n\r\n');
            for (const h of head.split('\r\n'))
                say(`-> ${h}`);
            say(`-> [message body not shown, ${Buffer.byteLength(body)} bytes]`);
            say('-> .');
            note('data');
        }
    };
    const logger = {};
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal']) {
        logger[level] = (...args) => {
            const data = typeof args[0] === 'object' && args[0] !== null ? args.shift() : undefined;
            onRecord(level, data, typeof args[0] === 'string' ? format(args[0], args.slice(1)) : '');
        };
    }
    const conn = new smtp_connection_1.default({
        host: address,
        port: opts.port,
        servername: (0, node_net_1.isIP)(target.exchange) ? undefined : target.exchange,
        ignoreTLS: opts.tls === 'none',
        requireTLS: opts.tls === 'require',
        opportunisticTLS: opts.tls === 'opportunistic',
        tls: { rejectUnauthorized: false },
        connectionTimeout: opts.timeoutMs * 2,
        greetingTimeout: opts.timeoutMs,
        socketTimeout: opts.timeoutMs,
        socketCloseTimeout: Math.min(opts.timeoutMs, 1000),
        logger,
        transactionLog: true,
        customAuth: { 'X-MXPROBE-ENVELOPE': (ctx) => envelopeOnly(ctx) },
    });
    let result;
    const base = { domain: target.domain, exchange: target.exchange, preference: target.preference, address };
    const settle = (r) => {
        result ??= { ...base, ...r, tls };
    };
    const fail = (err) => {
        const phase = (err.command && PHASE_OF_COMMAND[err.command]) || currentPhase();
        const { code, text } = (0, smtp_reply_1.splitReplyText)(err.response);
        let why = text;
        if (!err.response) {
            if (err.code === 'ETIMEDOUT' || err.timeoutType) {
                why = phase === 'connect' ? (0, smtp_dialogue_1.connectTimedOut)(opts.timeoutMs) : (0, smtp_dialogue_1.noReplyWithin)(opts.timeoutMs);
            }
            else if (err.originalCode)
                why = (0, smtp_dialogue_1.connectFailure)(err.originalCode);
            else if (/closed unexpectedly/i.test(err.message))
                why = smtp_dialogue_1.CLOSED_BY_SERVER;
            else
                why = (0, smtp_reply_1.printable)(err.message.split('\n')[0], 200);
        }
        if (err.code === 'ETLS' && !/^STARTTLS/.test(why))
            why = `STARTTLS failed: ${why}`;
        settle({ status: 'fail', code, phase, message: why });
    };
    // SMTPConnection pipelines MAIL, RCPT and DATA, and send() has no way to stop before
    // DATA. Its customAuth hook is the one public way to send other commands on the
    // session, so --quit-after rcpt sends the envelope through it, one command at a time.
    async function envelopeOnly(ctx) {
        for (const [phase, cmd] of [
            ['mail', `MAIL FROM:<${from}>`],
            ['rcpt', `RCPT TO:<${to}>`],
        ]) {
            note(phase);
            say(`-> ${cmd}`);
            const reply = await ctx.sendCommand(cmd);
            const { code, text } = (0, smtp_reply_1.splitReplyText)(reply.response);
            if (!code || code >= 300) {
                settle({ status: 'fail', code, phase, message: text });
                return;
            }
            if (phase === 'rcpt')
                settle({ status: 'ok', code, phase, message: text });
        }
    }
    return new Promise((resolve) => {
        let finished = false;
        const finish = () => {
            if (finished)
                return;
            finished = true;
            opts.signal?.removeEventListener('abort', onAbort);
            clearTimeout(closeTimer);
            result ??= { ...base, status: 'fail', code: null, phase: currentPhase(), message: smtp_dialogue_1.CLOSED_BY_SERVER, tls };
            resolve(result);
        };
        let closeTimer;
        const quit = () => {
            // A server that never answers QUIT must not hold the probe: close after a grace period.
            closeTimer = setTimeout(() => {
                conn.close();
                finish();
            }, (0, smtp_dialogue_1.quitGraceMs)(opts.timeoutMs));
            try {
                conn.quit();
            }
            catch {
                conn.close();
            }
        };
        const onAbort = () => {
            settle({ status: 'fail', code: null, phase: currentPhase(), message: 'interrupted' });
            conn.close();
            finish();
        };
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        conn.on('error', (err) => fail(err));
        // 'end' can come in the same turn as the last reply; let its handler record the result first.
        conn.on('end', () => setImmediate(finish));
        conn.connect((err) => {
            if (err) {
                fail(err);
                conn.close();
                setImmediate(finish);
                return;
            }
            if (opts.quitAfter === 'rcpt') {
                conn.login({ method: 'X-MXPROBE-ENVELOPE' }, (loginErr) => {
                    if (loginErr)
                        fail(loginErr);
                    quit();
                });
                return;
            }
            conn.send({ from, to }, message, (sendErr, info) => {
                if (sendErr)
                    fail(sendErr);
                else {
                    const { code, text } = (0, smtp_reply_1.splitReplyText)(info?.response);
                    settle({ status: 'ok', code, phase: 'data', message: text });
                }
                quit();
            });
        });
    });
}
function format(fmt, args) {
    let i = 0;
    return fmt.replace(/%[sdjo%]/g, (m) => (m === '%%' ? '%' : i < args.length ? String(args[i++]) : m));
}
/**
 * Probe one exchange of a domain with nodemailer's SMTPConnection: resolve its addresses,
 * connect on port 25, EHLO, STARTTLS when offered, MAIL FROM, RCPT TO and (unless
 * quitAfter is `rcpt`) DATA with a test message, then QUIT. Addresses are tried in turn
 * while connecting fails. Never throws for server behaviour: every outcome is a
 * ProbeResult (status, code, phase, message).
 */
async function probeExchange(target, options = {}) {
    const opts = { port: 25, quitAfter: 'data', tls: 'opportunistic', timeoutMs: smtp_dialogue_1.DEFAULT_TIMEOUT_MS, ...options };
    const say = opts.transcript ?? (() => { });
    const base = { ...target, code: null, tls: false };
    let addresses;
    try {
        addresses = await (opts.resolver ?? new mx_1.MxResolver({ timeoutMs: opts.timeoutMs })).resolveAddresses(target.exchange);
    }
    catch (err) {
        const message = err instanceof mx_1.MxError ? err.reason : err.message;
        return { ...base, address: null, status: 'fail', phase: 'dns', message };
    }
    if (!addresses.length) {
        return { ...base, address: null, status: 'fail', phase: 'dns', message: 'exchange has no A/AAAA records' };
    }
    const result = await (0, smtp_dialogue_1.firstConnected)(addresses, (address) => {
        say(`** ${target.domain}: probing ${target.exchange} [${address}]:${opts.port}`);
        return session(target, address, opts);
    }, (r) => r.phase !== 'connect', opts.signal);
    return result ?? { ...base, address: null, status: 'fail', phase: 'connect', message: 'interrupted' };
}
/**
 * Probe every exchange of every domain, most preferred first, yielding one ProbeResult
 * per exchange (or one per domain whose MX lookup failed) in input order. Up to `jobs`
 * MX lookups and probes run at once; with more than one, the transcript of each probe is
 * held back and given out just before its result, so dialogues never interleave.
 */
async function* probeDomains(domains, options = {}) {
    const jobs = Math.max(1, options.jobs ?? 1);
    const timeoutMs = options.timeoutMs ?? smtp_dialogue_1.DEFAULT_TIMEOUT_MS;
    const resolver = options.resolver ?? new mx_1.MxResolver({ timeoutMs });
    // One slot per exchange probed or domain looked up: both talk to servers.
    const slots = new slots_1.Slots(jobs);
    // Up to `jobs` sessions listen for an abort at once: on the scope's signal, not the caller's.
    const scope = new abort_1.RequestScope(options.signal, jobs);
    const live = jobs === 1;
    const probeDomain = async (domain) => {
        let exchanges;
        try {
            exchanges = await slots.run(() => resolver.resolveMx(domain));
        }
        catch (err) {
            const nullMx = err instanceof mx_1.MxError && err.kind === 'nullmx';
            const message = err instanceof mx_1.MxError ? err.reason : err.message;
            const result = {
                domain,
                exchange: nullMx ? '.' : '-',
                preference: nullMx ? 0 : null,
                address: null,
                status: 'fail',
                code: null,
                phase: 'dns',
                message,
                tls: false,
            };
            return [{ result, lines: [] }];
        }
        return Promise.all(exchanges.map(async (mx) => {
            const lines = [];
            const transcript = options.transcript && (live ? options.transcript : (l) => lines.push(l));
            const target = { domain, exchange: mx.exchange, preference: mx.preference };
            const result = await slots.run(() => probeExchange(target, { ...options, timeoutMs, resolver, transcript, signal: scope.signal }));
            return { result, lines };
        }));
    };
    try {
        for await (const held of (0, slots_1.mapOrdered)(domains, jobs, probeDomain)) {
            for (const { result, lines } of held) {
                for (const l of lines)
                    options.transcript?.(l);
                yield result;
            }
        }
    }
    finally {
        scope.close();
    }
}
