import type { EtrnResult } from './etrn';
import type { ProbeResult } from './probe';
import { compactTls } from './tls-facts';

/**
 * How mxprobe and etrn print, as pure functions: one result line per exchange or domain
 * (tab-separated, or a JSON object), and the one-line diagnostics for stderr.
 */

/** A TSV field: empty and missing values as `-`; tabs and line breaks, which would break the line, as spaces. */
export function tsvField(value: string | number | undefined | null): string {
  if (value === undefined || value === null || value === '') return '-';
  return String(value).replace(/[\t\r\n]+/g, ' ');
}

/**
 * `domain exchange preference status code phase message address tls`, or the JSON of
 * every field. The first seven are the columns mxprobe always printed; `tls` is compact:
 * `none`, `TLSv1.3:verified`, `TLSv1.2:name-mismatch`, `TLSv1.3:dane-ee`.
 */
export function formatProbeResult(r: ProbeResult, json = false): string {
  if (json) return JSON.stringify(r);
  const tls = r.address === null ? '-' : compactTls(r.tls, r.tls?.verifiedBy === 'dane-ee' || r.tls?.verifiedBy === 'dane-ta' ? r.tls.verifiedBy : undefined);
  return [r.domain, r.exchange, r.preference, r.status, r.code, r.phase, r.message, r.address, tls].map(tsvField).join('\t');
}

/** `server domain code message`, or the JSON of every field. */
export function formatEtrnResult(r: EtrnResult, json = false): string {
  if (json) return JSON.stringify(r);
  return [r.server, r.domain, r.code, r.message].map(tsvField).join('\t');
}

/** `554 5.7.1 Relay access denied`; the message alone when no reply decided the outcome. */
export function outcomeText(code: number | null, message: string): string {
  return code ? `${code} ${message}` : message;
}

/** The diagnostic for a failed probe: `domain: exchange: code message (phase)`, the domain alone when DNS failed it. */
export function probeFailure(r: ProbeResult): string {
  const exchange = r.address && r.address !== r.exchange ? `${r.exchange} [${r.address}]` : r.exchange;
  const where = r.exchange === '-' || r.exchange === '.' ? r.domain : `${r.domain}: ${exchange}`;
  return `${where}: ${outcomeText(r.code, r.message)} (${r.phase})`;
}

/**
 * The informational line for a greeting that came late but in time (a greet pause, a
 * loaded server): `domain: exchange [address]: slow greeting 2.1s`; undefined otherwise.
 * Only the greeting: other slow phases are in the JSON `slow` field, where a busy
 * client's own delays cannot turn into noise on stderr.
 */
export function probeSlowness(r: ProbeResult): string | undefined {
  if (!r.slow.includes('banner')) return undefined;
  return `${r.domain}: ${r.exchange} [${r.address}]: slow greeting ${((r.timings.banner ?? 0) / 1000).toFixed(1)}s`;
}

/**
 * The diagnostics for one server's ETRN results, one slot per result: `server: domain:
 * code message` for the first result of each distinct failure (a server that fails
 * before ETRN fails every domain alike), undefined for successes, repeats and domains
 * never asked (`not sent: ...`).
 */
export function etrnFailures(results: EtrnResult[]): (string | undefined)[] {
  const said = new Set<string>();
  return results.map((r) => {
    if (r.ok) return undefined;
    const why = outcomeText(r.code, r.message);
    const first = !said.has(why) && !r.message.startsWith('not sent:');
    said.add(why);
    return first ? `${r.server}: ${r.domain}: ${why}` : undefined;
  });
}
