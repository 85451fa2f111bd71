/**
 * SMTP replies as pure functions: no sockets here, so every chunk boundary and
 * malformed line can be tested without a server.
 */
/** One complete SMTP reply (RFC 5321 4.2): a code and one or more text lines. */
export interface SmtpReply {
    code: number;
    /** Text of each line, without the code and separator. */
    lines: string[];
}
/** A reply that does not follow RFC 5321 4.2: the peer is not speaking SMTP. */
export declare class SmtpProtocolError extends Error {
}
/** The reply's text as one line, without its code: continuation lines joined with a space. */
export declare function replyText(reply: SmtpReply): string;
/** Printable form of untrusted bytes for a one-line message: control characters escaped, capped. */
export declare function printable(text: string, max?: number): string;
/**
 * Turns a byte stream from an SMTP server into replies, whatever the chunk boundaries:
 * a multi-line `250-` reply may arrive split anywhere, even inside its CRLF.
 */
export declare class SmtpReplyParser {
    private buffered;
    private pending;
    /** Feed bytes; returns the replies they complete. Throws SmtpProtocolError on garbage. */
    push(chunk: Buffer | string): SmtpReply[];
    /** Bytes of an unfinished reply still buffered (a peer that closed mid-reply). */
    get partial(): string;
    private line;
}
/** Parse a complete reply text (`250-a\r\n250 b\r\n`) at once. */
export declare function parseSmtpReply(text: string): SmtpReply;
/**
 * Code and one-line text of a reply as a client library hands it over, lines joined
 * with LF (`250-2.0.0 Ok\n250 more` -> 250, `2.0.0 Ok more`). Lenient where the parser
 * is strict: the reply already decided the session, only its words are wanted.
 */
export declare function splitReplyText(response: string | undefined): {
    code: number | null;
    text: string;
};
/** EHLO keywords (upper case) from an EHLO reply; the first line is the greeting, not a keyword. */
export declare function ehloKeywords(reply: SmtpReply): Set<string>;
