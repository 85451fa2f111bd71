import type { S3Client } from '@aws-sdk/client-s3';
import { generationManifestKey, isGeneration, manifestKey, parseSetKey, type Manifest } from './layout';
import { listPages } from './lister';
import { objectExists, readManifest } from './object-io';
import { deleteKeys } from './delete-objects';

/**
 * The generations of a chunk set as stored: which one NAME/MANIFEST names, which are
 * complete, and which are stale. Writers of one name never coordinate, so every
 * function here re-reads what it depends on instead of trusting what the caller saw.
 */

/** The generation `NAME/MANIFEST` names now, or undefined when there is none. */
export function currentGeneration(client: S3Client, bucket: string, name: string, signal?: AbortSignal): Promise<Manifest | undefined> {
  return readManifest(client, bucket, manifestKey(name), { signal });
}

/**
 * The newest generation of `name` that is complete (its GEN/MANIFEST exists), if newer
 * than `since`; else `since`. One delimited listing, and a HEAD per newer generation.
 */
export async function newestCompleteGeneration(
  client: S3Client,
  bucket: string,
  name: string,
  since: string,
  signal?: AbortSignal,
): Promise<string> {
  const newer: string[] = [];
  for await (const page of listPages({ client, bucket, prefix: `${name}/`, delimiter: '/', signal })) {
    for (const e of page) {
      const gen = 'prefix' in e ? e.prefix.slice(name.length + 1, -1) : '';
      if (isGeneration(gen) && gen > since) newer.push(gen);
    }
  }
  for (const gen of newer.sort().reverse()) {
    if (await objectExists(client, bucket, generationManifestKey(name, gen), { signal })) return gen;
  }
  return since;
}

/** The keys stored for one generation: its chunks, and its manifest when it was committed. */
export interface StoredGeneration {
  chunks: string[];
  manifest?: string;
}

/** Every generation stored under `NAME/`, by GEN id, from one recursive listing. */
export async function storedGenerations(client: S3Client, bucket: string, name: string, signal?: AbortSignal): Promise<Map<string, StoredGeneration>> {
  const gens = new Map<string, StoredGeneration>();
  for await (const page of listPages({ client, bucket, prefix: `${name}/`, signal })) {
    for (const entry of page) {
      if (!('key' in entry)) continue;
      const parsed = parseSetKey(name, entry.key);
      if (!parsed) continue;
      const g = gens.get(parsed.generation) ?? { chunks: [] };
      if (parsed.manifest) g.manifest = entry.key;
      else g.chunks.push(entry.key);
      gens.set(parsed.generation, g);
    }
  }
  return gens;
}

/**
 * Which stored generations are stale, as a pure function: every generation older than
 * `current` except the `keep` newest committed ones (the current one counts), and
 * uncommitted (orphaned) ones older than the current. Generations newer than the current
 * are never stale: another writer may be uploading them.
 */
export function staleGenerations(gens: Map<string, StoredGeneration>, current: string, keep: number): string[] {
  const kept = new Set(
    [...gens]
      .filter(([gen, g]) => g.manifest && gen <= current)
      .map(([gen]) => gen)
      .sort()
      .reverse()
      .slice(0, keep),
  );
  kept.add(current);
  return [...gens.keys()].filter((gen) => gen < current && !kept.has(gen)).sort();
}

/**
 * Delete the stale generations of `name` (see staleGenerations) and return the number of
 * keys deleted. The current MANIFEST is re-read here, not assumed to be the caller's.
 */
export async function removeStaleGenerations(
  client: S3Client,
  bucket: string,
  name: string,
  keep: number,
  signal?: AbortSignal,
): Promise<number> {
  const current = await currentGeneration(client, bucket, name, signal);
  if (!current) return 0;
  const gens = await storedGenerations(client, bucket, name, signal);
  const stale = staleGenerations(gens, current.generation, keep).map((gen) => gens.get(gen)!);
  // Manifests before chunks: an interrupted cleanup leaves an uncommitted orphan (removed
  // next time), never a manifest that claims chunks which are gone.
  const chunkKeys = stale.flatMap((g) => g.chunks);
  const manifestKeys = stale.flatMap((g) => (g.manifest ? [g.manifest] : []));
  // Another writer may have committed between our read of the MANIFEST and now: then what
  // we judged stale may be current. Leave it all to the next run.
  const again = await currentGeneration(client, bucket, name, signal);
  if (again?.generation !== current.generation) return 0;
  for (const keys of [manifestKeys, chunkKeys]) {
    let failures = await deleteKeys(client, bucket, keys, signal);
    // A per-key failure can be a server's own race (s3rver removes emptied directories
    // while deleting a batch in parallel): ask once more for just those keys.
    if (failures.length) failures = await deleteKeys(client, bucket, failures.map((f) => f.key), signal);
    if (failures.length) throw new Error(`${failures.length} keys not deleted (first: ${failures[0].key}: ${failures[0].code})`);
  }
  return chunkKeys.length + manifestKeys.length;
}
