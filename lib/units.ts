/** Parsing and printing of sizes and durations, as `split -b`, `dd` and `du -h` do. */

const SUFFIX: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** `8M`, `512K`, `5G`, `1048576`, `8MiB`: binary multiples. Returns NaN when malformed. */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(text.trim());
  if (!m) return NaN;
  return Math.round(Number(m[1]) * SUFFIX[m[2].toUpperCase()]);
}

/** `30`, `30s`, `500ms`, `2m`: milliseconds. Returns NaN when malformed. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) return NaN;
  const unit = m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000;
  return Math.round(Number(m[1]) * unit);
}

/** 1536 -> `1.5K`, as `du -h` prints. */
export function humanSize(bytes: number): string {
  const units = ['', 'K', 'M', 'G', 'T', 'P'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? String(bytes) : `${v < 10 ? v.toFixed(1) : Math.round(v)}${units[i]}`;
}

/** Bytes per second as `123.4 MB/s` (decimal, as throughput is usually quoted). */
export function humanRate(bytes: number, ms: number): string {
  const rate = ms > 0 ? (bytes / ms) * 1000 : 0;
  return `${(rate / 1e6).toFixed(1)} MB/s`;
}

/** Milliseconds as a duration flag would spell them: `30s`, `1500ms`. */
export function humanDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
