/** Parsing and printing of sizes and durations, as `split -b`, `dd` and `du -h` do. */

const SUFFIX: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** `8M`, `512K`, `5G`, `1048576`, `8MiB`: binary multiples. Returns NaN when malformed. */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(text.trim());
  if (!m) return NaN;
  return Math.round(Number(m[1]) * SUFFIX[m[2].toUpperCase()]);
}

const DURATION_UNIT: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30`, `30s`, `500ms`, `2m`, `12h`, `30d`: milliseconds (seconds when bare). Returns NaN when malformed. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) return NaN;
  return Math.round(Number(m[1]) * DURATION_UNIT[m[2] ?? 's']);
}

/** 1536 -> `1.5K`, as `du -h` and `ls -h` print (K = KiB, M = MiB: powers of 1024). */
export function humanSize(bytes: number): string {
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
  if (i === 0) return String(bytes);
  return shown() < 10 ? `${shown().toFixed(1)}${units[i]}` : `${shown()}${units[i]}`;
}

/**
 * 1536 -> `1.5 KiB`, 512 -> `512 B`: a size in a sentence, in the binary units humanSize
 * abbreviates (as `ls -h` does), never decimal MB that would read 5% off.
 */
export function humanBytes(bytes: number): string {
  const short = humanSize(bytes);
  return /\d$/.test(short) ? `${short} B` : `${short.slice(0, -1)} ${short.slice(-1)}iB`;
}

/** Bytes per second as `117.7 MiB/s`, in the same binary units as every size printed. */
export function humanRate(bytes: number, ms: number): string {
  return `${humanBytes(ms > 0 ? Math.round((bytes / ms) * 1000) : 0)}/s`;
}

/** `1 chunk`, `2 chunks`, `0 files`. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Milliseconds as a duration flag would spell them: `30s`, `1500ms`. */
export function humanDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
