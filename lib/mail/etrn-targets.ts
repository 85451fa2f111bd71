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
 * Servers and their domains from lines `SERVER DOMAIN...` (the seed's backup_servers map):
 * each line splits at blanks; blank lines and `#` comments are skipped. Throws
 * EtrnTargetError for the first bad line.
 */
export function parseEtrnTargets(lines: string[]): EtrnTarget[] {
  const targets: EtrnTarget[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const [server, ...domains] = line.split(/\s+/);
    targets.push(checkedTarget(server, domains, lines.length > 1 ? `line ${i + 1}: ` : ''));
  });
  return targets;
}

/**
 * The target of the arguments `SERVER DOMAIN...`. Each argument is one server or one
 * ETRN argument as it stands, never split at blanks: `etrn mx "bad domain"` names one
 * malformed domain, not two domains. An empty argument is an error, not nothing to do.
 */
export function parseEtrnArguments(args: string[]): EtrnTarget {
  const [server = '', ...domains] = args;
  if (!server) throw new EtrnTargetError('empty server argument');
  return checkedTarget(server, domains, '');
}

function checkedTarget(server: string, domains: string[], where: string): EtrnTarget {
  if (!parseHostPort(server)) throw new EtrnTargetError(`${where}malformed server '${printable(server)}' (HOST[:PORT])`);
  if (!domains.length) throw new EtrnTargetError(`${where}no domain given after server ${printable(server)}`);
  const bad = domains.find((d) => !isEtrnArgument(d));
  if (bad === '') throw new EtrnTargetError(`${where}empty domain argument`);
  if (bad !== undefined) throw new EtrnTargetError(`${where}malformed domain '${printable(bad)}'`);
  return { server, domains };
}
