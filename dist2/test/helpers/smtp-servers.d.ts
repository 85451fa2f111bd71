import type { ChildProcessWithoutNullStreams } from 'node:child_process';
/**
 * Real SMTP servers on loopback that behave well or badly on purpose: smtp-server
 * instances with handlers that reject, hang or answer ETRN, and raw sockets for what
 * smtp-server will not do (greet with 421, send garbage, drop after the banner).
 */
export type Behaviour = 'accept' | 'starttls' | 'reject-rcpt' | 'reject-mail' | 'reject-data' | 'hang-rcpt' | 'greet-421' | 'drop-after-banner' | 'garbage' | 'silent' | 'mute-after-ehlo';
/** How an smtp-server answers ETRN (it has no ETRN of its own). */
export type EtrnBehaviour = {
    code: number;
    text: string;
} | 'hang' | 'drop';
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
/** One test SMTP server on `host` (a 127.0.0.x address) and `port` (0: random). */
export declare function startSmtpServer(behaviour: Behaviour, host?: string, port?: number, etrn?: EtrnBehaviour): Promise<TestSmtpServer>;
/**
 * Servers on 127.0.0.2, 127.0.0.3, … sharing one random port, so a DNS zone can point
 * each exchange at its own address and mxprobe can use a single --port.
 */
export declare function startSmtpServers(specs: {
    behaviour: Behaviour;
    etrn?: EtrnBehaviour;
}[], firstOctet?: number): Promise<{
    port: number;
    servers: TestSmtpServer[];
}>;
/**
 * Send SIGINT to a running filter once its stderr shows `marker` (a transcript line),
 * then collect its exit. SIGKILL after `ms` so a stuck child fails the test instead of
 * hanging the run.
 */
export declare function interruptWhen(child: ChildProcessWithoutNullStreams, marker: string, ms?: number): Promise<{
    code: number | null;
    stdout: string;
    stderr: string;
}>;
