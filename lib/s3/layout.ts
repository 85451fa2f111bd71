/**
 * The chunk-set layout, as pure functions (no I/O):
 *
 *   NAME/GEN/0000000000   chunk 0
 *   NAME/GEN/MANIFEST     this generation's manifest (marks GEN as committed)
 *   NAME/MANIFEST         the current generation's manifest: the commit point
 *
 * A deduplicated set (s3sink --dedup) stores its chunks once, by content, and keeps
 * its uploads' and collectors' leases beside them (see dedup-gc.ts):
 *
 *   NAME/chunks/ab/abcdef…        a chunk, named by its SHA-256 (the first two hex digits fan out)
 *   NAME/chunks/ab/abcdef….zstd   a chunk stored compressed (s3sink --compress), the codec after the SHA-256
 *   NAME/leases/upload-GEN-TTL    an upload in progress, refreshed while it runs
 *   NAME/leases/gc-GEN-TTL        a garbage collection in progress
 *
 * GEN sorts by creation time, so "older than the current generation" is a string compare.
 */

/** The format of a manifest with no compressed chunk; older versions read it. */
export const MANIFEST_FORMAT = 1;
/**
 * The format of a manifest naming a compressed chunk: a version that cannot decompress
 * refuses it as newer ("upgrade pipekit") instead of calling every compressed chunk corrupt.
 */
export const COMPRESSED_MANIFEST_FORMAT = 2;

export interface ManifestChunk {
  key: string;
  /** Bytes of the chunk's content (what a restore writes), and their SHA-256. */
  size: number;
  sha256: string;
  /** How the stored object is compressed (chunk-codec.ts); absent: stored as it is (every manifest before --compress). */
  codec?: string;
  /** With `codec`: bytes of the stored (compressed) object. */
  stored?: number;
}

/** Bytes chunk `c` takes in the bucket. */
export function storedSize(c: Pick<ManifestChunk, 'size' | 'stored'>): number {
  return c.stored ?? c.size;
}

/** How a deduplicated set is cut and leased; present only in manifests of deduplicated sets. */
export interface DedupInfo {
  /** Content-defined chunk bounds, in bytes (cdc.ts). */
  min: number;
  avg: number;
  max: number;
  /**
   * FastCDC's normalization level the chunks were cut at (cdc.ts CDC_NORMALIZATION).
   * Manifests written before it was recorded have none: they were cut at level 1, the
   * only level ever written, and parseManifest reads them so.
   */
  normalization: number;
  /** How long an upload's or a collector's lease holds without a refresh, in ms. */
  leaseMs: number;
  /** Uploads compress new chunks (s3sink --compress); once set, later uploads do too. */
  compress?: boolean;
}

export interface Manifest {
  format: number;
  name: string;
  generation: string;
  chunkSize: number;
  chunks: ManifestChunk[];
  size: number;
  sha256: string;
  created: string;
  /** Deduplicated sets only: chunks are shared under NAME/chunks/. */
  dedup?: DedupInfo;
  /** Bytes of the chunks this generation stored, as stored (compressed), the rest it shares; deduplicated sets only. */
  newBytes?: number;
}

const GENERATION = /^\d{8}T\d{9}Z-[0-9a-f]{8}$/;

/** `20261125T163012345Z-1a2b3c4d`: UTC time to the millisecond, then randomness for uniqueness. */
export function newGeneration(now: Date, random: string): string {
  const iso = now.toISOString().replace(/[-:.]/g, '');
  return `${iso.slice(0, 15)}${iso.slice(15, 18)}Z-${random}`;
}

export function isGeneration(s: string): boolean {
  return GENERATION.test(s);
}

/** When a generation was created, from its id (the inverse of newGeneration). */
export function generationTime(generation: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z/.exec(generation);
  if (!m) throw new RangeError(`not a generation id: ${generation}`);
  const [, y, mo, d, h, mi, s, ms] = m.map(Number);
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
}

export function chunkKey(name: string, generation: string, index: number): string {
  return `${name}/${generation}/${String(index).padStart(10, '0')}`;
}

export function manifestKey(name: string): string {
  return `${name}/MANIFEST`;
}

export function generationManifestKey(name: string, generation: string): string {
  return `${name}/${generation}/MANIFEST`;
}

/**
 * Where a deduplicated set keeps the chunk with this SHA-256 (of its content), stored
 * with `codec` or as it is: `NAME/chunks/ab/abcdef…`, `NAME/chunks/ab/abcdef….zstd`.
 * The codec is in the key so that two uploads storing one chunk differently (one Node
 * with zstd, one without) never overwrite each other's object under a manifest that
 * names the other codec.
 */
export function dedupChunkKey(name: string, sha256: string, codec?: string): string {
  return `${name}/chunks/${sha256.slice(0, 2)}/${sha256}${codec ? `.${codec}` : ''}`;
}

/** Whether `key` is a chunk of the deduplicated set `name`. */
export function isDedupChunkKey(name: string, key: string): boolean {
  return key.startsWith(chunkAreaPrefix(name)) && /^[0-9a-f]{2}\/[0-9a-f]{64}(\.[a-z0-9]+)?$/.test(key.slice(chunkAreaPrefix(name).length));
}

