export interface Postfix {
    host: string;
    port: number;
    dir: string;
    /** The instance's maillog, for failure messages. */
    log(): string;
    stop(): Promise<void>;
}
/**
 * A private Postfix instance (Debian package) in a temp dir, listening on a random
 * loopback port, with `fast_flush_domains` = `flushDomains`: ETRN answers
 * `250 Queuing started` for those and `459 <d>: service unavailable` for others.
 * Needs root, as any Postfix start does.
 */
export declare function startPostfix(flushDomains: string[], host?: string): Promise<Postfix>;
