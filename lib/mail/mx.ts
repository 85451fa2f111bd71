import DNS = require('dns2');
import { readFileSync } from 'node:fs';
import { isIP, isIPv6 } from 'node:net';
import { humanDuration } from '../units';
import { formatHostPort, parseHostPort } from './address';

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
  async query(name: string, type: 'MX' | 'A' | 'AAAA'): Promise<DNS.Packet> {
    let lastError: unknown;
    for (const ns of this.nameservers) {
      // dns2's own resolve() always opens a udp4 socket; pick the family from the address.
      const resolve = DNS.UDPClient({
        dns: ns.host,
        port: ns.port,
        timeout: this.timeoutMs,
        socketType: isIPv6(ns.host) ? 'udp6' : 'udp4',
      });
      try {
        return await resolve(name, type);
      } catch (err) {
        lastError = err;
      }
    }
    const where = this.nameservers.map((ns) => formatHostPort(ns.host, ns.port)).join(', ');
    const timedOut = (lastError as { code?: string } | undefined)?.code === 'ETIMEDOUT';
    const why = timedOut ? `no answer within ${humanDuration(this.timeoutMs)}` : (lastError as Error)?.message ?? 'failed';
    throw new MxError(`${type} lookup: nameserver ${where}: ${why}`, timedOut ? 'timeout' : 'dns', name, {
      cause: lastError,
    });
  }

  /** Addresses of a host: IPv4 first (the family most MX hosts reach), then IPv6. An IP literal is itself. */
  async resolveAddresses(host: string): Promise<string[]> {
    if (isIP(host)) return [host];
    const out: string[] = [];
    for (const type of ['A', 'AAAA'] as const) {
      const packet = await this.query(host, type);
      checkRcode(packet, host, type);
      for (const a of packet.answers) {
        if (a.type === DNS.Packet.TYPE[type] && a.address) out.push(a.address);
      }
    }
    return out;
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
    const mx = packet.answers.filter((a) => a.type === DNS.Packet.TYPE.MX);
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
