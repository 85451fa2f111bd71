import { hostname } from 'node:os';
import { ipFamily, normalizeDomain } from './address';

/**
 * The name a client gives in EHLO (RFC 5321 4.1.4): its fully qualified domain name, or,
 * when it has none, the address literal of the local address the connection actually
 * uses (4.1.3: `[192.0.2.1]`, `[IPv6:2001:db8::1]`). A bare host name without a dot is
 * neither, and Postfix's reject_non_fqdn_helo_hostname answers it with 504.
 */
export function defaultHelo(localAddress: string | undefined, host = hostname()): string {
  if (host.includes('.') && normalizeDomain(host)) return host.replace(/\.$/, '');
  if (!localAddress) return '[127.0.0.1]';
  const v4mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(localAddress);
  if (v4mapped) return `[${v4mapped[1]}]`;
  return ipFamily(localAddress) === 6 ? `[IPv6:${localAddress}]` : `[${localAddress}]`;
}

/** Whether `name` may be given as --helo: a domain name or an address literal. */
export function validHelo(name: string): boolean {
  return !!normalizeDomain(name) || /^\[(IPv6:[0-9A-Fa-f:.]+|\d+\.\d+\.\d+\.\d+)\]$/.test(name);
}
