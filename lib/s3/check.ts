import type { S3Client } from '@aws-sdk/client-s3';
import { errorLine } from '../error-line';
import type { Manifest } from './layout';
import { readPart } from './source';
import { Slots } from '../slots';

/** What reading back one generation found. */
export interface GenerationCheck {
  generation: string;
  size: number;
  chunks: number;
  /** The first chunk that failed, its key, and why; absent when every chunk matched its manifest. */
  bad?: { chunk: number; key: string; reason: string };
}

export interface CheckOptions {
  /** GETs in flight at once (default 4). */
  jobs?: number;
  attempts?: number;
  signal?: AbortSignal;
  /**
   * What earlier checks found, by chunk key (a reason, or null when good), shared across
   * the generations of one run: a chunk that deduplicated generations share is read once.
   */
  seen?: Map<string, string | null>;
}

/**
 * Read every chunk of a generation and verify its size and SHA-256 against the
 * manifest, writing nothing (restic's `check --read-data` for one snapshot). Memory is
 * about `jobs` chunks; the buffers are dropped as soon as each chunk is checked.
 */
export async function checkGeneration(client: S3Client, bucket: string, manifest: Manifest, opts: CheckOptions = {}): Promise<GenerationCheck> {
  const slots = new Slots(Math.max(1, opts.jobs ?? 4));
  const result: GenerationCheck = { generation: manifest.generation, size: manifest.size, chunks: manifest.chunks.length };
  const failures = new Map<number, string>();
  for (const [chunk, part] of manifest.chunks.entries()) {
    if (failures.size) break;
    const known = opts.seen?.get(part.key);
    if (known !== undefined) {
      if (known !== null) failures.set(chunk, known);
      continue;
    }
    await slots.whenFree();
    void slots.start(async () => {
      try {
        await readPart(client, bucket, part, Buffer.allocUnsafe, opts);
        opts.seen?.set(part.key, null);
      } catch (err) {
        if (opts.signal?.aborted) return;
        failures.set(chunk, errorLine(err));
        opts.seen?.set(part.key, errorLine(err));
      }
    });
  }
  await slots.drain();
  if (opts.signal?.aborted) throw opts.signal.reason;
  if (failures.size) {
    const chunk = Math.min(...failures.keys());
    result.bad = { chunk, key: manifest.chunks[chunk].key, reason: failures.get(chunk)! };
  }
  return result;
}

/** `ok GEN SIZE CHUNKS` or `BAD GEN chunk K: reason`, as `s3source --check` prints it. */
export function formatCheck(c: GenerationCheck): string {
  return c.bad ? `BAD ${c.generation} chunk ${c.bad.chunk}: ${c.bad.reason}` : `ok ${c.generation} ${c.size} ${c.chunks}`;
}

/** The committed generations whose manifests name chunk `key`, oldest first: who loses what when a shared chunk goes bad. */
export function generationsUsing(manifests: Manifest[], key: string): string[] {
  return manifests.filter((m) => m.chunks.some((c) => c.key === key)).map((m) => m.generation).sort();
}
