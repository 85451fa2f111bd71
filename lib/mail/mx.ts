import type DNS = require('dns2');
import { readFileSync } from 'node:fs';
import { humanDuration } from '../units';
import { formatHostPort, ipFamily, parseHostPort } from './address';
import { DnsTransportError, queryNameserver, RR_TYPE, type RrTypeName } from './dns-query';

/** One mail exchange of a domain. */
export interface MxExchange {
  /** Host name without the trailing dot, lower case. */
  exchange: string;
  preference: number;
  /** True when the domain has no MX and its own A/AAAA records stand in (RFC 5321 5.1). */
  implicit: boolean;
}

/** Why a domain's exchanges could not be found. */
export type MxErrorKind = 'nxdomain' | 'servfail' | 'refused' | 'timeout' | 'nullmx' | 'nomail' | 'dns';

/**
 * A failed lookup of a domain's exchanges or of an exchange's addresses, with a one-line
 * message for the user and a kind for programs: nxdomain, servfail, refused, timeout,
 * nullmx (RFC 7505), nomail (neither MX nor address records) or dns (anything else).
 */
export class MxError extends Error {
  constructor(
    /** The message without the name in front, for output that already shows the name. */
    readonly reason: string,
    readonly kind: MxErrorKind,
    /** The name looked up: the domain, or an exchange whose address was wanted. */
    readonly domain: string,
    options?: { cause?: unknown },
  ) {
    super(`${domain}: ${reason}`, options);
  }
}

export interface Nameserver {
  host: string;
  port: number;
}

export interface ResolverOptions {
  /**
   * Nameservers to ask, in order; each is tried when the one before does not answer.
   * Default: `PIPEKIT_NAMESERVER` when set, else the `nameserver` lines of /etc/resolv.conf.
   */
  nameservers?: Nameserver[];
  /** Milliseconds to wait for each answer. Default 5000. */
  timeoutMs?: number;
}

const RCODE_NAME: Record<number, string> = { 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED' };

/** `host[:port]` of a nameserver (port 53 by default); undefined when malformed. */
export function parseNameserver(text: string): Nameserver | undefined {
  const hp = parseHostPort(text);
  return hp && { host: hp.host, port: hp.port ?? 53 };
}

/** Nameserver addresses from resolv.conf text, in order (no RFC, but a universal format). */
export function parseResolvConf(text: string): string[] {
  const servers: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const m = /^nameserver\s+(\S+)/.exec(line);
    if (m) servers.push(m[1].replace(/%.*$/, '')); // drop an IPv6 zone id: dgram cannot use it here
  }
  return servers;
}

/**
 * The nameservers to use when none is given: `PIPEKIT_NAMESERVER` (host[:port]), else
 * /etc/resolv.conf (not dns2's built-in public resolvers, which would leak lookups and
 * ignore split-horizon DNS), else 127.0.0.1 as the C library does.
 */
export function defaultNameservers(env: NodeJS.ProcessEnv = process.env, resolvConf = '/etc/resolv.conf'): Nameserver[] {
  const fromEnv = env.PIPEKIT_NAMESERVER;
  if (fromEnv) {
    const ns = parseNameserver(fromEnv);
    if (!ns) throw new Error(`PIPEKIT_NAMESERVER is not host[:port]: ${fromEnv}`);
    return [ns];
  }
  let text = '';
  try {
    text = readFileSync(resolvConf, 'utf8');
  } catch {
    // no resolv.conf: fall through to the C library's default
  }
  const hosts = parseResolvConf(text);
  return (hosts.length ? hosts : ['127.0.0.1']).map((host) => ({ host, port: 53 }));
}

/**
 * A DNS client for MX and address lookups bound to chosen nameservers, built on dns2:
 * `resolveMx`, `resolveAddresses` and the underlying `query`.
 */
export class MxResolver {
  readonly nameservers: Nameserver[];
  /** Milliseconds to wait for each answer. */
  readonly timeoutMs: number;

