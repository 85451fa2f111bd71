import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/**
 * Real SMTP servers on loopback that behave well or badly on purpose: smtp-server
 * instances with handlers that reject, hang or answer ETRN, and raw sockets for what
 * smtp-server will not do (greet with 421, send garbage, drop after the banner, greet
 * without a pause).
 */
export type Behaviour =
  | 'accept' // smtp-server, no STARTTLS
  | 'starttls' // smtp-server offering STARTTLS with its built-in self-signed certificate
  | 'reject-rcpt' // 554 5.7.1 Relay access denied
  | 'reject-mail' // 550 5.7.1 Sender rejected
  | 'reject-data' // 554 5.6.0 Message refused after the body
  | 'hang-rcpt' // never answers RCPT TO
  | 'greet-421' // raw: 421 greeting, then close
  | 'drop-after-banner' // raw: 220 greeting, closes on the first command
  | 'garbage' // raw: not SMTP at all
  | 'silent' // raw: accepts the connection, never greets
  | 'mute-after-ehlo' // raw: greets and answers EHLO, then never answers again
  | 'tarpit-ehlo' // raw: greets, then answers EHLO with one 250- line every 200 ms, never the last
  | 'prompt' // raw: greets at once and accepts every command and message (smtp-server holds each greeting 100 ms)
  | 'slow-greeting' // smtp-server greeting SLOW_MS after the connection
  | 'slow-rcpt'; // smtp-server (PIPELINING) answering RCPT TO SLOW_MS late

/** How late the slow behaviours answer (the greeting after 2 s): over mxprobe's 1 s "slow" mark, under a 3 s timeout. */
export const SLOW_MS = 2000;

/** STARTTLS with a given certificate (and chain), optionally limited to old protocol versions. */
export interface ServerTls {
  key: Buffer | string;
  /** The leaf, then any intermediates, PEM. */
  cert: Buffer | string;
  maxVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
}

/** How an smtp-server answers ETRN (it has no ETRN of its own). */
export type EtrnBehaviour = { code: number; text: string } | 'hang' | 'drop';

export interface Received {
  from: string;
  to: string[];
  subject: string;
  secure: boolean;
}

export interface TestSmtpServer {
  behaviour: Behaviour;
  host: string;
  port: number;
  received: Received[];
  /** Commands seen by raw servers, and ETRN arguments seen by smtp-server ones. */
  commands: string[];
  /** Connections open now, and the most that were open at once. */
  connections: Connections;
  close(): Promise<void>;
}

export interface Connections {
  open: number;
  peak: number;
}

function countConnections(server: Server): Connections {
  const connections = { open: 0, peak: 0 };
  server.on('connection', (socket: Socket) => {
    connections.open++;
    connections.peak = Math.max(connections.peak, connections.open);
    socket.once('close', () => connections.open--);
  });
  return connections;
}

// smtp-server dispatches on `handler_<VERB>`; patching the prototype gives it ETRN.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SMTPConnection } = require('smtp-server/lib/smtp-connection') as {
  SMTPConnection: { prototype: Record<string, unknown> };
};
type PatchedConnection = {
  _server: { options: { etrn?: EtrnBehaviour; etrnLog?: string[] } };
  send(code: number, text: string): void;
  close(): void;
};
SMTPConnection.prototype.handler_ETRN = function (this: PatchedConnection, command: Buffer | string, callback: () => void) {
  const arg = command.toString().trim().split(/\s+/)[1] ?? '';
  const { etrn, etrnLog } = this._server.options;
  etrnLog?.push(arg);
  if (etrn === 'hang') return; // never answers, never calls back
  if (etrn === 'drop') {
    this.close();
    return callback();
  }
  if (!etrn) this.send(502, 'Error: command not implemented');
  else this.send(etrn.code, etrn.text.replace('%s', arg));
  callback();
};

