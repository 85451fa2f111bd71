import type { S3Client } from '@aws-sdk/client-s3';
import { mapOrdered } from '../slots';
import { ManifestError, generationManifestKey, generationTime, isGeneration, manifestKey, parseSetKey, type Manifest } from './layout';
import { listPages } from './lister';
import { objectExists, readManifest, readObject, writeObject } from './object-io';
import { deleteKeys } from './delete-objects';
import { S3OperationError } from './errors';
import { applyRetention, type RetentionPolicy } from './retention';
import { collectGarbage } from './dedup-gc';

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

/** One chunk object as listed: enough to tell whether it holds the bytes a resumed upload would send. */
export interface StoredChunk {
  key: string;
  size: number;
  etag?: string;
}

/** The keys stored for one generation: its chunks, and its manifest when it was committed. */
export interface StoredGeneration {
  chunks: StoredChunk[];
  manifest?: string;
}

/** Every generation stored under `NAME/`, by GEN id, from one recursive listing. */
export async function storedGenerations(client: S3Client, bucket: string, name: string, signal?: AbortSignal): Promise<Map<string, StoredGeneration>> {
  const gens = new Map<string, StoredGeneration>();
  for await (const page of listPages({ client, bucket, prefix: `${name}/`, signal })) {
    for (const entry of page) {
      if (!('key' in entry)) continue;
      // GEN ids start with a digit, and keys come in order: past the digits come only
      // NAME/MANIFEST and a deduplicated set's chunks and leases, which can be millions.
      if (entry.key.charCodeAt(name.length + 1) > 0x39) return gens;
      const parsed = parseSetKey(name, entry.key);
      if (!parsed) continue;
      const g = gens.get(parsed.generation) ?? { chunks: [] };
      if (parsed.manifest) g.manifest = entry.key;
      else g.chunks.push({ key: entry.key, size: entry.size, etag: entry.etag });
      gens.set(parsed.generation, g);
    }
  }
  return gens;
}

/** What is stored under a name: the generation NAME/MANIFEST names, every generation, and the committed GEN ids, sorted. */
interface StoredSet {
  current?: Manifest;
  gens: Map<string, StoredGeneration>;
  committed: string[];
}

/** NAME/MANIFEST, then one listing: the state every generation command starts from. */
async function storedSet(client: S3Client, bucket: string, name: string, signal?: AbortSignal): Promise<StoredSet> {
  const current = await currentGeneration(client, bucket, name, signal);
  const gens = await storedGenerations(client, bucket, name, signal);
  const committed = [...gens].filter(([, g]) => g.manifest).map(([gen]) => gen).sort();
  return { current, gens, committed };
}

/** What pruning does with one stored generation, and why. */
export interface PruneDecision {
  generation: string;
  keep: boolean;
  /** `current`, the retention rules that keep it, `newer than the current one`; or `uncommitted` for an orphan that goes. */
  reasons: string[];
}

/**
 * The prune plan for a set, as a pure function, oldest first. The current generation
 * stays; committed ones older than it stay when the policy keeps them (the current one
 * counts toward the policy); uncommitted ones older than it are orphans of interrupted
 * uploads and go. Generations newer than the current one are never touched: another
 * writer may be uploading them.
 */
export function planPrune(gens: Map<string, StoredGeneration>, current: string, policy: RetentionPolicy): PruneDecision[] {
  const committed = [...gens]
    .filter(([gen, g]) => g.manifest && gen <= current)
    .map(([gen]) => ({ id: gen, time: generationTime(gen) }));
  if (!committed.some((c) => c.id === current)) committed.push({ id: current, time: generationTime(current) });
  const reasons = new Map(applyRetention(committed, policy).map((d) => [d.generation.id, d.reasons]));
  return [...gens.keys()].sort().map((generation) => {
    if (generation > current) return { generation, keep: true, reasons: ['newer than the current one'] };
    if (generation === current) return { generation, keep: true, reasons: ['current', ...(reasons.get(generation) ?? [])] };
    const kept = reasons.get(generation);
    if (!kept) return { generation, keep: false, reasons: ['uncommitted'] };
    return { generation, keep: kept.length > 0, reasons: kept };
  });
}

/** One decision as `s3rm --prune -n` prints it: `keep (daily 2026-11-30) GEN`, `remove GEN`. */
export function formatPruneDecision(d: PruneDecision): string {
  if (d.keep) return `keep (${d.reasons.join(', ')}) ${d.generation}`;
  return d.reasons.length ? `remove ${d.generation} (${d.reasons.join(', ')})` : `remove ${d.generation}`;
}

export interface PruneOptions {
  signal?: AbortSignal;
  /** Decide and report, delete nothing. */
  dryRun?: boolean;
}

/**
 * Apply `policy` to the set `name` (see planPrune) and return the plan. The current
 * MANIFEST is re-read here, not assumed to be the caller's; nothing is decided when
 * there is none. A deduplicated set then has its unreferenced chunks collected
 * (dedup-gc.ts), with the lease time its current manifest records.
 */
