/**
 * The mail world the documentation's examples talk about, on loopback: example.org and
 * example.com with MX mx1.example.org (127.0.0.2) and mx2.example.net (127.0.0.1),
 * example.net with only an A record (127.0.0.3), accepting SMTP servers on all three,
 * and Postfix on 127.0.0.1 flushing example.org and example.com for ETRN.
 */
export interface ExampleMail {
    /** For PIPEKIT_NAMESERVER. */
    nameserver: string;
    /** For PIPEKIT_SMTP_PORT in mxprobe examples. */
    smtpPort: number;
    /** For PIPEKIT_SMTP_PORT in etrn examples. */
    postfixPort: number;
    close(): Promise<void>;
}
export declare function startExampleMail(): Promise<ExampleMail>;
