import { normalizeDomain, parseHostPort } from './address';
import { printable } from './smtp-reply';

/**
 * What etrn is asked to do, as pure functions: the ETRN argument syntax of RFC 1985 and
 * the `SERVER DOMAIN...` lines of the seed's backup_servers map.
 */

/** One server and the ETRN arguments to send it, in order. */
export interface EtrnTarget {
  server: string;
  domains: string[];
}

/** An ETRN argument (RFC 1985): `domain`, `@domain` (its subdomains too) or `#queue`. */
export function isEtrnArgument(text: string): boolean {
  if (text.startsWith('#')) return /^#[\x21-\x7e]+$/.test(text);
  return normalizeDomain(text.startsWith('@') ? text.slice(1) : text) !== undefined;
}

/** A line of an ETRN map that is not `SERVER DOMAIN...`; the message names the line. */
export class EtrnTargetError extends Error {}

/**
 * Servers and their domains from lines `SERVER DOMAIN...` (the seed's backup_servers map);
 * blank lines and `#` comments are skipped. Throws EtrnTargetError for the first bad line.
 */
export function parseEtrnTargets(lines: string[]): EtrnTarget[] {
  const targets: EtrnTarget[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const [server, ...domains] = line.split(/\s+/);
    const where = lines.length > 1 ? `line ${i + 1}: ` : '';
    if (!parseHostPort(server)) throw new EtrnTargetError(`${where}malformed server '${printable(server)}' (HOST[:PORT])`);
    if (!domains.length) throw new EtrnTargetError(`${where}no domain given after server ${server}`);
    const bad = domains.find((d) => !isEtrnArgument(d));
    if (bad !== undefined) throw new EtrnTargetError(`${where}malformed domain '${printable(bad)}'`);
    targets.push({ server, domains });
  });
  return targets;
}
