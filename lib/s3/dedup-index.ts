import type { S3Client } from '@aws-sdk/client-s3';
import { mapOrdered } from '../slots';
import { withRequestScope } from '../abort';
import { chunkAreaPrefix, dedupChunkKey, generationManifestKey, isDedupChunkKey, manifestKey, type ManifestChunk } from './layout';
import { listPages } from './lister';
import { readManifest } from './object-io';
import { storedGenerations } from './generations';

/**
 * How a chunk is stored: the SHA-256 of its content (the same string as the index's key,
 * so held once), and its codec and stored size when compressed. Its object key follows
 * from these (dedupChunkKey) and is not kept: at ~100 bytes a string it would have
 * doubled the index's memory per chunk (bench/dedup.ts prints what an entry costs).
 */
export type StoredForm = Pick<ManifestChunk, 'sha256' | 'codec' | 'stored'>;

/**
 * What a deduplicated upload need not send again, known from manifests (never by a
 * HEAD or a listing per chunk): every chunk a committed generation references, by the
 * SHA-256 of its content, with how it is stored (compressed or not: either serves).
 * Only chunks under the set's own chunk area count: a plain generation's chunks live
 * and die with their generation.
 */
export function knownChunks(client: S3Client, bucket: string, name: string, signal?: AbortSignal): Promise<Map<string, StoredForm>> {
  return withRequestScope(signal, MANIFEST_JOBS, (scoped) => readKnown(client, bucket, name, scoped));
}

/** Manifests read at once. */
const MANIFEST_JOBS = 8;

async function readKnown(client: S3Client, bucket: string, name: string, signal: AbortSignal): Promise<Map<string, StoredForm>> {
  const gens = await storedGenerations(client, bucket, name, signal);
  const keys = [manifestKey(name), ...[...gens].filter(([, g]) => g.manifest).map(([gen]) => generationManifestKey(name, gen))];
  const known = new Map<string, StoredForm>();
  for await (const m of mapOrdered(keys, MANIFEST_JOBS, (key) => readManifest(client, bucket, key, { signal }))) {
    for (const c of m?.chunks ?? []) {
      if (c.key === dedupChunkKey(name, c.sha256, c.codec)) known.set(c.sha256, c.codec ? { sha256: c.sha256, codec: c.codec, stored: c.stored } : { sha256: c.sha256 });
    }
  }
  return known;
}

/**
 * Every chunk stored in the chunk area, referenced or not, by key, with its stored size
 * and MD5 (the ETag of a single PUT): what `--resume` may skip after an interrupted
 * upload, whose chunks no manifest names yet. One listing of the area, only when asked
 * to resume.
 */
export async function storedChunks(client: S3Client, bucket: string, name: string, signal?: AbortSignal): Promise<Map<string, { size: number; md5: string }>> {
  const stored = new Map<string, { size: number; md5: string }>();
  for await (const page of listPages({ client, bucket, prefix: chunkAreaPrefix(name), signal })) {
    for (const e of page) {
      if ('key' in e && isDedupChunkKey(name, e.key)) stored.set(e.key, { size: e.size, md5: (e.etag ?? '').replace(/"/g, '') });
    }
  }
  return stored;
}
