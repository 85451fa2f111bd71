import type { EtrnResult } from './etrn';
import type { ProbeResult } from './probe';
/**
 * How mxprobe and etrn print, as pure functions: one result line per exchange or domain
 * (tab-separated, or a JSON object), and the one-line diagnostics for stderr.
 */
/** A TSV field: empty and missing values as `-`; tabs and line breaks, which would break the line, as spaces. */
export declare function tsvField(value: string | number | undefined | null): string;
/** `domain exchange preference status code phase message`, or the JSON of every field. */
export declare function formatProbeResult(r: ProbeResult, json?: boolean): string;
/** `server domain code message`, or the JSON of every field. */
export declare function formatEtrnResult(r: EtrnResult, json?: boolean): string;
/** `554 5.7.1 Relay access denied`; the message alone when no reply decided the outcome. */
export declare function outcomeText(code: number | null, message: string): string;
/** The diagnostic for a failed probe: `domain: exchange: code message (phase)`, the domain alone when DNS failed it. */
export declare function probeFailure(r: ProbeResult): string;
/**
 * The diagnostics for one server's ETRN results, one slot per result: `server: domain:
 * code message` for the first result of each distinct failure (a server that fails
 * before ETRN fails every domain alike), undefined for successes, repeats and domains
 * never asked (`not sent: ...`).
 */
export declare function etrnFailures(results: EtrnResult[]): (string | undefined)[];
