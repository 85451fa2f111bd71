"use strict";
/**
 * SMTP replies as pure functions: no sockets here, so every chunk boundary and
 * malformed line can be tested without a server.
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.SmtpReplyParser = exports.SmtpProtocolError = void 0;
exports.replyText = replyText;
exports.printable = printable;
exports.parseSmtpReply = parseSmtpReply;
exports.splitReplyText = splitReplyText;
exports.ehloKeywords = ehloKeywords;
/** A reply that does not follow RFC 5321 4.2: the peer is not speaking SMTP. */
class SmtpProtocolError extends Error {
}
exports.SmtpProtocolError = SmtpProtocolError;
// RFC 5321 4.5.3.1.5 allows 512 octets per reply line; servers exceed it, 4 KiB does not.
const MAX_LINE = 4096;
const MAX_LINES = 1000;
/** The reply's text as one line, without its code: continuation lines joined with a space. */
function replyText(reply) {
    return reply.lines.join(' ').trim();
}
/** Printable form of untrusted bytes for a one-line message: control characters escaped, capped. */
function printable(text, max = 80) {
    const clean = text.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\t' ? ' ' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
    return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
/**
 * Turns a byte stream from an SMTP server into replies, whatever the chunk boundaries:
 * a multi-line `250-` reply may arrive split anywhere, even inside its CRLF.
 */
class SmtpReplyParser {
    buffered = '';
    pending;
    /** Feed bytes; returns the replies they complete. Throws SmtpProtocolError on garbage. */
    push(chunk) {
        this.buffered += typeof chunk === 'string' ? chunk : chunk.toString('latin1');
        const replies = [];
        let nl;
        while ((nl = this.buffered.indexOf('\n')) >= 0) {
            const line = this.buffered.slice(0, nl).replace(/\r$/, '');
            this.buffered = this.buffered.slice(nl + 1);
            const reply = this.line(line);
            if (reply)
                replies.push(reply);
        }
        if (this.buffered.length > MAX_LINE) {
            throw new SmtpProtocolError(`reply line longer than ${MAX_LINE} bytes: ${printable(this.buffered)}`);
        }
        return replies;
    }
    /** Bytes of an unfinished reply still buffered (a peer that closed mid-reply). */
    get partial() {
        return this.buffered;
    }
    line(line) {
        if (line.length > MAX_LINE)
            throw new SmtpProtocolError(`reply line longer than ${MAX_LINE} bytes: ${printable(line)}`);
        // RFC 5321 4.2: three digits, then SP (last line) or "-" (more follow); a bare code is a last line.
        const m = /^([2-5]\d\d)([ -]|$)(.*)$/.exec(line);
        if (!m)
            throw new SmtpProtocolError(`not an SMTP reply: ${printable(line) || '(empty line)'}`);
        const code = Number(m[1]);
        if (this.pending && this.pending.code !== code) {
            throw new SmtpProtocolError(`reply code changed from ${this.pending.code} to ${code} inside a multi-line reply`);
        }
        const reply = this.pending ?? { code, lines: [] };
        reply.lines.push(m[3]);
        if (reply.lines.length > MAX_LINES)
            throw new SmtpProtocolError(`reply longer than ${MAX_LINES} lines`);
        if (m[2] === '-') {
            this.pending = reply;
            return undefined;
        }
        this.pending = undefined;
        return reply;
    }
}
exports.SmtpReplyParser = SmtpReplyParser;
/** Parse a complete reply text (`250-a\r\n250 b\r\n`) at once. */
function parseSmtpReply(text) {
    const parser = new SmtpReplyParser();
    const replies = parser.push(text.endsWith('\n') ? text : `${text}\r\n`);
    if (replies.length !== 1 || parser.partial)
        throw new SmtpProtocolError(`expected one reply: ${printable(text)}`);
    return replies[0];
}
/**
 * Code and one-line text of a reply as a client library hands it over, lines joined
 * with LF (`250-2.0.0 Ok\n250 more` -> 250, `2.0.0 Ok more`). Lenient where the parser
 * is strict: the reply already decided the session, only its words are wanted.
 */
function splitReplyText(response) {
    if (!response)
        return { code: null, text: '' };
    const lines = response.split(/\r?\n/).filter((l) => l !== '');
    const m = /^(\d{3})/.exec(lines[0] ?? '');
    if (!m)
        return { code: null, text: `not an SMTP reply: ${printable(lines[0] ?? '')}` };
    return { code: Number(m[1]), text: lines.map((l) => l.replace(/^\d{3}[ -]?/, '')).join(' ').trim() };
}
/** EHLO keywords (upper case) from an EHLO reply; the first line is the greeting, not a keyword. */
function ehloKeywords(reply) {
    return new Set(reply.lines.slice(1).map((l) => l.trim().split(/\s+/)[0].toUpperCase()).filter(Boolean));
}
