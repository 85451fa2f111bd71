import { storedSize, type Manifest } from './layout';

/**
 * What a deduplicated set's generations hold (`logical`: every generation's size added
 * up, what plain sets would store) against what they store (`stored`: each distinct
 * chunk once, as stored: compressed where it is). Chunks not yet collected are not counted.
 */
export function dedupUsage(manifests: Manifest[]): { logical: number; stored: number } {
  const sizes = new Map<string, number>();
  let logical = 0;
  for (const m of manifests) {
    logical += m.size;
    for (const c of m.chunks) sizes.set(c.key, storedSize(c));
  }
  let stored = 0;
  for (const size of sizes.values()) stored += size;
  return { logical, stored };
}
