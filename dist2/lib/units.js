"use strict";
/** Parsing and printing of sizes and durations, as `split -b`, `dd` and `du -h` do. */
Object.defineProperty(exports, "__esModule", { value: true });
exports.parseSize = parseSize;
exports.parseDuration = parseDuration;
exports.humanSize = humanSize;
exports.humanRate = humanRate;
exports.humanDuration = humanDuration;
const SUFFIX = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };
/** `8M`, `512K`, `5G`, `1048576`, `8MiB`: binary multiples. Returns NaN when malformed. */
function parseSize(text) {
    const m = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(text.trim());
    if (!m)
        return NaN;
    return Math.round(Number(m[1]) * SUFFIX[m[2].toUpperCase()]);
}
const DURATION_UNIT = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** `30`, `30s`, `500ms`, `2m`, `12h`, `30d`: milliseconds (seconds when bare). Returns NaN when malformed. */
function parseDuration(text) {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
    if (!m)
        return NaN;
    return Math.round(Number(m[1]) * DURATION_UNIT[m[2] ?? 's']);
}
/** 1536 -> `1.5K`, as `du -h` prints. */
function humanSize(bytes) {
    const units = ['', 'K', 'M', 'G', 'T', 'P'];
    let v = bytes;
    let i = 0;
    // Compare what will be printed, not the raw value: 10239 is `10K`, not `10.0K`, and
    // 1048575 is `1.0M`, not `1024K`.
    const shown = () => (v < 10 ? Number(v.toFixed(1)) : Math.round(v));
    while ((i === 0 ? v : shown()) >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
    }
    if (i === 0)
        return String(bytes);
    return shown() < 10 ? `${shown().toFixed(1)}${units[i]}` : `${shown()}${units[i]}`;
}
/** Bytes per second as `123.4 MB/s` (decimal, as throughput is usually quoted). */
function humanRate(bytes, ms) {
    const rate = ms > 0 ? (bytes / ms) * 1000 : 0;
    return `${(rate / 1e6).toFixed(1)} MB/s`;
}
/** Milliseconds as a duration flag would spell them: `30s`, `1500ms`. */
function humanDuration(ms) {
    return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
