"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_events_1 = require("node:events");
const node_net_1 = require("node:net");
const node_test_1 = require("node:test");
const smtp_dialogue_1 = require("../lib/mail/smtp-dialogue");
// A raw SMTP-ish server on 127.0.0.1; 127.0.0.254 on the same port refuses (nothing listens there).
const REFUSING = '127.0.0.254';
let server;
let port;
const sockets = new Set();
// What the server does with each command line.
let answer = () => { };
(0, node_test_1.before)(async () => {
    server = (0, node_net_1.createServer)((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => { });
        // the greeting in odd pieces: the dialogue must not care where chunks end
        socket.write('220-mx.test');
        setImmediate(() => socket.write(' ESMTP\r\n220 r'));
        setImmediate(() => setImmediate(() => socket.write('eady\r\n')));
        let buffered = '';
        socket.on('data', (chunk) => {
            buffered += chunk.toString('latin1');
            let nl;
            while ((nl = buffered.indexOf('\r\n')) >= 0) {
                const line = buffered.slice(0, nl);
                buffered = buffered.slice(nl + 2);
                answer(line, socket);
            }
        });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = server.address().port;
});
(0, node_test_1.after)(async () => {
    for (const s of sockets)
        s.destroy();
    await new Promise((resolve) => server.close(() => resolve()));
});
const abortListeners = (signal) => (0, node_events_1.getEventListeners)(signal, 'abort').length;
(0, node_test_1.describe)('the words of the dialogue', () => {
    const table = [
        [(0, smtp_dialogue_1.connectFailure)('ECONNREFUSED'), 'connection refused'],
        [(0, smtp_dialogue_1.connectFailure)('EHOSTUNREACH'), 'connection failed: EHOSTUNREACH'],
        [(0, smtp_dialogue_1.connectFailure)(undefined, 'socket hang up'), 'connection failed: socket hang up'],
        [(0, smtp_dialogue_1.connectTimedOut)(30_000), 'connection timed out after 30s'],
        [(0, smtp_dialogue_1.connectTimedOut)(1500), 'connection timed out after 1500ms'],
        [(0, smtp_dialogue_1.noReplyWithin)(1000), 'no reply within 1s'],
        [(0, smtp_dialogue_1.connectedNote)('::1', 25), '** connected to [::1]:25'],
        [(0, smtp_dialogue_1.connectedNote)('127.0.0.1', 2525), '** connected to 127.0.0.1:2525'],
        [(0, smtp_dialogue_1.serverLine)('250 ok\x00'), '<- 250 ok\\x00'],
        [(0, smtp_dialogue_1.serverLine)('x'.repeat(600)), `<- ${'x'.repeat(512)}…`],
    ];
    for (const [got, expected] of table) {
        (0, node_test_1.it)(expected.slice(0, 60), () => strict_1.default.equal(got, expected));
    }
    (0, node_test_1.it)('quitGraceMs: 2 s at most, never more than the timeout', () => {
        strict_1.default.deepEqual([30_000, 2000, 1999, 500].map(smtp_dialogue_1.quitGraceMs), [2000, 2000, 1999, 500]);
    });
});
(0, node_test_1.describe)('firstConnected: a host address after another while connecting fails', () => {
    const attempts = (connectedAt) => {
        const tried = [];
        const attempt = async (address) => {
            tried.push(address);
            return { address, connected: connectedAt.has(address) };
        };
        return { tried, attempt };
    };
    const table = [
        // addresses, those that connect, tried, outcome
        [['a', 'b', 'c'], ['a'], ['a'], { address: 'a', connected: true }],
        [['a', 'b', 'c'], ['b', 'c'], ['a', 'b'], { address: 'b', connected: true }],
        [['a', 'b', 'c'], [], ['a', 'b', 'c'], { address: 'c', connected: false }],
        [[], ['a'], [], undefined],
    ];
    for (const [addresses, connect, tried, outcome] of table) {
        (0, node_test_1.it)(`[${addresses}] connecting at [${connect}]: tries [${tried}]`, async () => {
            const a = attempts(new Set(connect));
            strict_1.default.deepEqual(await (0, smtp_dialogue_1.firstConnected)(addresses, a.attempt, (o) => o.connected), outcome);
            strict_1.default.deepEqual(a.tried, tried);
        });
    }
    (0, node_test_1.it)('an aborted signal stops before the next attempt', async () => {
        const ac = new AbortController();
        const tried = [];
        const outcome = await (0, smtp_dialogue_1.firstConnected)(['a', 'b'], async (address) => {
            tried.push(address);
            ac.abort();
            return false;
        }, (o) => o, ac.signal);
        strict_1.default.equal(outcome, false);
        strict_1.default.deepEqual(tried, ['a']);
        strict_1.default.equal(await (0, smtp_dialogue_1.firstConnected)(['a'], async () => true, (o) => o, ac.signal), undefined);
    });
});
(0, node_test_1.describe)('connectTo and connectToFirst on loopback', () => {
    (0, node_test_1.it)('connectTo: a socket from a listening address, "connection refused" from another; no listener left', async () => {
        const ac = new AbortController();
        const socket = await (0, smtp_dialogue_1.connectTo)('127.0.0.1', port, 2000, ac.signal);
        strict_1.default.equal(socket.remotePort, port);
        socket.destroy();
        await strict_1.default.rejects((0, smtp_dialogue_1.connectTo)(REFUSING, port, 2000, ac.signal), (e) => e instanceof smtp_dialogue_1.DialogueError && e.message === 'connection refused');
        strict_1.default.equal(abortListeners(ac.signal), 0);
    });
    (0, node_test_1.it)('connectTo: an aborted signal interrupts, before or during the attempt', async () => {
        const ac = new AbortController();
        ac.abort();
        await strict_1.default.rejects((0, smtp_dialogue_1.connectTo)('127.0.0.1', port, 2000, ac.signal), (e) => e instanceof smtp_dialogue_1.DialogueError && e.message === 'interrupted');
        const during = new AbortController();
        const pending = (0, smtp_dialogue_1.connectTo)('127.0.0.1', port, 2000, during.signal);
        during.abort();
        await strict_1.default.rejects(pending, (e) => e instanceof smtp_dialogue_1.DialogueError && e.message === 'interrupted');
        strict_1.default.equal(abortListeners(during.signal), 0);
    });
    (0, node_test_1.it)('connectToFirst: a refusing address, then a listening one; each attempt noted', async () => {
        const lines = [];
        const ac = new AbortController();
        const socket = await (0, smtp_dialogue_1.connectToFirst)([REFUSING, '127.0.0.1'], port, 2000, (l) => lines.push(l), ac.signal);
        socket.destroy();
        strict_1.default.deepEqual(lines, [`** ${REFUSING}:${port}: connection refused`, `** connected to 127.0.0.1:${port}`]);
        strict_1.default.equal(abortListeners(ac.signal), 0);
    });
    (0, node_test_1.it)('connectToFirst: the last failure when no address accepts; interrupted when aborted', async () => {
        const lines = [];
        await strict_1.default.rejects((0, smtp_dialogue_1.connectToFirst)([REFUSING, REFUSING], port, 2000, (l) => lines.push(l)), (e) => e instanceof smtp_dialogue_1.DialogueError && e.message === 'connection refused');
        strict_1.default.equal(lines.length, 2);
        const ac = new AbortController();
        ac.abort();
        await strict_1.default.rejects((0, smtp_dialogue_1.connectToFirst)(['127.0.0.1'], port, 2000, () => { }, ac.signal), (e) => e instanceof smtp_dialogue_1.DialogueError && e.message === 'interrupted');
    });
});
(0, node_test_1.describe)('SmtpDialogue on a raw server', () => {
    const open = async (timeoutMs) => {
        const lines = [];
        const socket = await (0, smtp_dialogue_1.connectTo)('127.0.0.1', port, 2000);
        return { dialogue: new smtp_dialogue_1.SmtpDialogue(socket, timeoutMs, (l) => lines.push(l)), lines };
    };
    (0, node_test_1.it)('a greeting in pieces, a command, its multi-line reply, QUIT answered', async () => {
        answer = (line, socket) => {
            if (line.startsWith('EHLO '))
                socket.write('250-mx.test\r\n250-ETRN\r\n250 8BITMIME\r\n');
            if (line === 'QUIT')
                socket.end('221 2.0.0 Bye\r\n');
        };
        const { dialogue, lines } = await open(2000);
        strict_1.default.deepEqual(await dialogue.reply('the greeting'), { code: 220, lines: ['mx.test ESMTP', 'ready'] });
        strict_1.default.deepEqual(await dialogue.command('EHLO client.test'), { code: 250, lines: ['mx.test', 'ETRN', '8BITMIME'] });
        await dialogue.quit();
        strict_1.default.deepEqual(lines, [
            '<- 220-mx.test ESMTP',
            '<- 220 ready',
            '-> EHLO client.test',
            '<- 250-mx.test',
            '<- 250-ETRN',
            '<- 250 8BITMIME',
            '-> QUIT',
            '<- 221 2.0.0 Bye',
        ]);
    });
    (0, node_test_1.it)('no reply within the timeout names the command; QUIT unanswered ends after the grace period', async () => {
        answer = () => { }; // never answers
        const { dialogue, lines } = await open(300);
        await dialogue.reply('the greeting');
        await strict_1.default.rejects(dialogue.command('NOOP'), (e) => e instanceof smtp_dialogue_1.DialogueError && e.message === 'no reply within 300ms to NOOP');
        // resolves (after quitGraceMs(300)) although the server neither answers nor closes
        await dialogue.quit();
        strict_1.default.equal(lines.at(-1), '-> QUIT');
    });
    (0, node_test_1.it)('a server that closes: "connection closed by server"', async () => {
        answer = (_line, socket) => socket.destroy();
        const { dialogue } = await open(2000);
        await dialogue.reply('the greeting');
        await strict_1.default.rejects(dialogue.command('ETRN a.org'), (e) => e instanceof smtp_dialogue_1.DialogueError && e.message === 'connection closed by server');
    });
});
