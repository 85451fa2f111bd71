"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.tsvField = tsvField;
exports.formatProbeResult = formatProbeResult;
exports.formatEtrnResult = formatEtrnResult;
exports.outcomeText = outcomeText;
exports.probeFailure = probeFailure;
exports.etrnFailures = etrnFailures;
/**
 * How mxprobe and etrn print, as pure functions: one result line per exchange or domain
 * (tab-separated, or a JSON object), and the one-line diagnostics for stderr.
 */
/** A TSV field: empty and missing values as `-`; tabs and line breaks, which would break the line, as spaces. */
function tsvField(value) {
    if (value === undefined || value === null || value === '')
        return '-';
    return String(value).replace(/[\t\r\n]+/g, ' ');
}
/** `domain exchange preference status code phase message`, or the JSON of every field. */
function formatProbeResult(r, json = false) {
    if (json)
        return JSON.stringify(r);
    return [r.domain, r.exchange, r.preference, r.status, r.code, r.phase, r.message].map(tsvField).join('\t');
}
/** `server domain code message`, or the JSON of every field. */
function formatEtrnResult(r, json = false) {
    if (json)
        return JSON.stringify(r);
    return [r.server, r.domain, r.code, r.message].map(tsvField).join('\t');
}
/** `554 5.7.1 Relay access denied`; the message alone when no reply decided the outcome. */
function outcomeText(code, message) {
    return code ? `${code} ${message}` : message;
}
/** The diagnostic for a failed probe: `domain: exchange: code message (phase)`, the domain alone when DNS failed it. */
function probeFailure(r) {
    const where = r.exchange === '-' || r.exchange === '.' ? r.domain : `${r.domain}: ${r.exchange}`;
    return `${where}: ${outcomeText(r.code, r.message)} (${r.phase})`;
}
/**
 * The diagnostics for one server's ETRN results, one slot per result: `server: domain:
 * code message` for the first result of each distinct failure (a server that fails
 * before ETRN fails every domain alike), undefined for successes, repeats and domains
 * never asked (`not sent: ...`).
 */
function etrnFailures(results) {
    const said = new Set();
    return results.map((r) => {
        if (r.ok)
            return undefined;
        const why = outcomeText(r.code, r.message);
        const first = !said.has(why) && !r.message.startsWith('not sent:');
        said.add(why);
        return first ? `${r.server}: ${r.domain}: ${why}` : undefined;
    });
}