export async function pruneGenerations(
  client: S3Client,
  bucket: string,
  name: string,
  policy: RetentionPolicy,
  opts: PruneOptions = {},
): Promise<PruneDecision[]> {
  return step('cannot prune', bucket, name, async () => {
    const { signal } = opts;
    const { current, gens } = await storedSet(client, bucket, name, signal);
    if (!current) throw new GenerationNotFound(`s3://${bucket}/${name}: no chunk set (no MANIFEST)`);
    const plan = planPrune(gens, current.generation, policy);
    if (opts.dryRun) return plan;
    const stale = plan.filter((d) => !d.keep).map((d) => gens.get(d.generation)!);
    // Another writer may have committed between our read of the MANIFEST and now: then what
    // we judged stale may be current. Leave it all to the next run.
    const again = await currentGeneration(client, bucket, name, signal);
    if (again?.generation !== current.generation) return plan.map((d) => (d.keep ? d : { ...d, keep: true, reasons: ['a commit landed meanwhile: left for the next run'] }));
    await deleteGenerations(client, bucket, stale, signal);
    if (current.dedup) await collectGarbage(client, bucket, name, { leaseMs: current.dedup.leaseMs, signal });
    return plan;
  });
}

/**
 * Delete whole generations, manifests before chunks: an interrupted deletion leaves an
 * uncommitted orphan (removed next time), never a manifest that claims chunks which are gone.
 */
async function deleteGenerations(client: S3Client, bucket: string, gens: StoredGeneration[], signal?: AbortSignal): Promise<void> {
  const manifestKeys = gens.flatMap((g) => (g.manifest ? [g.manifest] : []));
  const chunkKeys = gens.flatMap((g) => g.chunks.map((c) => c.key));
  for (const keys of [manifestKeys, chunkKeys]) {
    let failures = await deleteKeys(client, bucket, keys, signal);
    // A per-key failure can be a server's own race (s3rver removes emptied directories
    // while deleting a batch in parallel): ask once more for just those keys.
    if (failures.length) failures = await deleteKeys(client, bucket, failures.map((f) => f.key), signal);
    if (failures.length) throw new Error(`${failures.length} keys not deleted (first: ${failures[0].key}: ${failures[0].code})`);
  }
}

/** A committed generation, as its own GEN/MANIFEST describes it. */
export interface CommittedGeneration {
  manifest: Manifest;
  /** Whether NAME/MANIFEST names it. */
  current: boolean;
}

/**
 * Every committed generation of `name`, newest first: one listing, and a GET of each
 * generation's own manifest, a few at a time.
 */
export async function listGenerations(client: S3Client, bucket: string, name: string, signal?: AbortSignal): Promise<CommittedGeneration[]> {
  return step('cannot list', bucket, name, async () => {
    const { current, committed } = await storedSet(client, bucket, name, signal);
    const out: CommittedGeneration[] = [];
    for await (const manifest of mapOrdered([...committed].reverse(), 8, (gen) => readManifest(client, bucket, generationManifestKey(name, gen), { signal }))) {
      // Gone between the listing and the read: removed by a concurrent prune.
      if (manifest) out.push({ manifest, current: manifest.generation === current?.generation });
    }
    return out;
  });
}

/** A `--generation` reference that names no generation of the set. */
export class GenerationNotFound extends Error {}

/** Run one step on `s3://bucket/name`, its S3 failures as one line: `cannot read s3://b/n: …`. */
async function step<T>(action: string, bucket: string, name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof GenerationNotFound || err instanceof S3OperationError || err instanceof ManifestError) throw err;
    throw new S3OperationError(action, `s3://${bucket}/${name}`, err);
  }
}

/**
 * The GEN id a reference names, as a pure function: a GEN id among `committed`, or `~N`,
 * the Nth committed generation before the current one (`~0` is the current one).
 * `committed` is every committed GEN id; generations newer than the current one count
 * only by id.
 */
export function pickGeneration(ref: string, committed: string[], current: string | undefined, url: string): string {
  // The current generation counts even if its own manifest is not listed (yet).
  const older = [...new Set([...committed, ...(current ? [current] : [])])].filter((g) => current !== undefined && g <= current).sort().reverse();
  const tilde = /^~(\d+)$/.exec(ref);
  if (tilde) {
    const picked = older[Number(tilde[1])];
    if (picked) return picked;
    const range = older.length ? ` (~0 to ~${older.length - 1})` : '';
    throw new GenerationNotFound(`no generation ${ref} of ${url}: ${older.length} committed generation${older.length === 1 ? '' : 's'}${range}`);
  }
  if (committed.includes(ref)) return ref;
  throw new GenerationNotFound(`no generation ${ref} of ${url}: ${committed.length} committed generation${committed.length === 1 ? '' : 's'}; s3ls --generations lists them`);
}

