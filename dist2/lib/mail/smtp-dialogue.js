"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SmtpDialogue = exports.DialogueError = exports.CLOSED_BY_SERVER = exports.TLS_ESTABLISHED = exports.QUIT_GRACE_MS = exports.DEFAULT_TIMEOUT_MS = void 0;
exports.quitGraceMs = quitGraceMs;
exports.serverLine = serverLine;
exports.connectedNote = connectedNote;
exports.connectFailure = connectFailure;
exports.connectTimedOut = connectTimedOut;
exports.noReplyWithin = noReplyWithin;
exports.firstConnected = firstConnected;
exports.connectTo = connectTo;
exports.connectToFirst = connectToFirst;
const node_net_1 = require("node:net");
const node_tls_1 = require("node:tls");
const units_1 = require("../units");
const address_1 = require("./address");
const smtp_reply_1 = require("./smtp-reply");
/**
 * The socket side of an SMTP client, shared by ETRN and the probe: the first of a host's
 * addresses that accepts a connection, replies awaited against a deadline, QUIT with a
 * grace period, and the words every failure and transcript note is given in, so that
 * mxprobe and etrn report the same event the same way.
 */
/** Milliseconds to wait for the connection and for each reply when the caller sets no limit. */
exports.DEFAULT_TIMEOUT_MS = 30_000;
/**
 * Longest wait for the answer to QUIT. The outcome is known by then; a server that never
 * answers QUIT (or never closes) must not hold the client for a whole timeout.
 */
exports.QUIT_GRACE_MS = 2000;
/** The QUIT grace period for a session whose replies may take `timeoutMs`. */
function quitGraceMs(timeoutMs) {
    return Math.min(timeoutMs, exports.QUIT_GRACE_MS);
}
// RFC 5321 4.5.3.1.5 allows 512 octets per reply line: a longer one is cut in the transcript.
const TRANSCRIPT_LINE_MAX = 512;
/** A server line for the transcript: `<- ` and the line, control characters escaped. */
function serverLine(text) {
    return `<- ${(0, smtp_reply_1.printable)(text, TRANSCRIPT_LINE_MAX)}`;
}
/** The transcript note once a connection stands. */
function connectedNote(address, port) {
    return `** connected to ${(0, address_1.formatHostPort)(address, port)}`;
}
/** The transcript note after STARTTLS: opportunistic TLS (RFC 7435) verifies no certificate. */
exports.TLS_ESTABLISHED = '** TLS established (certificate not verified)';
/** The peer closed the connection before the dialogue was over. */
exports.CLOSED_BY_SERVER = 'connection closed by server';
/** Why connecting (or the connection) failed, from a socket error's code. */
function connectFailure(code, message) {
    return code === 'ECONNREFUSED' ? 'connection refused' : `connection failed: ${code ?? message}`;
}
/** No connection within the timeout. */
function connectTimedOut(timeoutMs) {
    return `connection timed out after ${(0, units_1.humanDuration)(timeoutMs)}`;
}
/** No reply within the timeout. */
function noReplyWithin(timeoutMs) {
    return `no reply within ${(0, units_1.humanDuration)(timeoutMs)}`;
}
/** A failed step of the dialogue; its message is the one-line outcome for the user. */
class DialogueError extends Error {
}
exports.DialogueError = DialogueError;
/**
 * Run `attempt` at each of a host's addresses in turn until one connects (RFC 5321 5.1:
 * a client tries the next address while connecting fails). Resolves with the outcome of
 * the first attempt that `connected` accepts, else of the last attempt; undefined when
 * there is no address or `signal` aborted before the first attempt.
 */
async function firstConnected(addresses, attempt, connected, signal) {
    let outcome;
    for (const address of addresses) {
        if (signal?.aborted)
            break;
        outcome = await attempt(address);
        if (connected(outcome))
            break;
    }
    return outcome;
}
/**
 * A TCP connection to `address`, or a DialogueError saying why not (refused, timed out,
 * interrupted). Its listeners on `signal` are gone once it settles.
 */
function connectTo(address, port, timeoutMs, signal) {
    return new Promise((resolve, reject) => {
        if (signal?.aborted)
            return reject(new DialogueError('interrupted'));
        const socket = (0, node_net_1.connect)({ host: address, port });
        const settle = (err) => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
            socket.removeListener('connect', onConnect);
            socket.removeListener('error', onError);
            if (!err)
                return resolve(socket);
            socket.destroy();
            reject(err);
        };
        const onConnect = () => settle();
        const onError = (err) => settle(new DialogueError(connectFailure(err.code, err.message)));
        const onAbort = () => settle(new DialogueError('interrupted'));
        const timer = setTimeout(() => settle(new DialogueError(connectTimedOut(timeoutMs))), timeoutMs);
        signal?.addEventListener('abort', onAbort, { once: true });
        socket.once('connect', onConnect);
        socket.once('error', onError);
    });
}
/**
 * A connection to the first of `addresses` that accepts one on `port`, each attempt noted
 * in the transcript; throws the DialogueError of the last attempt when none does.
 */
