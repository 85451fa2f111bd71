"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.startPostfix = startPostfix;
const node_child_process_1 = require("node:child_process");
const node_fs_1 = require("node:fs");
const node_net_1 = require("node:net");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const node_util_1 = require("node:util");
const run = (0, node_util_1.promisify)(node_child_process_1.execFile);
const POSTFIX = '/usr/sbin/postfix';
async function freePort(host) {
    const s = (0, node_net_1.createServer)();
    await new Promise((resolve, reject) => s.once('error', reject).listen(0, host, resolve));
    const addr = s.address();
    await new Promise((resolve) => s.close(() => resolve()));
    return typeof addr === 'object' && addr ? addr.port : 0;
}
/** Resolves once `host:port` answers with a 220 greeting; rejects after `ms`. */
function waitForGreeting(host, port, ms) {
    const deadline = Date.now() + ms;
    return new Promise((resolve, reject) => {
        const attempt = () => {
            const sock = (0, node_net_1.createConnection)({ host, port });
            let data = '';
            let settled = false;
            const retry = () => {
                if (settled)
                    return;
                settled = true;
                sock.destroy();
                if (Date.now() > deadline)
                    reject(new Error(`postfix did not greet on ${host}:${port} within ${ms}ms`));
                else
                    setTimeout(attempt, 50);
            };
            sock.on('data', (c) => {
                data += c.toString();
                if (!settled && /^220 .*\r?\n/.test(data)) {
                    settled = true;
                    sock.destroy();
                    resolve();
                }
                else if (/\n/.test(data))
                    retry();
            });
            sock.on('error', retry);
            sock.on('close', retry);
            sock.setTimeout(2000, retry);
        };
        attempt();
    });
}
function processAlive(pid) {
    try {
        process.kill(pid, 0);
        const stat = (0, node_fs_1.readFileSync)(`/proc/${pid}/stat`, 'utf8');
        return !/^\d+ \(.*\) Z/.test(stat); // a zombie has exited; only its parent can reap it
    }
    catch {
        return false;
    }
}
/**
 * A private Postfix instance (Debian package) in a temp dir, listening on a random
 * loopback port, with `fast_flush_domains` = `flushDomains`: ETRN answers
 * `250 Queuing started` for those and `459 <d>: service unavailable` for others.
 * Needs root, as any Postfix start does.
 */
async function startPostfix(flushDomains, host = '127.0.0.1') {
    if (!(0, node_fs_1.existsSync)(POSTFIX))
        throw new Error(`${POSTFIX} missing: run 'bash test/install-deps.sh' (make test does)`);
    const dir = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'pipekit-postfix-'));
    (0, node_fs_1.chmodSync)(dir, 0o755); // Postfix daemons run as the postfix user and must reach the queue
    const conf = (0, node_path_1.join)(dir, 'conf');
    const data = (0, node_path_1.join)(dir, 'data');
    (0, node_fs_1.mkdirSync)(conf);
    (0, node_fs_1.mkdirSync)((0, node_path_1.join)(dir, 'queue'));
    (0, node_fs_1.mkdirSync)(data);
    const { stdout: uid } = await run('id', ['-u', 'postfix']);
    (0, node_fs_1.chownSync)(data, Number(uid.trim()), -1);
    const log = (0, node_path_1.join)(dir, 'maillog');
    (0, node_fs_1.writeFileSync)((0, node_path_1.join)(conf, 'main.cf'), [
        'compatibility_level = 3.6',
        `queue_directory = ${(0, node_path_1.join)(dir, 'queue')}`,
        `data_directory = ${data}`,
        'meta_directory = /etc/postfix',
        'mail_owner = postfix',
        `inet_interfaces = ${host}`,
        'inet_protocols = ipv4',
        'myhostname = postfix.test',
        'mydestination =',
        `relay_domains = ${flushDomains.join(' ')}`,
        `fast_flush_domains = ${flushDomains.join(' ')}`,
        `maillog_file = ${log}`,
        `maillog_file_prefixes = ${dir}`,
        'smtpd_banner = $myhostname ESMTP',
        '',
    ].join('\n'));
    (0, node_fs_1.copyFileSync)('/etc/postfix/master.cf', (0, node_path_1.join)(conf, 'master.cf'));
    await run('postconf', ['-c', conf, '-F', '*/*/chroot = n']);
    await run('postconf', ['-c', conf, '-MX', 'smtp/inet']);
    let lastError;
    for (let attempt = 0; attempt < 3; attempt++) {
        const port = await freePort(host);
        await run('postconf', ['-c', conf, '-M', `${host}:${port}/inet = ${host}:${port} inet n - n - - smtpd`]);
        const readLog = () => ((0, node_fs_1.existsSync)(log) ? (0, node_fs_1.readFileSync)(log, 'utf8') : '');
        const stop = async () => {
            await run(POSTFIX, ['-c', conf, 'stop']).catch(() => { });
            const pidFile = (0, node_path_1.join)(dir, 'queue', 'pid', 'master.pid');
            const pid = (0, node_fs_1.existsSync)(pidFile) ? Number((0, node_fs_1.readFileSync)(pidFile, 'utf8').trim()) : 0;
            const deadline = Date.now() + 10_000;
            while (pid && processAlive(pid) && Date.now() < deadline)
                await new Promise((r) => setTimeout(r, 50));
            if (pid && processAlive(pid))
                await run(POSTFIX, ['-c', conf, 'abort']).catch(() => { });
            (0, node_fs_1.rmSync)(dir, { recursive: true, force: true });
        };
        try {
            await run(POSTFIX, ['-c', conf, 'start']);
            await waitForGreeting(host, port, 15_000);
            return { host, port, dir, log: readLog, stop };
        }
        catch (err) {
            lastError = new Error(`postfix start failed: ${err.message}\n${readLog()}`);
            await run(POSTFIX, ['-c', conf, 'stop']).catch(() => { });
            await run('postconf', ['-c', conf, '-MX', `${host}:${port}/inet`]).catch(() => { });
        }
    }
    (0, node_fs_1.rmSync)(dir, { recursive: true, force: true });
    throw lastError;
}
