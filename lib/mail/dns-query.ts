import type DNS = require('dns2');
import { connect as netConnect } from 'node:net';
import { dirname, join } from 'node:path';
import { ipFamily } from './address';

/**
 * One DNS question to one nameserver, on a connected UDP socket (TCP when the answer is
 * truncated). dns2's own client sends from an unconnected socket, so the ICMP "port
 * unreachable" of a nameserver that is down never reaches it and every lookup waits out
 * its whole timeout; a connected socket hears it at once (ECONNREFUSED), as dig does.
 * The query sets the AD bit, which asks the resolver to say whether it validated the
 * answer with DNSSEC (RFC 6840 5.7).
 */

/** Record type codes mail lookups ask for; TLSA (RFC 6698) is not among dns2's names. */
export const RR_TYPE = { A: 1, PTR: 12, MX: 15, TXT: 16, AAAA: 28, TLSA: 52 } as const;
export type RrTypeName = keyof typeof RR_TYPE;

/** Why a nameserver gave no answer: `timeout`, `unreachable` (ICMP port unreachable), or another socket error. */
export class DnsTransportError extends Error {
  constructor(
    message: string,
    readonly kind: 'timeout' | 'unreachable' | 'socket',
  ) {
    super(message);
  }
}

let packetCodec: typeof DNS.Packet | undefined;

/**
 * dns2's packet codec alone, loaded at the first query. Its index also loads dns2's
 * servers and DNS-over-HTTPS client (node:https, node:http, cluster): 68 ms of CPU at
 * start-up against 11 for packet.js (issue 16). The package exports no subpath, so
 * packet.js is found beside its package.json (dns2 is pinned to an exact version).
 */
function Packet(): typeof DNS.Packet {
  packetCodec ??= require(join(dirname(require.resolve('dns2/package.json')), 'packet.js')) as typeof DNS.Packet;
  return packetCodec;
}

function queryPacket(name: string, type: number): Buffer {
  const query = new (Packet())();
  query.header.id = Packet().uuid();
  query.header.rd = 1;
  (query.header as { ad?: number }).ad = 1;
  query.questions.push({ name, class: Packet().CLASS.IN, type } as never);
  return query.toBuffer();
}

function transportError(err: NodeJS.ErrnoException): DnsTransportError {
  if (err.code === 'ECONNREFUSED') return new DnsTransportError('port unreachable (no DNS server there)', 'unreachable');
  return new DnsTransportError(`${err.code ?? err.message}`, 'socket');
}

/** The answer to `name`/`type` from `host:port`; a DnsTransportError when none comes within `timeoutMs`. */
export function queryNameserver(host: string, port: number, name: string, type: number, timeoutMs: number): Promise<DNS.Packet> {
  const request = queryPacket(name, type);
  const id = request.readUInt16BE(0);
  // Here, not on import: --help, --version and a usage error send no query (issue 16).
  const { createSocket } = require('node:dgram') as typeof import('node:dgram');
  return new Promise((resolve, reject) => {
    const socket = createSocket(ipFamily(host) === 6 ? 'udp6' : 'udp4');
    let done = false;
    const settle = (err: Error | undefined, packet?: DNS.Packet) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(packet!);
    };
    const timer = setTimeout(() => settle(new DnsTransportError('no answer', 'timeout')), timeoutMs);
    socket.on('error', (err) => settle(transportError(err)));
    socket.on('message', (message) => {
      let packet: DNS.Packet;
      try {
        packet = Packet().parse(message);
      } catch {
        return; // a datagram that does not decode is not the answer; keep waiting
      }
      if (packet.header.id !== id) return;
      if (!packet.header.tc) return settle(undefined, packet);
      queryTcp(host, port, request, Math.max(1, timeoutMs)).then(
        (p) => settle(undefined, p),
        (err: Error) => settle(err),
      );
    });
    socket.connect(port, host, () => socket.send(request));
  });
}

/** RFC 1035 4.2.2: the same query over TCP, each message preceded by its 16-bit length. */
function queryTcp(host: string, port: number, request: Buffer, timeoutMs: number): Promise<DNS.Packet> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => fail(new DnsTransportError('no answer over TCP', 'timeout')), timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    socket.on('error', (err) => fail(transportError(err)));
    socket.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(request.length);
      socket.write(Buffer.concat([len, request]));
    });
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      const all = Buffer.concat(chunks);
      if (all.length < 2 || all.length < 2 + all.readUInt16BE(0)) return;
      clearTimeout(timer);
      socket.destroy();
      try {
        resolve(Packet().parse(all.subarray(2, 2 + all.readUInt16BE(0))));
      } catch (err) {
        reject(new DnsTransportError(`undecodable answer: ${(err as Error).message}`, 'socket'));
      }
    });
  });
}
