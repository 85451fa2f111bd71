import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { isGeneration, parseManifest } from './layout';
import { listObjects, type ListEntry } from './lister';
import { withRetry } from './retry';
import { describeError } from './errors';

/** One chunk set found under a prefix, as its current MANIFEST describes it. */
export interface ListedChunkSet {
  /** The set's name (the key prefix before `/MANIFEST`). */
  name: string;
  /** The committed generation, its total size and creation time; absent when `error` is set. */
  generation?: string;
  size?: number;
  created?: string;
  chunks?: number;
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
  signal?: AbortSignal;
}

/**
 * Every chunk set under a prefix, in name order: one recursive listing (streamed, never
 * held whole), and a GET of each set's MANIFEST, a few at a time. A MANIFEST that is
 * missing by the time it is read, or does not parse, yields an entry with `error`.
 */
export async function* listChunkSets(opts: ListChunkSetsOptions): AsyncGenerator<ListedChunkSet> {
  const jobs = Math.max(1, opts.jobs ?? 8);
  const pending: Promise<ListedChunkSet>[] = [];
  for await (const e of listObjects({ client: opts.client, bucket: opts.bucket, prefix: opts.prefix, pageSize: opts.pageSize, signal: opts.signal })) {
    const entry = e as ListEntry;
    if (!('key' in entry)) continue;
    const name = setNameOfManifestKey(entry.key);
    if (name === null) continue;
    pending.push(readSet(opts, name, entry.key));
    if (pending.length >= jobs) yield await pending.shift()!;
  }
  while (pending.length) yield await pending.shift()!;
}

async function readSet(opts: ListChunkSetsOptions, name: string, key: string): Promise<ListedChunkSet> {
  try {
    const out = await withRetry(
      () => opts.client.send(new GetObjectCommand({ Bucket: opts.bucket, Key: key }), { abortSignal: opts.signal }),
      { signal: opts.signal },
    );
    const m = parseManifest(await out.Body!.transformToString());
    return { name, generation: m.generation, size: m.size, created: m.created, chunks: m.chunks.length };
  } catch (err) {
    // Never reject: this promise may wait in the queue, and the listing reports an abort.
    return { name, error: opts.signal?.aborted ? 'interrupted' : describeError(err) };
  }
}