function smtpServerOptions(behaviour: Behaviour, received: Received[], tls?: ServerTls): SMTPServerOptions {
  const starttls = behaviour === 'starttls' || tls !== undefined;
  const options: SMTPServerOptions = {
    authOptional: true,
    disabledCommands: starttls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    hideSTARTTLS: !starttls,
    logger: false,
    closeTimeout: 200,
    // smtp-server looks up the client's PTR before its greeting (50-130 ms here, each
    // connection): time the filters, not the test server's resolver.
    disableReverseLookup: true,
    ...(tls && {
      key: tls.key,
      cert: tls.cert,
      ...(tls.maxVersion && { maxVersion: tls.maxVersion, minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' }),
    }),
    onConnect(_session, cb) {
      if (behaviour === 'slow-greeting') return void setTimeout(cb, SLOW_MS);
      cb();
    },
    onMailFrom(_address, _session, cb) {
      if (behaviour === 'reject-mail') return cb(Object.assign(new Error('5.7.1 Sender rejected'), { responseCode: 550 }));
      cb();
    },
    onRcptTo(_address, _session, cb) {
      if (behaviour === 'hang-rcpt') return; // never answers
      if (behaviour === 'slow-rcpt') return void setTimeout(cb, SLOW_MS);
      if (behaviour === 'reject-rcpt') return cb(Object.assign(new Error('5.7.1 Relay access denied'), { responseCode: 554 }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: /^Subject: (.*)$/m.exec(text)?.[1]?.trim() ?? '',
          secure: session.secure,
        });
        if (behaviour === 'reject-data') return cb(Object.assign(new Error('5.6.0 Message refused'), { responseCode: 554 }));
        cb(null);
      });
    },
  };
  return options;
}

/**
 * The replies of a server that accepts everything: EHLO/HELO, MAIL, RCPT, DATA and the
 * message (recorded in `received`), RSET, NOOP, QUIT. For timing clients: smtp-server
 * keeps every connection 100 ms before its greeting ("a small delay for detecting early
 * talkers", not an option), which a start-up benchmark would measure instead of the client.
 */
function acceptingReplies(socket: Socket, commands: string[], received: Received[]): (line: string) => void {
  let message: string[] | undefined;
  let envelope: { from: string; to: string[] } = { from: '', to: [] };
  const address = (line: string) => /<([^>]*)>/.exec(line)?.[1] ?? '';
  return (line) => {
    if (message) {
      if (line !== '.') return void message.push(line.startsWith('..') ? line.slice(1) : line);
      const subject = message.find((l) => /^Subject: /i.test(l))?.slice(9).trim() ?? '';
      received.push({ ...envelope, subject, secure: false });
      message = undefined;
      envelope = { from: '', to: [] };
      return void socket.write('250 2.0.0 Ok: queued\r\n');
    }
    commands.push(line);
    const verb = line.split(' ')[0].toUpperCase();
    if (verb === 'EHLO') socket.write('250-prompt.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n');
    else if (verb === 'HELO') socket.write('250 prompt.test\r\n');
    else if (verb === 'MAIL') {
      envelope = { from: address(line), to: [] };
      socket.write('250 2.1.0 Ok\r\n');
    } else if (verb === 'RCPT') {
      envelope.to.push(address(line));
      socket.write('250 2.1.5 Ok\r\n');
    } else if (verb === 'DATA') {
      message = [];
      socket.write('354 End data with <CR><LF>.<CR><LF>\r\n');
    } else if (verb === 'RSET' || verb === 'NOOP') socket.write('250 2.0.0 Ok\r\n');
    else if (verb === 'QUIT') socket.end('221 2.0.0 Bye\r\n');
    else socket.write('502 5.5.2 Error: command not recognized\r\n');
  };
}

