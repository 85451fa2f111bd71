import DNS = require('dns2');
import { createSocket } from 'node:dgram';

const { Packet } = DNS;
const TLSA = 52;

/** What the test nameserver knows about one name. */
export interface ZoneEntry {
  /** [preference, exchange]; `[[0, '.']]` is a null MX (RFC 7505). */
  mx?: [number, string][];
  a?: string[];
  aaaa?: string[];
  /** PTR names (for `x.0.0.127.in-addr.arpa` and ip6.arpa names). */
  ptr?: string[];
  /** TXT records, each one string. */
  txt?: string[];
  /** TLSA records (RFC 6698) as RDATA: usage, selector, matching type, data. */
  tlsa?: Buffer[];
  /** Set the AD bit on answers for the name, as a validating resolver does for signed data. */
  ad?: boolean;
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
export async function startDnsServer(zone: Zone): Promise<DnsServer> {
  const queries: string[] = [];
  const server = DNS.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const [q] = request.questions;
      const name = q.name.toLowerCase().replace(/\.$/, '');
      const type = q.type === TLSA ? 'TLSA' : (Packet.TYPE_NAME[q.type] ?? String(q.type));
      queries.push(`${type} ${name}`);
      const entry = zone[name];
      if (entry?.silent) return;
      if (!entry) response.header.rcode = Packet.RCODE.NXDOMAIN;
      else if (entry.rcode) response.header.rcode = Packet.RCODE[entry.rcode];
      else {
        const base = { name: q.name, class: Packet.CLASS.IN, ttl: 60 };
        if (q.type === Packet.TYPE.MX) {
          for (const [priority, exchange] of entry.mx ?? []) {
            response.answers.push({ ...base, type: Packet.TYPE.MX, priority, exchange: exchange === '.' ? '' : exchange } as never);
          }
        }
        if (q.type === Packet.TYPE.A) {
          for (const address of entry.a ?? []) response.answers.push({ ...base, type: Packet.TYPE.A, address } as never);
        }
        if (q.type === Packet.TYPE.AAAA) {
          for (const address of entry.aaaa ?? []) response.answers.push({ ...base, type: Packet.TYPE.AAAA, address } as never);
        }
        if (q.type === Packet.TYPE.PTR) {
          for (const domain of entry.ptr ?? []) response.answers.push({ ...base, type: Packet.TYPE.PTR, domain } as never);
        }
        if (q.type === Packet.TYPE.TXT) {
          for (const data of entry.txt ?? []) response.answers.push({ ...base, type: Packet.TYPE.TXT, data: [data] } as never);
        }
        // dns2 has no TLSA codec: it writes a record's raw `data` as the RDATA
        if (q.type === TLSA) for (const data of entry.tlsa ?? []) response.answers.push({ ...base, type: TLSA, data } as never);
        if (entry.ad) (response.header as { ad?: number }).ad = 1;
      }
      void send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  const port = addresses.udp!.port;
  return {
    host: '127.0.0.1',
    port,
    nameserver: `127.0.0.1:${port}`,
    queries,
    close: () => server.close(),
  };
}

/** A loopback UDP port with nothing behind it: queries sent there are never answered. */
export async function deadNameserver(): Promise<string> {
  const sock = createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  const { port } = sock.address();
  await new Promise<void>((resolve) => sock.close(() => resolve()));
  return `127.0.0.1:${port}`;
}
