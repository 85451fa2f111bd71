import type { S3Client } from '@aws-sdk/client-s3';
import { RequestScope } from '../abort';
import { mapOrdered } from '../slots';
import { isGeneration } from './layout';
import { listObjects } from './lister';
import { readManifest } from './object-io';
import { describeError } from './errors';
import { listGenerations } from './generations';
import { dedupUsage } from './dedup-usage';

/** One chunk set found under a prefix, as its current MANIFEST describes it. */
export interface ListedChunkSet {
  /** The set's name (the key prefix before `/MANIFEST`). */
  name: string;
  /** The committed generation, its total size and creation time; absent when `error` is set. */
  generation?: string;
  size?: number;
  created?: string;
  chunks?: number;
  /** Deduplicated sets, when asked (`usage`): the bytes of every committed generation, and of the distinct chunks they share. */
  logical?: number;
  stored?: number;
  /** Why the MANIFEST could not be read or trusted, as one line. */
  error?: string;
}

/**
 * The set name a key is the commit point of: `NAME/MANIFEST` where NAME's last segment
 * is not a generation (`NAME/GEN/MANIFEST` is a generation's own copy, not a set).
 */
export function setNameOfManifestKey(key: string): string | null {
  if (!key.endsWith('/MANIFEST')) return null;
  const name = key.slice(0, -'/MANIFEST'.length);
  if (!name) return null;
  const last = name.slice(name.lastIndexOf('/') + 1);
  return isGeneration(last) ? null : name;
}

export interface ListChunkSetsOptions {
  client: S3Client;
  bucket: string;
  prefix?: string;
  pageSize?: number;
  /** MANIFESTs fetched at once (default 8); output order stays key order. */
  jobs?: number;
  /** Also read every generation of each deduplicated set, for `logical` and `stored`. */
  usage?: boolean;
  signal?: AbortSignal;
}

/**
 * Every chunk set under a prefix, in name order: one recursive listing (streamed, never
 * held whole), and a GET of each set's MANIFEST, a few at a time. A MANIFEST that is
 * missing by the time it is read, or does not parse, yields an entry with `error`.
 */
export async function* listChunkSets(opts: ListChunkSetsOptions): AsyncGenerator<ListedChunkSet> {
  const jobs = Math.max(1, opts.jobs ?? 8);
  const scope = new RequestScope(opts.signal, jobs + 1);
  const { client, bucket, prefix, pageSize, usage } = opts;
  const signal = scope.signal;
  async function* manifests() {
    for await (const entry of listObjects({ client, bucket, prefix, pageSize, signal })) {
      if (!('key' in entry)) continue;
      const name = setNameOfManifestKey(entry.key);
      if (name !== null) yield { name, key: entry.key };
    }
  }
  try {
    yield* mapOrdered(manifests(), jobs, ({ name, key }) => readSet(client, bucket, name, key, signal, usage === true));
  } finally {
    scope.close();
  }
}

async function readSet(client: S3Client, bucket: string, name: string, key: string, signal: AbortSignal, usage: boolean): Promise<ListedChunkSet> {
  try {
    const m = await readManifest(client, bucket, key, { signal });
    if (!m) return { name, error: 'removed meanwhile' };
    const set = { name, generation: m.generation, size: m.size, created: m.created, chunks: m.chunks.length };
    return usage && m.dedup ? { ...set, ...dedupUsage((await listGenerations(client, bucket, name, signal)).map((g) => g.manifest)) } : set;
  } catch (err) {
    // Never reject: this promise may wait in the queue, and the listing reports an abort.
    return { name, error: signal.aborted ? 'interrupted' : describeError(err) };
  }
}
