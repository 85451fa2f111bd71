import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  connectedNote,
  connectFailure,
  connectTimedOut,
  connectTo,
  connectToFirst,
  DialogueError,
  firstConnected,
  noReplyWithin,
  quitGraceMs,
  serverLine,
  SmtpDialogue,
} from '../lib/mail/smtp-dialogue';

// A raw SMTP-ish server on 127.0.0.1; 127.0.0.254 on the same port refuses (nothing listens there).
const REFUSING = '127.0.0.254';
let server: Server;
let port: number;
const sockets = new Set<Socket>();
// What the server does with each command line.
let answer: (line: string, socket: Socket) => void = () => {};

before(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    // the greeting in odd pieces: the dialogue must not care where chunks end
    socket.write('220-mx.test');
    setImmediate(() => socket.write(' ESMTP\r\n220 r'));
    setImmediate(() => setImmediate(() => socket.write('eady\r\n')));
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      let nl: number;
      while ((nl = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 2);
        answer(line, socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const abortListeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

describe('the words of the dialogue', () => {
  const table: [string, string][] = [
    [connectFailure('ECONNREFUSED'), 'connection refused'],
    [connectFailure('EHOSTUNREACH'), 'connection failed: EHOSTUNREACH'],
    [connectFailure(undefined, 'socket hang up'), 'connection failed: socket hang up'],
    [connectTimedOut(30_000), 'connection timed out after 30s'],
    [connectTimedOut(1500), 'connection timed out after 1500ms'],
    [noReplyWithin(1000), 'no reply within 1s'],
    [connectedNote('::1', 25), '** connected to [::1]:25'],
    [connectedNote('127.0.0.1', 2525), '** connected to 127.0.0.1:2525'],
    [serverLine('250 ok\x00'), '<- 250 ok\\x00'],
    [serverLine('x'.repeat(600)), `<- ${'x'.repeat(512)}…`],
  ];
  for (const [got, expected] of table) {
    it(expected.slice(0, 60), () => assert.equal(got, expected));
  }

  it('quitGraceMs: 2 s at most, never more than the timeout', () => {
    assert.deepEqual([30_000, 2000, 1999, 500].map(quitGraceMs), [2000, 2000, 1999, 500]);
  });
});

describe('firstConnected: a host address after another while connecting fails', () => {
  type Outcome = { address: string; connected: boolean };
  const attempts = (connectedAt: Set<string>) => {
    const tried: string[] = [];
    const attempt = async (address: string): Promise<Outcome> => {
      tried.push(address);
      return { address, connected: connectedAt.has(address) };
    };
    return { tried, attempt };
  };
  const table: [string[], string[], string[], Outcome | undefined][] = [
    // addresses, those that connect, tried, outcome
    [['a', 'b', 'c'], ['a'], ['a'], { address: 'a', connected: true }],
    [['a', 'b', 'c'], ['b', 'c'], ['a', 'b'], { address: 'b', connected: true }],
    [['a', 'b', 'c'], [], ['a', 'b', 'c'], { address: 'c', connected: false }],
    [[], ['a'], [], undefined],
  ];
  for (const [addresses, connect, tried, outcome] of table) {
    it(`[${addresses}] connecting at [${connect}]: tries [${tried}]`, async () => {
      const a = attempts(new Set(connect));
      assert.deepEqual(await firstConnected(addresses, a.attempt, (o) => o.connected), outcome);
      assert.deepEqual(a.tried, tried);
    });
  }

  it('an aborted signal stops before the next attempt', async () => {
    const ac = new AbortController();
    const tried: string[] = [];
    const outcome = await firstConnected(
      ['a', 'b'],
      async (address) => {
        tried.push(address);
        ac.abort();
        return false;
      },
      (o) => o,
      ac.signal,
    );
    assert.equal(outcome, false);
    assert.deepEqual(tried, ['a']);
    assert.equal(await firstConnected(['a'], async () => true, (o) => o, ac.signal), undefined);
  });
});

describe('connectTo and connectToFirst on loopback', () => {
  it('connectTo: a socket from a listening address, "connection refused" from another; no listener left', async () => {
    const ac = new AbortController();
    const socket = await connectTo('127.0.0.1', port, 2000, ac.signal);
    assert.equal(socket.remotePort, port);
    socket.destroy();
    await assert.rejects(connectTo(REFUSING, port, 2000, ac.signal), (e: unknown) => e instanceof DialogueError && e.message === 'connection refused');
    assert.equal(abortListeners(ac.signal), 0);
  });

  it('connectTo: an aborted signal interrupts, before or during the attempt', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(connectTo('127.0.0.1', port, 2000, ac.signal), (e: unknown) => e instanceof DialogueError && e.message === 'interrupted');
    const during = new AbortController();
    const pending = connectTo('127.0.0.1', port, 2000, during.signal);
    during.abort();
    await assert.rejects(pending, (e: unknown) => e instanceof DialogueError && e.message === 'interrupted');
    assert.equal(abortListeners(during.signal), 0);
  });

  it('connectToFirst: a refusing address, then a listening one; each attempt noted', async () => {
    const lines: string[] = [];
    const ac = new AbortController();
    const socket = await connectToFirst([REFUSING, '127.0.0.1'], port, 2000, (l) => lines.push(l), ac.signal);
    socket.destroy();
    assert.deepEqual(lines, [`** ${REFUSING}:${port}: connection refused`, `** connected to 127.0.0.1:${port}`]);
    assert.equal(abortListeners(ac.signal), 0);
  });

  it('connectToFirst: the last failure when no address accepts; interrupted when aborted', async () => {
    const lines: string[] = [];
    await assert.rejects(
      connectToFirst([REFUSING, REFUSING], port, 2000, (l) => lines.push(l)),
      (e: unknown) => e instanceof DialogueError && e.message === 'connection refused',
    );
    assert.equal(lines.length, 2);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(connectToFirst(['127.0.0.1'], port, 2000, () => {}, ac.signal), (e: unknown) => e instanceof DialogueError && e.message === 'interrupted');
  });
});

describe('SmtpDialogue on a raw server', () => {
  const open = async (timeoutMs: number) => {
    const lines: string[] = [];
    const socket = await connectTo('127.0.0.1', port, 2000);
    return { dialogue: new SmtpDialogue(socket, timeoutMs, (l) => lines.push(l)), lines };
  };

  it('a greeting in pieces, a command, its multi-line reply, QUIT answered', async () => {
    answer = (line, socket) => {
      if (line.startsWith('EHLO ')) socket.write('250-mx.test\r\n250-ETRN\r\n250 8BITMIME\r\n');
      if (line === 'QUIT') socket.end('221 2.0.0 Bye\r\n');
    };
    const { dialogue, lines } = await open(2000);
    assert.deepEqual(await dialogue.reply('the greeting'), { code: 220, lines: ['mx.test ESMTP', 'ready'] });
    assert.deepEqual(await dialogue.command('EHLO client.test'), { code: 250, lines: ['mx.test', 'ETRN', '8BITMIME'] });
    await dialogue.quit();
    assert.deepEqual(lines, [
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

  it('no reply within the timeout names the command; QUIT unanswered ends after the grace period', async () => {
    answer = () => {}; // never answers
    const { dialogue, lines } = await open(300);
    await dialogue.reply('the greeting');
    await assert.rejects(dialogue.command('NOOP'), (e: unknown) => e instanceof DialogueError && e.message === 'no reply within 300ms to NOOP');
    // resolves (after quitGraceMs(300)) although the server neither answers nor closes
    await dialogue.quit();
    assert.equal(lines.at(-1), '-> QUIT');
  });

  it('a server that closes: "connection closed by server"', async () => {
    answer = (_line, socket) => socket.destroy();
    const { dialogue } = await open(2000);
    await dialogue.reply('the greeting');
    await assert.rejects(dialogue.command('ETRN a.org'), (e: unknown) => e instanceof DialogueError && e.message === 'connection closed by server');
  });
});