async function connectToFirst(addresses, port, timeoutMs, transcript, signal) {
    const outcome = await firstConnected(addresses, (address) => connectTo(address, port, timeoutMs, signal).then((socket) => {
        transcript(connectedNote(address, port));
        return socket;
    }, (err) => {
        transcript(`** ${(0, address_1.formatHostPort)(address, port)}: ${err.message}`);
        return err;
    }), (o) => !(o instanceof Error), signal);
    if (outcome === undefined)
        throw new DialogueError(signal?.aborted ? 'interrupted' : 'no address to connect to');
    if (outcome instanceof Error)
        throw outcome;
    return outcome;
}
/**
 * A line-level SMTP client on a connected socket: replies in order, each awaited against
 * the timeout, commands written as given, STARTTLS on the same socket. The transcript
 * gets `<- ` server lines, `-> ` client lines and `** ` notes.
 */
class SmtpDialogue {
    timeoutMs;
    transcript;
    socket;
    parser = new smtp_reply_1.SmtpReplyParser();
    replies = [];
    failure;
    wake;
    constructor(socket, timeoutMs, transcript) {
        this.timeoutMs = timeoutMs;
        this.transcript = transcript;
        this.socket = socket;
        this.attach(socket);
    }
    attach(socket) {
        socket.on('data', (chunk) => {
            try {
                for (const r of this.parser.push(chunk)) {
                    r.lines.forEach((l, i) => this.transcript(serverLine(`${r.code}${i < r.lines.length - 1 ? '-' : ' '}${l}`)));
                    this.replies.push(r);
                }
            }
            catch (err) {
                this.failure ??= err;
                socket.destroy();
            }
            this.wake?.();
        });
        socket.on('error', (err) => {
            this.failure ??= new DialogueError(connectFailure(err.code, err.message));
            this.wake?.();
        });
        socket.on('close', () => {
            this.failure ??= new DialogueError(exports.CLOSED_BY_SERVER);
            this.wake?.();
        });
    }
    /** The next reply; a DialogueError or SmtpProtocolError when none comes. */
    async reply(what) {
        const deadline = Date.now() + this.timeoutMs;
        for (;;) {
            const r = this.replies.shift();
            if (r)
                return r;
            if (this.failure)
                throw this.failure;
            const left = deadline - Date.now();
            if (left <= 0)
                throw new DialogueError(`${noReplyWithin(this.timeoutMs)} to ${what}`);
            await new Promise((resolve) => {
                const t = setTimeout(resolve, left);
                this.wake = () => {
                    clearTimeout(t);
                    this.wake = undefined;
                    resolve();
                };
            });
        }
    }
    /** Send one command line and wait for its reply. */
    async command(line) {
        if (this.failure)
            throw this.failure;
        this.transcript(`-> ${line}`);
        this.socket.write(`${line}\r\n`);
        return this.reply(line);
    }
    /** RFC 3207: after 220 to STARTTLS, a TLS handshake on the same socket. */
    async upgrade(servername) {
        const plain = this.socket;
        plain.removeAllListeners('data');
        this.parser = new smtp_reply_1.SmtpReplyParser();
        this.replies = [];
        const secure = (0, node_tls_1.connect)({ socket: plain, servername, rejectUnauthorized: false });
        await new Promise((resolve, reject) => {
            const t = setTimeout(() => reject(new DialogueError(`TLS handshake not done within ${(0, units_1.humanDuration)(this.timeoutMs)}`)), this.timeoutMs);
            secure.once('secureConnect', () => {
                clearTimeout(t);
                resolve();
            });
            secure.once('error', (err) => {
                clearTimeout(t);
                reject(new DialogueError(`STARTTLS failed: ${err.message}`));
            });
        });
        this.socket = secure;
        this.attach(secure);
        this.transcript(exports.TLS_ESTABLISHED);
    }
    close() {
        this.socket.destroy();
    }
    /** QUIT, then close: after its answer or the grace period, whichever comes first. */
    async quit() {
        if (this.failure)
            return this.close();
        let grace;
        try {
            this.transcript('-> QUIT');
            this.socket.write('QUIT\r\n');
            await Promise.race([this.reply('QUIT'), new Promise((r) => (grace = setTimeout(r, quitGraceMs(this.timeoutMs))))]);
        }
        catch {
            // the server may close without answering QUIT; the outcome is already known
        }
        finally {
            clearTimeout(grace);
        }
        this.close();
    }
}
exports.SmtpDialogue = SmtpDialogue;
