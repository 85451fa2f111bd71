import { humanBytes } from '../units';

/** `1.0 GiB (31 MiB new, 97% deduplicated)`: a deduplicated upload's size, what it stored anew, and the share it did not. */
export function dedupSummary(bytes: number, newBytes: number): string {
  // Floor: 100% only when nothing at all was new.
  const shared = bytes ? Math.floor((1 - newBytes / bytes) * 100) : 0;
  return `${humanBytes(bytes)} (${humanBytes(newBytes)} new, ${shared}% deduplicated)`;
}
