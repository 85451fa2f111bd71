"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.startSmtpServer = startSmtpServer;
exports.startSmtpServers = startSmtpServers;
exports.interruptWhen = interruptWhen;
const node_net_1 = require("node:net");
const smtp_server_1 = require("smtp-server");
function countConnections(server) {
    const connections = { open: 0, peak: 0 };
    server.on('connection', (socket) => {
        connections.open++;
        connections.peak = Math.max(connections.peak, connections.open);
        socket.once('close', () => connections.open--);
    });
    return connections;
}
// smtp-server dispatches on `handler_<VERB>`; patching the prototype gives it ETRN.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SMTPConnection } = require('smtp-server/lib/smtp-connection');
SMTPConnection.prototype.handler_ETRN = function (command, callback) {
    const arg = command.toString().trim().split(/\s+/)[1] ?? '';
    const { etrn, etrnLog } = this._server.options;
    etrnLog?.push(arg);
    if (etrn === 'hang')
        return; // never answers, never calls back
    if (etrn === 'drop') {
        this.close();
        return callback();
    }
    if (!etrn)
        this.send(502, 'Error: command not implemented');
    else
        this.send(etrn.code, etrn.text.replace('%s', arg));
    callback();
};
function smtpServerOptions(behaviour, received) {
    const options = {
        authOptional: true,
        disabledCommands: behaviour === 'starttls' ? ['AUTH'] : ['AUTH', 'STARTTLS'],
        hideSTARTTLS: behaviour !== 'starttls',
        logger: false,
        closeTimeout: 200,
        onMailFrom(_address, _session, cb) {
            if (behaviour === 'reject-mail')
                return cb(Object.assign(new Error('5.7.1 Sender rejected'), { responseCode: 550 }));
            cb();
        },
        onRcptTo(_address, _session, cb) {
            if (behaviour === 'hang-rcpt')
                return; // never answers
            if (behaviour === 'reject-rcpt')
                return cb(Object.assign(new Error('5.7.1 Relay access denied'), { responseCode: 554 }));
            cb();
        },
        onData(stream, session, cb) {
            const chunks = [];
            stream.on('data', (c) => chunks.push(c));
            stream.on('end', () => {
                const text = Buffer.concat(chunks).toString('utf8');
                received.push({
                    from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                    to: session.envelope.rcptTo.map((r) => r.address),
                    subject: /^Subject: (.*)$/m.exec(text)?.[1]?.trim() ?? '',
                    secure: session.secure,
                });
                if (behaviour === 'reject-data')
                    return cb(Object.assign(new Error('5.6.0 Message refused'), { responseCode: 554 }));
                cb(null);
            });
        },
    };
    return options;
}
function rawServer(behaviour, commands) {
    const sockets = new Set();
    const server = (0, node_net_1.createServer)((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => { });
        let buffered = '';
        socket.on('data', (chunk) => {
            buffered += chunk.toString('latin1');
            let nl;
            while ((nl = buffered.indexOf('\n')) >= 0) {
                const line = buffered.slice(0, nl).replace(/\r$/, '');
                buffered = buffered.slice(nl + 1);
                commands.push(line);
                if (behaviour === 'drop-after-banner')
                    socket.destroy();
                if (behaviour === 'mute-after-ehlo' && /^EHLO /i.test(line))
                    socket.write('250-mute.test\r\n250 PIPELINING\r\n');
            }
        });
        if (behaviour === 'greet-421')
            socket.end('421 4.3.2 mx.test Service not available, closing transmission channel\r\n');
        if (behaviour === 'drop-after-banner' || behaviour === 'mute-after-ehlo')
            socket.write('220 mx.test ESMTP\r\n');
        if (behaviour === 'garbage')
            socket.write('HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\n\r\n<html>\x00\x07</html>\r\n');
    });
    return { server, sockets };
}
const RAW = ['greet-421', 'drop-after-banner', 'garbage', 'silent', 'mute-after-ehlo'];
function listen(s, host, port) {
    return new Promise((resolve, reject) => {
        const onError = (err) => reject(err);
        s.once('error', onError);
        s.listen(port, host, () => {
            s.removeListener('error', onError);
            const addr = s.address();
            resolve(typeof addr === 'object' && addr ? addr.port : port);
        });
    });
}
/** One test SMTP server on `host` (a 127.0.0.x address) and `port` (0: random). */
async function startSmtpServer(behaviour, host = '127.0.0.1', port = 0, etrn) {
    const received = [];
    const commands = [];
    if (RAW.includes(behaviour)) {
        const { server, sockets } = rawServer(behaviour, commands);
        const connections = countConnections(server);
        const bound = await listen(server, host, port);
        return {
            behaviour,
            host,
            port: bound,
            received,
            commands,
            connections,
            close: () => new Promise((resolve) => {
                for (const s of sockets)
                    s.destroy();
                server.close(() => resolve());
            }),
        };
    }
    const options = smtpServerOptions(behaviour, received);
    options.etrn = etrn;
    options.etrnLog = commands;
    const server = new smtp_server_1.SMTPServer(options);
    server.on('error', () => { });
    const connections = countConnections(server.server);
    const bound = await listen(server.server, host, port);
    return {
        behaviour,
        host,
        port: bound,
        received,
        commands,
        connections,
        close: () => new Promise((resolve) => server.close(() => resolve())),
    };
}
/**
 * Servers on 127.0.0.2, 127.0.0.3, … sharing one random port, so a DNS zone can point
 * each exchange at its own address and mxprobe can use a single --port.
 */
async function startSmtpServers(specs, firstOctet = 2) {
    for (let attempt = 0;; attempt++) {
        const servers = [];
        try {
            let port = 0;
            for (const [i, s] of specs.entries()) {
                const server = await startSmtpServer(s.behaviour, `127.0.0.${firstOctet + i}`, port, s.etrn);
                servers.push(server);
                port = server.port;
            }
            return { port, servers };
        }
        catch (err) {
            await Promise.all(servers.map((s) => s.close()));
            if (err.code !== 'EADDRINUSE' || attempt >= 10)
                throw err;
        }
    }
}
/**
 * Send SIGINT to a running filter once its stderr shows `marker` (a transcript line),
 * then collect its exit. SIGKILL after `ms` so a stuck child fails the test instead of
 * hanging the run.
 */
async function interruptWhen(child, marker, ms = 15_000) {
    let stdout = '';
    let stderr = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), ms);
    const closed = new Promise((resolve) => child.on('close', (code) => resolve(code)));
    const seen = new Promise((resolve) => {
        child.stderr.on('data', (c) => {
            stderr += c.toString();
            if (stderr.includes(marker))
                resolve();
        });
    });
    child.stdout.on('data', (c) => (stdout += c.toString()));
    await Promise.race([seen, closed]);
    child.kill('SIGINT');
    const code = await closed;
    clearTimeout(killer);
    return { code, stdout, stderr };
}
