import { type Socket } from 'node:net';
import { type SmtpReply } from './smtp-reply';
/**
 * The socket side of an SMTP client, shared by ETRN and the probe: the first of a host's
 * addresses that accepts a connection, replies awaited against a deadline, QUIT with a
 * grace period, and the words every failure and transcript note is given in, so that
 * mxprobe and etrn report the same event the same way.
 */
/** Milliseconds to wait for the connection and for each reply when the caller sets no limit. */
export declare const DEFAULT_TIMEOUT_MS = 30000;
/**
 * Longest wait for the answer to QUIT. The outcome is known by then; a server that never
 * answers QUIT (or never closes) must not hold the client for a whole timeout.
 */
export declare const QUIT_GRACE_MS = 2000;
/** The QUIT grace period for a session whose replies may take `timeoutMs`. */
export declare function quitGraceMs(timeoutMs: number): number;
/** A server line for the transcript: `<- ` and the line, control characters escaped. */
export declare function serverLine(text: string): string;
/** The transcript note once a connection stands. */
export declare function connectedNote(address: string, port: number): string;
/** The transcript note after STARTTLS: opportunistic TLS (RFC 7435) verifies no certificate. */
export declare const TLS_ESTABLISHED = "** TLS established (certificate not verified)";
/** The peer closed the connection before the dialogue was over. */
export declare const CLOSED_BY_SERVER = "connection closed by server";
/** Why connecting (or the connection) failed, from a socket error's code. */
export declare function connectFailure(code: string | undefined, message?: string): string;
/** No connection within the timeout. */
export declare function connectTimedOut(timeoutMs: number): string;
/** No reply within the timeout. */
export declare function noReplyWithin(timeoutMs: number): string;
/** A failed step of the dialogue; its message is the one-line outcome for the user. */
export declare class DialogueError extends Error {
}
/**
 * Run `attempt` at each of a host's addresses in turn until one connects (RFC 5321 5.1:
 * a client tries the next address while connecting fails). Resolves with the outcome of
 * the first attempt that `connected` accepts, else of the last attempt; undefined when
 * there is no address or `signal` aborted before the first attempt.
 */
export declare function firstConnected<R>(addresses: readonly string[], attempt: (address: string) => Promise<R>, connected: (outcome: R) => boolean, signal?: AbortSignal): Promise<R | undefined>;
/**
 * A TCP connection to `address`, or a DialogueError saying why not (refused, timed out,
 * interrupted). Its listeners on `signal` are gone once it settles.
 */
export declare function connectTo(address: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<Socket>;
/**
 * A connection to the first of `addresses` that accepts one on `port`, each attempt noted
 * in the transcript; throws the DialogueError of the last attempt when none does.
 */
export declare function connectToFirst(addresses: readonly string[], port: number, timeoutMs: number, transcript: (line: string) => void, signal?: AbortSignal): Promise<Socket>;
/**
 * A line-level SMTP client on a connected socket: replies in order, each awaited against
 * the timeout, commands written as given, STARTTLS on the same socket. The transcript
 * gets `<- ` server lines, `-> ` client lines and `** ` notes.
 */
export declare class SmtpDialogue {
    private readonly timeoutMs;
    private readonly transcript;
    private socket;
    private parser;
    private replies;
    private failure;
    private wake;
    constructor(socket: Socket, timeoutMs: number, transcript: (line: string) => void);
    private attach;
    /** The next reply; a DialogueError or SmtpProtocolError when none comes. */
    reply(what: string): Promise<SmtpReply>;
    /** Send one command line and wait for its reply. */
    command(line: string): Promise<SmtpReply>;
    /** RFC 3207: after 220 to STARTTLS, a TLS handshake on the same socket. */
    upgrade(servername: string | undefined): Promise<void>;
    close(): void;
    /** QUIT, then close: after its answer or the grace period, whichever comes first. */
    quit(): Promise<void>;
}