function rawServer(behaviour: Behaviour, commands: string[], received: Received[]): { server: Server; sockets: Set<Socket> } {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const accept = behaviour === 'prompt' ? acceptingReplies(socket, commands, received) : undefined;
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).replace(/\r$/, '');
        buffered = buffered.slice(nl + 1);
        if (accept) {
          accept(line);
          continue;
        }
        commands.push(line);
        if (behaviour === 'drop-after-banner') socket.destroy();
        if (behaviour === 'mute-after-ehlo' && /^EHLO /i.test(line)) socket.write('250-mute.test\r\n250 PIPELINING\r\n');
        if (behaviour === 'tarpit-ehlo' && /^EHLO /i.test(line)) {
          socket.write('250-tarpit.test\r\n');
          const drip = setInterval(() => socket.write('250-PIPELINING\r\n'), 200);
          socket.once('close', () => clearInterval(drip));
        }
      }
    });
    if (behaviour === 'greet-421') socket.end('421 4.3.2 mx.test Service not available, closing transmission channel\r\n');
    if (behaviour === 'drop-after-banner' || behaviour === 'mute-after-ehlo' || behaviour === 'tarpit-ehlo') socket.write('220 mx.test ESMTP\r\n');
    if (behaviour === 'prompt') socket.write('220 prompt.test ESMTP\r\n');
    if (behaviour === 'garbage') socket.write('HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\n\r\n<html>\x00\x07</html>\r\n');
  });
  return { server, sockets };
}

const RAW: Behaviour[] = ['greet-421', 'drop-after-banner', 'garbage', 'silent', 'mute-after-ehlo', 'tarpit-ehlo', 'prompt'];

function listen(s: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    s.once('error', onError);
    s.listen(port, host, () => {
      s.removeListener('error', onError);
      const addr = s.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

/** One test SMTP server on `host` (a 127.0.0.x address) and `port` (0: random). */
export async function startSmtpServer(
  behaviour: Behaviour,
  host = '127.0.0.1',
  port = 0,
  etrn?: EtrnBehaviour,
  tls?: ServerTls,
): Promise<TestSmtpServer> {
  const received: Received[] = [];
  const commands: string[] = [];
  if (RAW.includes(behaviour)) {
    const { server, sockets } = rawServer(behaviour, commands, received);
    const connections = countConnections(server);
    const bound = await listen(server, host, port);
    return {
      behaviour,
      host,
      port: bound,
      received,
      commands,
      connections,
      close: () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          server.close(() => resolve());
        }),
    };
  }
  const options = smtpServerOptions(behaviour, received, tls) as SMTPServerOptions & { etrn?: EtrnBehaviour; etrnLog?: string[] };
  options.etrn = etrn;
  options.etrnLog = commands;
  const server = new SMTPServer(options);
  server.on('error', () => {});
  const connections = countConnections(server.server as unknown as Server);
  const bound = await listen(server.server as unknown as Server, host, port);
  return {
    behaviour,
    host,
    port: bound,
    received,
    commands,
    connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Servers on 127.0.0.2, 127.0.0.3, … sharing one random port, so a DNS zone can point
 * each exchange at its own address and mxprobe can use a single --port.
 */
export async function startSmtpServers(
  specs: { behaviour: Behaviour; etrn?: EtrnBehaviour; tls?: ServerTls }[],
  firstOctet = 2,
): Promise<{ port: number; servers: TestSmtpServer[] }> {
  for (let attempt = 0; ; attempt++) {
    const servers: TestSmtpServer[] = [];
    try {
      let port = 0;
      for (const [i, s] of specs.entries()) {
        const server = await startSmtpServer(s.behaviour, `127.0.0.${firstOctet + i}`, port, s.etrn, s.tls);
        servers.push(server);
        port = server.port;
      }
      return { port, servers };
    } catch (err) {
      await Promise.all(servers.map((s) => s.close()));
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 10) throw err;
    }
  }
}

/**
 * Send SIGINT to a running filter once its stderr shows `marker` (a transcript line),
 * then collect its exit. SIGKILL after `ms` so a stuck child fails the test instead of
 * hanging the run.
 */
export async function interruptWhen(
  child: ChildProcessWithoutNullStreams,
  marker: string,
  ms = 15_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const killer = setTimeout(() => child.kill('SIGKILL'), ms);
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const seen = new Promise<void>((resolve) => {
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (stderr.includes(marker)) resolve();
    });
  });
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  await Promise.race([seen, closed]);
  child.kill('SIGINT');
  const code = await closed;
  clearTimeout(killer);
  return { code, stdout, stderr };
}