/** The first chunk key of set `name` that a message (an error line) names, if any. */
export function dedupChunkKeyIn(name: string, message: string): string | undefined {
  return message.split(/\s+/).map((w) => w.replace(/^s3:\/\/[^/]+\//, '').replace(/[:,)]+$/, '')).find((w) => isDedupChunkKey(name, w));
}

export function chunkAreaPrefix(name: string): string {
  return `${name}/chunks/`;
}

export function leasePrefix(name: string): string {
  return `${name}/leases/`;
}

export type LeaseKind = 'upload' | 'gc';

/** A lease's key says all a reader needs (one listing, no GETs): who, which run, how long it holds. */
export function leaseKey(name: string, kind: LeaseKind, id: string, ttlMs: number): string {
  return `${leasePrefix(name)}${kind}-${id}-${ttlMs}`;
}

export function parseLeaseKey(name: string, key: string): { kind: LeaseKind; id: string; ttlMs: number } | null {
  if (!key.startsWith(leasePrefix(name))) return null;
  const m = /^(upload|gc)-([^/]+)-(\d+)$/.exec(key.slice(leasePrefix(name).length));
  return m ? { kind: m[1] as LeaseKind, id: m[2], ttlMs: Number(m[3]) } : null;
}

/** For a key under `NAME/`, the generation it belongs to and whether it is that generation's manifest. */
export function parseSetKey(name: string, key: string): { generation: string; manifest: boolean } | null {
  if (!key.startsWith(`${name}/`)) return null;
  const m = /^([^/]+)\/(\d{10}|MANIFEST)$/.exec(key.slice(name.length + 1));
  if (!m || !isGeneration(m[1])) return null;
  return { generation: m[1], manifest: m[2] === 'MANIFEST' };
}

/** The legacy s3store layout `TAG-0000000000`: exact match, so `bob` never reads `bob-2`'s chunks. */
export function isLegacyChunkKey(tag: string, key: string): boolean {
  return key.length === tag.length + 11 && key.startsWith(`${tag}-`) && /^\d{10}$/.test(key.slice(tag.length + 1));
}

/** A MANIFEST that is not one: truncated, corrupt, inconsistent, or of a newer format. */
export class ManifestError extends Error {}

/** Parse and validate a MANIFEST; every field the reader relies on is checked. */
export function parseManifest(text: string): Manifest {
  let m: Manifest;
  try {
    m = JSON.parse(text) as Manifest;
  } catch {
    throw new ManifestError('MANIFEST is not valid JSON (truncated or corrupt)');
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new ManifestError('MANIFEST is not a JSON object');
  if (typeof m.format !== 'number') throw new ManifestError('MANIFEST has no format version');
  if (m.format > COMPRESSED_MANIFEST_FORMAT) {
    throw new ManifestError(`MANIFEST format ${m.format} is newer than this version understands (${COMPRESSED_MANIFEST_FORMAT}); upgrade pipekit`);
  }
  if (!Array.isArray(m.chunks) || typeof m.size !== 'number' || typeof m.generation !== 'string') {
    throw new ManifestError('MANIFEST is missing chunks, size or generation');
  }
  let total = 0;
  for (const c of m.chunks) {
    if (typeof c?.key !== 'string' || !Number.isInteger(c.size) || c.size < 0 || !/^[0-9a-f]{64}$/.test(c.sha256)) {
      throw new ManifestError('MANIFEST has a malformed chunk entry');
    }
    // Any codec name parses: one this version cannot decompress fails at that chunk
    // (chunk-codec.ts undecodable), and the rest of the set stays listable and collectable.
    if (c.codec !== undefined && (typeof c.codec !== 'string' || !/^[a-z0-9]+$/.test(c.codec) || !Number.isInteger(c.stored) || c.stored! < 0)) {
      throw new ManifestError('MANIFEST has a malformed chunk entry');
    }
    if (c.codec === undefined && c.stored !== undefined) throw new ManifestError('MANIFEST has a malformed chunk entry');
    total += c.size;
  }
  if (total !== m.size) throw new ManifestError(`MANIFEST chunk sizes add up to ${total}, not ${m.size}`);
  if (m.dedup !== undefined) {
    const d = m.dedup;
    if (typeof d !== 'object' || d === null || ![d.min, d.avg, d.max, d.leaseMs].every((n) => Number.isInteger(n) && n > 0)) {
      throw new ManifestError('MANIFEST has a malformed dedup entry');
    }
    if (d.normalization === undefined) d.normalization = LEVEL_BEFORE_RECORDED;
    // Any level reads: restores, checks and collection need only the chunk list. Only an
    // upload cuts, and dedupInfo re-cuts a set at a level this version does not cut at.
    if (!Number.isInteger(d.normalization) || d.normalization < 0) throw new ManifestError('MANIFEST has a malformed dedup entry');
    if (d.compress !== undefined && typeof d.compress !== 'boolean') throw new ManifestError('MANIFEST has a malformed dedup entry');
  }
  return m;
}

/** The level of a deduplicated set's manifest written before levels were recorded: the only one there was. */
const LEVEL_BEFORE_RECORDED = 1;
