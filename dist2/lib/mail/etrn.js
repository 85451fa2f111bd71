"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ETRN_CODES = void 0;
exports.etrnAccepted = etrnAccepted;
exports.backupExchanges = backupExchanges;
exports.sendEtrn = sendEtrn;
exports.sendEtrnToBackups = sendEtrnToBackups;
const node_net_1 = require("node:net");
const node_os_1 = require("node:os");
const address_1 = require("./address");
const mx_1 = require("./mx");
const smtp_dialogue_1 = require("./smtp-dialogue");
const smtp_reply_1 = require("./smtp-reply");
/** RFC 1985 section 5 meanings, for people reading the codes. */
exports.ETRN_CODES = {
    250: 'OK, queuing for node started',
    251: 'OK, no messages waiting for node',
    252: 'OK, pending messages for node started',
    253: 'OK, messages pending for node started',
    458: 'Unable to queue messages for node',
    459: 'Node not allowed',
    500: 'Syntax error',
    501: 'Syntax error in parameters',
    502: 'ETRN not implemented',
};
/** RFC 1985: every 25x reply means the request was accepted. */
function etrnAccepted(code) {
    return code !== null && code >= 250 && code <= 253;
}
/** The backup exchanges of a domain: every exchange except those of the best (lowest) preference. */
function backupExchanges(exchanges) {
    if (!exchanges.length)
        return [];
    const best = Math.min(...exchanges.map((e) => e.preference));
    return exchanges.filter((e) => e.preference > best);
}
/**
 * Ask `server` to start its queue for each domain (RFC 1985) over a plain socket: banner,
 * EHLO (ETRN need not be advertised: it is tried anyway), STARTTLS if asked, `ETRN domain`
 * per domain, QUIT. `server` is a host name or address, optionally `host:port`. Resolves
 * with one EtrnResult per domain, in order (`ok` for 250–253); never throws for server
 * behaviour.
 */
async function sendEtrn(server, domains, options = {}) {
    const timeoutMs = options.timeoutMs ?? smtp_dialogue_1.DEFAULT_TIMEOUT_MS;
    const transcript = options.transcript ?? (() => { });
    const given = (0, address_1.parseHostPort)(server) ?? { host: server };
    const host = given.host;
    const port = given.port ?? options.port ?? 25;
    let advertised = null;
    const results = [];
    const answer = (domain, code, message) => results.push({ server, domain, code, message, ok: etrnAccepted(code), advertised });
    // Domains after one that got an answer were never asked: say so, with the reason.
    let inEtrn = false;
    const failRest = (message, code = null) => {
        const rest = domains.slice(results.length);
        rest.forEach((d, i) => (!inEtrn || i === 0 ? answer(d, code, message) : answer(d, null, `not sent: ${message}`)));
        return results;
    };
    let addresses;
    if ((0, node_net_1.isIP)(host))
        addresses = [host];
    else if (host === 'localhost')
        addresses = ['127.0.0.1'];
    else {
        try {
            addresses = await (options.resolver ?? new mx_1.MxResolver({ timeoutMs })).resolveAddresses(host);
        }
        catch (err) {
            return failRest(err.message);
        }
        if (!addresses.length)
            return failRest(`${host}: no A/AAAA records`);
    }
    let socket;
    try {
        socket = await (0, smtp_dialogue_1.connectToFirst)(addresses, port, timeoutMs, transcript, options.signal);
    }
    catch (err) {
        return failRest(err.message);
    }
    const dialogue = new smtp_dialogue_1.SmtpDialogue(socket, timeoutMs, transcript);
    const onAbort = () => dialogue.close();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
        const banner = await dialogue.reply('the greeting');
        if (banner.code !== 220)
            return failRest(`greeting: ${(0, smtp_reply_1.replyText)(banner)}`, banner.code);
        const helo = options.helo ?? (0, node_os_1.hostname)();
        let ehlo = await dialogue.command(`EHLO ${helo}`);
        if (ehlo.code === 421)
            return failRest(`EHLO: ${(0, smtp_reply_1.replyText)(ehlo)}`, ehlo.code);
        if (ehlo.code !== 250) {
            const heloReply = await dialogue.command(`HELO ${helo}`);
            if (heloReply.code !== 250)
                return failRest(`HELO: ${(0, smtp_reply_1.replyText)(heloReply)}`, heloReply.code);
            ehlo = { code: 250, lines: [heloReply.lines[0]] };
        }
        if (options.starttls) {
            if (!(0, smtp_reply_1.ehloKeywords)(ehlo).has('STARTTLS'))
                return failRest('STARTTLS not offered by server');
            const go = await dialogue.command('STARTTLS');
            if (go.code !== 220)
                return failRest(`STARTTLS: ${(0, smtp_reply_1.replyText)(go)}`, go.code);
            await dialogue.upgrade((0, node_net_1.isIP)(host) ? undefined : host);
            ehlo = await dialogue.command(`EHLO ${helo}`);
            if (ehlo.code !== 250)
                return failRest(`EHLO: ${(0, smtp_reply_1.replyText)(ehlo)}`, ehlo.code);
        }
        advertised = (0, smtp_reply_1.ehloKeywords)(ehlo).has('ETRN');
        if (!advertised)
            transcript('** ETRN not advertised in EHLO reply; trying anyway');
        inEtrn = true;
        for (const domain of domains) {
            const reply = await dialogue.command(`ETRN ${domain}`);
            answer(domain, reply.code, (0, smtp_reply_1.replyText)(reply));
            if (reply.code === 421) {
                // RFC 5321 4.2: 421 means the server is closing the connection; the rest were never asked.
                for (const d of domains.slice(results.length))
                    answer(d, null, `not sent: ${(0, smtp_reply_1.replyText)(reply)}`);
                dialogue.close();
                return results;
            }
        }
        await dialogue.quit();
        return results;
    }
    catch (err) {
        dialogue.close();
        if (options.signal?.aborted)
            return failRest('interrupted');
        const message = err instanceof smtp_reply_1.SmtpProtocolError || err instanceof smtp_dialogue_1.DialogueError ? err.message : (0, smtp_reply_1.printable)(String(err.message), 200);
        return failRest(message);
    }
    finally {
        options.signal?.removeEventListener('abort', onAbort);
    }
}
/**
 * ETRN `domain` at each of its backup exchanges (every MX except the most preferred),
 * so they deliver what they queued while the primary was down. Results in preference
 * order. Throws MxError when the lookup fails or the domain has no backup exchange.
 */
async function sendEtrnToBackups(domain, options = {}) {
    const resolver = options.resolver ?? new mx_1.MxResolver({ timeoutMs: options.timeoutMs ?? smtp_dialogue_1.DEFAULT_TIMEOUT_MS });
    const backups = backupExchanges(await resolver.resolveMx(domain));
    if (!backups.length)
        throw new mx_1.MxError('no backup MX: every exchange has the best preference', 'dns', domain);
    const results = [];
    for (const b of backups)
        results.push(...(await sendEtrn(b.exchange, [domain], { ...options, resolver })));
    return results;
}