/** Resolve a `--generation` reference against what is stored (one listing and a GET). */
export async function resolveGeneration(client: S3Client, bucket: string, name: string, ref: string, signal?: AbortSignal): Promise<string> {
  return step('cannot read', bucket, name, async () => {
    const { current, committed } = await storedSet(client, bucket, name, signal);
    return pickGeneration(ref, committed, current?.generation, `s3://${bucket}/${name}`);
  });
}

/**
 * Remove one committed generation. The current one goes only with `force`: the newest
 * remaining committed generation is made current first (NAME/MANIFEST rewritten), or
 * NAME/MANIFEST goes when none remains, so a reader never finds a MANIFEST naming deleted
 * chunks.
 */
export async function removeGeneration(
  client: S3Client,
  bucket: string,
  name: string,
  generation: string,
  opts: { force?: boolean; dryRun?: boolean; signal?: AbortSignal } = {},
): Promise<void> {
  return step('cannot remove a generation of', bucket, name, async () => {
    const { signal } = opts;
    const url = `s3://${bucket}/${name}`;
    const { current, gens, committed } = await storedSet(client, bucket, name, signal);
    const target = gens.get(generation);
    if (!target?.manifest) throw new GenerationNotFound(`no generation ${generation} of ${url}`);
    const isCurrent = current?.generation === generation;
    if (isCurrent && !opts.force) throw new GenerationNotFound(`${generation} is the current generation of ${url}; add --force to remove it`);
    if (opts.dryRun) return;
    if (isCurrent) {
      const next = committed.filter((gen) => gen !== generation).pop();
      if (next) {
        const body = await readObject(client, bucket, generationManifestKey(name, next), { signal });
        await writeObject(client, bucket, manifestKey(name), body, { contentType: 'application/json', signal });
      } else {
        await deleteKeys(client, bucket, [manifestKey(name)], signal);
      }
    }
    await deleteGenerations(client, bucket, [target], signal);
    if (current?.dedup) await collectGarbage(client, bucket, name, { leaseMs: current.dedup.leaseMs, signal });
  });
}

/** An interrupted upload that `--resume` can continue. */
export interface ResumableGeneration {
  generation: string;
  /** Its chunks, by index. */
  chunks: Map<number, StoredChunk>;
}

/**
 * The newest uncommitted generation newer than the current one, if any: what an upload
 * that died left behind (its chunks, no GEN/MANIFEST).
 */
export async function resumableGeneration(client: S3Client, bucket: string, name: string, signal?: AbortSignal): Promise<ResumableGeneration | undefined> {
  return step('cannot list', bucket, name, async () => {
    const { current, gens } = await storedSet(client, bucket, name, signal);
    const candidates = [...gens].filter(([gen, g]) => !g.manifest && g.chunks.length && (!current || gen > current.generation)).map(([gen]) => gen);
    const generation = candidates.sort().pop();
    if (!generation) return undefined;
    const chunks = new Map(gens.get(generation)!.chunks.map((c) => [Number(c.key.slice(-10)), c]));
    return { generation, chunks };
  });
}

/**
 * Why `resume` cannot go on in chunks of `chunkSize`, or undefined when it can: every
 * stored chunk but the last must be exactly that size (the last may be shorter).
 * So one stored chunk shorter than `chunkSize` passes: a listing cannot tell a whole
 * chunk of a smaller size from the last chunk of a stream that short (a 6 MiB stream
 * killed before its commit, resumed with the same 8M). Passing it costs nothing: a chunk
 * is reused only when its size and MD5 match, so that one is sent again.
 */
export function resumeMismatch(resume: ResumableGeneration, chunkSize: number): string | undefined {
  const last = Math.max(...resume.chunks.keys());
  for (const [index, chunk] of resume.chunks) {
    if (index < last ? chunk.size !== chunkSize : chunk.size > chunkSize) {
      return `cannot resume ${resume.generation}: its chunk ${index} is ${chunk.size} bytes, not --chunk-size ${chunkSize}; give the --chunk-size it was uploaded with`;
    }
  }
  return undefined;
}

/**
 * The manifests `s3source --check` reads: the generation `ref` names, every committed
 * one with `all`, else the current one. Fails in one line when there is none.
 */
export async function generationsToCheck(
  client: S3Client,
  bucket: string,
  name: string,
  opts: { ref?: string; all?: boolean; signal?: AbortSignal },
): Promise<Manifest[]> {
  return step('cannot read', bucket, name, async () => {
    const url = `s3://${bucket}/${name}`;
    if (opts.all) {
      const all = (await listGenerations(client, bucket, name, opts.signal)).map((g) => g.manifest);
      if (!all.length) throw new GenerationNotFound(`${url} has no committed generation`);
      return all;
    }
    const generation = opts.ref ? await resolveGeneration(client, bucket, name, opts.ref, opts.signal) : undefined;
    const manifest = generation
      ? await readManifest(client, bucket, generationManifestKey(name, generation), { signal: opts.signal })
      : await currentGeneration(client, bucket, name, opts.signal);
    if (!manifest) throw new GenerationNotFound(`${url}: no chunk set (no ${generation ? `generation ${generation}` : 'MANIFEST'})`);
    return [manifest];
  });
}
