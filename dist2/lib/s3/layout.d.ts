/**
 * The chunk-set layout, as pure functions (no I/O):
 *
 *   NAME/GEN/0000000000   chunk 0
 *   NAME/GEN/MANIFEST     this generation's manifest (marks GEN as committed)
 *   NAME/MANIFEST         the current generation's manifest: the commit point
 *
 * GEN sorts by creation time, so "older than the current generation" is a string compare.
 */
export declare const MANIFEST_FORMAT = 1;
export interface ManifestChunk {
    key: string;
    size: number;
    sha256: string;
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
}
/** `20261125T163012345Z-1a2b3c4d`: UTC time to the millisecond, then randomness for uniqueness. */
export declare function newGeneration(now: Date, random: string): string;
export declare function isGeneration(s: string): boolean;
/** When a generation was created, from its id (the inverse of newGeneration). */
export declare function generationTime(generation: string): Date;
export declare function chunkKey(name: string, generation: string, index: number): string;
export declare function manifestKey(name: string): string;
export declare function generationManifestKey(name: string, generation: string): string;
/** For a key under `NAME/`, the generation it belongs to and whether it is that generation's manifest. */
export declare function parseSetKey(name: string, key: string): {
    generation: string;
    manifest: boolean;
} | null;
/** The legacy s3store layout `TAG-0000000000`: exact match, so `bob` never reads `bob-2`'s chunks. */
export declare function isLegacyChunkKey(tag: string, key: string): boolean;
/** A MANIFEST that is not one: truncated, corrupt, inconsistent, or of a newer format. */
export declare class ManifestError extends Error {
}
/** Parse and validate a MANIFEST; every field the reader relies on is checked. */
export declare function parseManifest(text: string): Manifest;
