import { execFile } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pollUntil, waitFor } from './wait';

const run = promisify(execFile);
const POSTFIX = '/usr/sbin/postfix';

export interface Postfix {
  host: string;
  port: number;
  dir: string;
  /** The instance's maillog, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

async function freePort(host: string): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve, reject) => s.once('error', reject).listen(0, host, resolve));
  const addr = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return typeof addr === 'object' && addr ? addr.port : 0;
}

/** Whether `host:port` answers one connection with a 220 greeting. */
function greets(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host, port });
    let data = '';
    const answer = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.on('data', (c) => {
      data += c.toString();
      if (/^220 .*\r?\n/.test(data)) answer(true);
      else if (/\n/.test(data)) answer(false);
    });
    sock.on('error', () => answer(false));
    sock.on('close', () => answer(false));
    sock.setTimeout(2000, () => answer(false));
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat); // a zombie has exited; only its parent can reap it
  } catch {
    return false;
  }
}

/**
 * A private Postfix instance (Debian package) in a temp dir, listening on a random
 * loopback port, with `fast_flush_domains` = `flushDomains`: ETRN answers
 * `250 Queuing started` for those and `459 <d>: service unavailable` for others.
 * Needs root, as any Postfix start does.
 */
export interface PostfixOptions {
  /** More main.cf lines (restrictions, TLS settings). */
  main?: string[];
  /** Listen on [::1] too, on the same port (an exchange with A and AAAA records). */
  ipv6Too?: boolean;
}

export async function startPostfix(flushDomains: string[], host = '127.0.0.1', options: PostfixOptions = {}): Promise<Postfix> {
  if (!existsSync(POSTFIX)) throw new Error(`${POSTFIX} missing: run 'bash test/install-deps.sh' (make test does)`);
  const dir = mkdtempSync(join(tmpdir(), 'pipekit-postfix-'));
  chmodSync(dir, 0o755); // Postfix daemons run as the postfix user and must reach the queue
  const conf = join(dir, 'conf');
  const data = join(dir, 'data');
  mkdirSync(conf);
  mkdirSync(join(dir, 'queue'));
  mkdirSync(data);
  const { stdout: uid } = await run('id', ['-u', 'postfix']);
  chownSync(data, Number(uid.trim()), -1);
  const log = join(dir, 'maillog');
  writeFileSync(
    join(conf, 'main.cf'),
    [
      'compatibility_level = 3.6',
      `queue_directory = ${join(dir, 'queue')}`,
      `data_directory = ${data}`,
      'meta_directory = /etc/postfix',
      'mail_owner = postfix',
      `inet_interfaces = ${host}${options.ipv6Too ? ', ::1' : ''}`,
      `inet_protocols = ${options.ipv6Too ? 'all' : host.includes(':') ? 'ipv6' : 'ipv4'}`,
      'myhostname = postfix.test',
      'mydestination =',
      `relay_domains = ${flushDomains.join(' ')}`,
      `fast_flush_domains = ${flushDomains.join(' ')}`,
      `maillog_file = ${log}`,
      `maillog_file_prefixes = ${dir}`,
      'smtpd_banner = $myhostname ESMTP',
      ...(options.main ?? []),
      '',
    ].join('\n'),
  );
  copyFileSync('/etc/postfix/master.cf', join(conf, 'master.cf'));
  await run('postconf', ['-c', conf, '-F', '*/*/chroot = n']);
  await run('postconf', ['-c', conf, '-MX', 'smtp/inet']);

  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort(host);
    const service = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    await run('postconf', ['-c', conf, '-M', `${service}/inet = ${service} inet n - n - - smtpd`]);
    if (options.ipv6Too) await run('postconf', ['-c', conf, '-M', `[::1]:${port}/inet = [::1]:${port} inet n - n - - smtpd`]);
    const readLog = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
    const stop = async () => {
      await run(POSTFIX, ['-c', conf, 'stop']).catch(() => {});
      const pidFile = join(dir, 'queue', 'pid', 'master.pid');
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : 0;
      if (pid) await pollUntil(() => !processAlive(pid), 10_000, 50);
      if (pid && processAlive(pid)) await run(POSTFIX, ['-c', conf, 'abort']).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    };
    try {
      await run(POSTFIX, ['-c', conf, 'start']);
      await waitFor(() => greets(host, port), 15_000, `postfix to greet on ${host}:${port}`, 50);
      return { host, port, dir, log: readLog, stop };
    } catch (err) {
      lastError = new Error(`postfix start failed: ${(err as Error).message}\n${readLog()}`);
      await run(POSTFIX, ['-c', conf, 'stop']).catch(() => {});
      await run('postconf', ['-c', conf, '-MX', `${host.includes(':') ? `[${host}]` : host}:${port}/inet`]).catch(() => {});
      if (options.ipv6Too) await run('postconf', ['-c', conf, '-MX', `[::1]:${port}/inet`]).catch(() => {});
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError;
}