  constructor(options: ResolverOptions = {}) {
    this.nameservers = options.nameservers ?? defaultNameservers();
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  /** One query, nameservers tried in turn; answers with any RCODE come back as packets. */
  async query(name: string, type: RrTypeName): Promise<DNS.Packet> {
    let lastError: DnsTransportError | undefined;
    for (const ns of this.nameservers) {
      try {
        return await queryNameserver(ns.host, ns.port, name, RR_TYPE[type], this.timeoutMs);
      } catch (err) {
        lastError = err as DnsTransportError;
      }
    }
    const where = this.nameservers.map((ns) => formatHostPort(ns.host, ns.port)).join(', ');
    const timedOut = lastError?.kind === 'timeout';
    const why = timedOut ? `no answer within ${humanDuration(this.timeoutMs)}` : lastError?.message ?? 'failed';
    throw new MxError(`${type} lookup: nameserver ${where}: ${why}`, timedOut ? 'timeout' : 'dns', name, { cause: lastError });
  }

  /**
   * Addresses of a host: IPv4 first (the family most MX hosts reach), then IPv6, or only
   * the `families` asked for. An IP literal is itself.
   */
  async resolveAddresses(host: string, families: readonly (4 | 6)[] = [4, 6]): Promise<string[]> {
    const family = ipFamily(host);
    if (family) return families.includes(family) ? [host] : [];
    const out: string[] = [];
    for (const type of ['A', 'AAAA'] as const) {
      if (!families.includes(type === 'A' ? 4 : 6)) continue;
      const packet = await this.query(host, type);
      checkRcode(packet, host, type);
      for (const a of packet.answers) {
        if (a.type === RR_TYPE[type] && a.address) out.push(a.address);
      }
    }
    return out;
  }

  /** The TXT strings of `name`, each record's strings joined (RFC 7208 3.3); [] for NXDOMAIN or none. */
  async resolveTxt(name: string): Promise<string[]> {
    const packet = await this.query(name, 'TXT');
    if (packet.header.rcode === 3) return [];
    checkRcode(packet, name, 'TXT');
    return packet.answers
      .filter((a) => a.type === RR_TYPE.TXT)
      .map((a) => {
        const data = (a as { data?: string | string[] }).data;
        return Array.isArray(data) ? data.join('') : String(data ?? '');
      });
  }

  /** The PTR names of an address (lower case, no trailing dot); [] for NXDOMAIN or none. */
  async resolvePtr(address: string): Promise<string[]> {
    const name = reverseName(address);
    const packet = await this.query(name, 'PTR');
    if (packet.header.rcode === 3) return [];
    checkRcode(packet, name, 'PTR');
    return packet.answers
      .filter((a) => a.type === RR_TYPE.PTR)
      .map((a) => String((a as { domain?: string }).domain ?? '').replace(/\.$/, '').toLowerCase());
  }

  /**
   * The raw TLSA records (RFC 6698) at `name`, and whether the resolver set the AD bit
   * on the answer (it validated it with DNSSEC; only as trustworthy as the resolver and
   * the path to it). No records for NXDOMAIN or an empty answer.
   */
  async resolveTlsa(name: string): Promise<{ records: Buffer[]; validated: boolean }> {
    const packet = await this.query(name, 'TLSA');
    const validated = (packet.header as { ad?: number }).ad === 1;
    if (packet.header.rcode === 3) return { records: [], validated };
    checkRcode(packet, name, 'TLSA');
    const records = packet.answers.filter((a) => a.type === RR_TYPE.TLSA).map((a) => (a as { data?: Buffer }).data ?? Buffer.alloc(0));
    return { records, validated };
  }

  /**
   * The exchanges of a domain, most preferred first (ties keep DNS order). A domain with
   * no MX but with A/AAAA records has itself as implicit exchange (RFC 5321 5.1).
   * Throws MxError for NXDOMAIN, SERVFAIL, timeouts, a null MX (RFC 7505) and a domain
   * with neither MX nor address records.
   */
  async resolveMx(domain: string): Promise<MxExchange[]> {
    const packet = await this.query(domain, 'MX');
    checkRcode(packet, domain, 'MX');
    const mx = packet.answers.filter((a) => a.type === RR_TYPE.MX);
    if (mx.some((a) => !a.exchange || a.exchange === '.')) {
      throw new MxError('null MX: the domain accepts no mail (RFC 7505)', 'nullmx', domain);
    }
    if (mx.length) {
      return mx
        .map((a) => ({ exchange: a.exchange!.replace(/\.$/, '').toLowerCase(), preference: a.priority ?? 0, implicit: false }))
        .sort((a, b) => a.preference - b.preference);
    }
    const addresses = await this.resolveAddresses(domain);
    if (!addresses.length) {
      throw new MxError('no MX and no A/AAAA records: the domain accepts no mail', 'nomail', domain);
    }
    return [{ exchange: domain, preference: 0, implicit: true }];
  }
}

/** The in-addr.arpa or ip6.arpa name of an address (RFC 1035 3.5, RFC 3596 2.5). */
export function reverseName(address: string): string {
  if (ipFamily(address) === 4) return `${address.split('.').reverse().join('.')}.in-addr.arpa`;
  const groups = address.split('::');
  const head = groups[0] ? groups[0].split(':') : [];
  const tail = groups.length > 1 && groups[1] ? groups[1].split(':') : [];
  const full = [...head, ...Array(8 - head.length - tail.length).fill('0'), ...tail];
  return `${[...full.map((g) => g.padStart(4, '0')).join('')].reverse().join('.')}.ip6.arpa`;
}

function checkRcode(packet: DNS.Packet, name: string, type: string): void {
  const rcode = packet.header.rcode;
  if (rcode === 0) return;
  const rname = RCODE_NAME[rcode] ?? `RCODE ${rcode}`;
  if (rcode === 3) throw new MxError(`NXDOMAIN: no such domain (${type} lookup)`, 'nxdomain', name);
  const kind: MxErrorKind = rcode === 2 ? 'servfail' : rcode === 5 ? 'refused' : 'dns';
  throw new MxError(`${rname} from nameserver (${type} lookup)`, kind, name);
}

/**
 * The exchanges of `domain`, most preferred first, looked up with dns2 against the given
 * nameservers (default: `PIPEKIT_NAMESERVER`, else /etc/resolv.conf). A domain without MX
 * but with A/AAAA records has itself as implicit exchange. Throws MxError for NXDOMAIN,
 * SERVFAIL, timeouts, a null MX (RFC 7505) and a domain with neither MX nor addresses.
 */
export function resolveMx(domain: string, options: ResolverOptions = {}): Promise<MxExchange[]> {
  return new MxResolver(options).resolveMx(domain);
}
