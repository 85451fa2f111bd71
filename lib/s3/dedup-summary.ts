import { humanBytes } from '../units';

/**
 * `1.0 GiB (31 MiB new, 97% deduplicated)`: a deduplicated upload's size, what it stored
 * anew, and the share it did not. Compressing (`newStored`, the new chunks' bytes as
 * stored): `1.0 GiB (12 MiB new, 31 MiB before compression, 97% deduplicated)`, new what
 * the bucket holds more, deduplicated the share of the stream not sent.
 */
export function dedupSummary(bytes: number, newBytes: number, newStored?: number): string {
  // Floor: 100% only when nothing at all was new.
  const shared = bytes ? Math.floor((1 - newBytes / bytes) * 100) : 0;
  const compressed = newStored === undefined ? '' : `, ${humanBytes(newBytes)} before compression`;
  return `${humanBytes(bytes)} (${humanBytes(newStored ?? newBytes)} new${compressed}, ${shared}% deduplicated)`;
}
