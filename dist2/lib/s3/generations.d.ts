import type { S3Client } from '@aws-sdk/client-s3';
import { type Manifest } from './layout';
import { type RetentionPolicy } from './retention';
/**
 * The generations of a chunk set as stored: which one NAME/MANIFEST names, which are
 * complete, and which are stale. Writers of one name never coordinate, so every
 * function here re-reads what it depends on instead of trusting what the caller saw.
 */
/** The generation `NAME/MANIFEST` names now, or undefined when there is none. */
export declare function currentGeneration(client: S3Client, bucket: string, name: string, signal?: AbortSignal): Promise<Manifest | undefined>;
/**
 * The newest generation of `name` that is complete (its GEN/MANIFEST exists), if newer
 * than `since`; else `since`. One delimited listing, and a HEAD per newer generation.
 */
export declare function newestCompleteGeneration(client: S3Client, bucket: string, name: string, since: string, signal?: AbortSignal): Promise<string>;
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
export declare function storedGenerations(client: S3Client, bucket: string, name: string, signal?: AbortSignal): Promise<Map<string, StoredGeneration>>;
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
export declare function planPrune(gens: Map<string, StoredGeneration>, current: string, policy: RetentionPolicy): PruneDecision[];
/** One decision as `s3rm --prune -n` prints it: `keep (daily 2026-11-30) GEN`, `remove GEN`. */
export declare function formatPruneDecision(d: PruneDecision): string;
export interface PruneOptions {
    signal?: AbortSignal;
    /** Decide and report, delete nothing. */
    dryRun?: boolean;
}
/**
 * Apply `policy` to the set `name` (see planPrune) and return the plan. The current
 * MANIFEST is re-read here, not assumed to be the caller's; nothing is decided when
 * there is none.
 */
export declare function pruneGenerations(client: S3Client, bucket: string, name: string, policy: RetentionPolicy, opts?: PruneOptions): Promise<PruneDecision[]>;
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
export declare function listGenerations(client: S3Client, bucket: string, name: string, signal?: AbortSignal): Promise<CommittedGeneration[]>;
/** A `--generation` reference that names no generation of the set. */
export declare class GenerationNotFound extends Error {
}
/**
 * The GEN id a reference names, as a pure function: a GEN id among `committed`, or `~N`,
 * the Nth committed generation before the current one (`~0` is the current one).
 * `committed` is every committed GEN id; generations newer than the current one count
 * only by id.
 */
export declare function pickGeneration(ref: string, committed: string[], current: string | undefined, url: string): string;
/** Resolve a `--generation` reference against what is stored (one listing and a GET). */
export declare function resolveGeneration(client: S3Client, bucket: string, name: string, ref: string, signal?: AbortSignal): Promise<string>;
/**
 * Remove one committed generation. The current one goes only with `force`: the newest
 * remaining committed generation is made current first (NAME/MANIFEST rewritten), or
 * NAME/MANIFEST goes when none remains, so a reader never finds a MANIFEST naming deleted
 * chunks.
 */
export declare function removeGeneration(client: S3Client, bucket: string, name: string, generation: string, opts?: {
    force?: boolean;
    dryRun?: boolean;
    signal?: AbortSignal;
}): Promise<void>;
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
export declare function resumableGeneration(client: S3Client, bucket: string, name: string, signal?: AbortSignal): Promise<ResumableGeneration | undefined>;
/**
 * Why `resume` cannot go on in chunks of `chunkSize`, or undefined when it can: every
 * stored chunk but the last must be exactly that size (the last may be shorter).
 */
export declare function resumeMismatch(resume: ResumableGeneration, chunkSize: number): string | undefined;
/**
 * The manifests `s3source --check` reads: the generation `ref` names, every committed
 * one with `all`, else the current one. Fails in one line when there is none.
 */
export declare function generationsToCheck(client: S3Client, bucket: string, name: string, opts: {
    ref?: string;
    all?: boolean;
    signal?: AbortSignal;
}): Promise<Manifest[]>;
