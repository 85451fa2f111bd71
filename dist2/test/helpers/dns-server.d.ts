/** What the test nameserver knows about one name. */
export interface ZoneEntry {
    /** [preference, exchange]; `[[0, '.']]` is a null MX (RFC 7505). */
    mx?: [number, string][];
    a?: string[];
    aaaa?: string[];
    /** Answer every query for the name with this RCODE. */
    rcode?: 'SERVFAIL' | 'REFUSED' | 'NXDOMAIN';
    /** Never answer queries for the name (a broken authoritative server behind a resolver). */
    silent?: boolean;
}
export type Zone = Record<string, ZoneEntry>;
export interface DnsServer {
    host: string;
    port: number;
    /** `127.0.0.1:PORT`, as --nameserver and PIPEKIT_NAMESERVER take it. */
    nameserver: string;
    /** Questions seen, `TYPE name`, in order. */
    queries: string[];
    close(): Promise<void>;
}
/** A dns2 UDP server on a random loopback port answering from `zone`; unknown names are NXDOMAIN. */
export declare function startDnsServer(zone: Zone): Promise<DnsServer>;
/** A loopback UDP port with nothing behind it: queries sent there are never answered. */
export declare function deadNameserver(): Promise<string>;
