import { isIPv4, isIPv6 } from 'node:net';

/**
 * Mail domains and `host[:port]` as pure functions: what a domain argument, a server
 * argument or a nameserver may look like, and how an address prints beside its port.
 */

/**
 * A domain name as mail uses it (RFC 5321 4.1.2 / RFC 1123 2.1): dot-separated LDH labels
 * of 1–63 characters, not starting or ending with a hyphen, 253 characters at most.
 * A trailing dot is allowed. Returns the name without the trailing dot, lower case, or
 * undefined when malformed.
 */
export function normalizeDomain(name: string): string | undefined {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  if (!n || n.length > 253) return undefined;
  const label = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
  return n.split('.').every((l) => label.test(l)) ? n.toLowerCase() : undefined;
}

/**
 * 4 or 6 for an IP address, 0 for anything else: net.isIP, except that text without a
 * colon (which no IPv6 address lacks) is never matched against Node's IPv6 pattern,
 * whose first use compiles it: 5-8 ms of CPU, more than a one-domain probe of an IPv4
 * exchange spends on its DNS and SMTP together (issue 16).
 */
export function ipFamily(text: string): 0 | 4 | 6 {
  if (isIPv4(text)) return 4;
  return text.includes(':') && isIPv6(text) ? 6 : 0;
}

/** A host name or IP address, and the port when one was given. */
export interface HostPort {
  host: string;
  port?: number;
}

/** A TCP/UDP port number from text, or undefined when it is not 1–65535. */
export function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/**
 * `host`, `host:port`, `1.2.3.4:53`, `::1`, `[::1]:53`. Returns undefined when malformed
 * (empty host, bad port, an unbracketed IPv6 address with a port).
 */
export function parseHostPort(text: string): HostPort | undefined {
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1];
    portText = bracketed[2];
  } else if ((text.match(/:/g) ?? []).length > 1) {
    host = text; // a bare IPv6 address
  } else {
    const i = text.indexOf(':');
    host = i < 0 ? text : text.slice(0, i);
    portText = i < 0 ? undefined : text.slice(i + 1);
  }
  if (!host || /\s/.test(host)) return undefined;
  if (host.includes(':') ? !/^[0-9A-Fa-f:.]+$/.test(host) : !normalizeDomain(host)) return undefined;
  if (portText === undefined) return { host };
  const port = parsePort(portText);
  return port === undefined ? undefined : { host, port };
}

/** `host:port`, bracketing IPv6 addresses. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
