"use strict";
/**
 * The chunk-set layout, as pure functions (no I/O):
 *
 *   NAME/GEN/0000000000   chunk 0
 *   NAME/GEN/MANIFEST     this generation's manifest (marks GEN as committed)
 *   NAME/MANIFEST         the current generation's manifest: the commit point
 *
 * GEN sorts by creation time, so "older than the current generation" is a string compare.
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.ManifestError = exports.MANIFEST_FORMAT = void 0;
exports.newGeneration = newGeneration;
exports.isGeneration = isGeneration;
exports.generationTime = generationTime;
exports.chunkKey = chunkKey;
exports.manifestKey = manifestKey;
exports.generationManifestKey = generationManifestKey;
exports.parseSetKey = parseSetKey;
exports.isLegacyChunkKey = isLegacyChunkKey;
exports.parseManifest = parseManifest;
exports.MANIFEST_FORMAT = 1;
const GENERATION = /^\d{8}T\d{9}Z-[0-9a-f]{8}$/;
/** `20261125T163012345Z-1a2b3c4d`: UTC time to the millisecond, then randomness for uniqueness. */
function newGeneration(now, random) {
    const iso = now.toISOString().replace(/[-:.]/g, '');
    return `${iso.slice(0, 15)}${iso.slice(15, 18)}Z-${random}`;
}
function isGeneration(s) {
    return GENERATION.test(s);
}
/** When a generation was created, from its id (the inverse of newGeneration). */
function generationTime(generation) {
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z/.exec(generation);
    if (!m)
        throw new RangeError(`not a generation id: ${generation}`);
    const [, y, mo, d, h, mi, s, ms] = m.map(Number);
    return new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
}
function chunkKey(name, generation, index) {
    return `${name}/${generation}/${String(index).padStart(10, '0')}`;
}
function manifestKey(name) {
    return `${name}/MANIFEST`;
}
function generationManifestKey(name, generation) {
    return `${name}/${generation}/MANIFEST`;
}
/** For a key under `NAME/`, the generation it belongs to and whether it is that generation's manifest. */
function parseSetKey(name, key) {
    if (!key.startsWith(`${name}/`))
        return null;
    const m = /^([^/]+)\/(\d{10}|MANIFEST)$/.exec(key.slice(name.length + 1));
    if (!m || !isGeneration(m[1]))
        return null;
    return { generation: m[1], manifest: m[2] === 'MANIFEST' };
}
/** The legacy s3store layout `TAG-0000000000`: exact match, so `bob` never reads `bob-2`'s chunks. */
function isLegacyChunkKey(tag, key) {
    return key.length === tag.length + 11 && key.startsWith(`${tag}-`) && /^\d{10}$/.test(key.slice(tag.length + 1));
}
/** A MANIFEST that is not one: truncated, corrupt, inconsistent, or of a newer format. */
class ManifestError extends Error {
}
exports.ManifestError = ManifestError;
/** Parse and validate a MANIFEST; every field the reader relies on is checked. */
function parseManifest(text) {
    let m;
    try {
        m = JSON.parse(text);
    }
    catch {
        throw new ManifestError('MANIFEST is not valid JSON (truncated or corrupt)');
    }
    if (typeof m !== 'object' || m === null || Array.isArray(m))
        throw new ManifestError('MANIFEST is not a JSON object');
    if (typeof m.format !== 'number')
        throw new ManifestError('MANIFEST has no format version');
    if (m.format > exports.MANIFEST_FORMAT) {
        throw new ManifestError(`MANIFEST format ${m.format} is newer than this version understands (${exports.MANIFEST_FORMAT}); upgrade pipekit`);
    }
    if (!Array.isArray(m.chunks) || typeof m.size !== 'number' || typeof m.generation !== 'string') {
        throw new ManifestError('MANIFEST is missing chunks, size or generation');
    }
    let total = 0;
    for (const c of m.chunks) {
        if (typeof c?.key !== 'string' || !Number.isInteger(c.size) || c.size < 0 || !/^[0-9a-f]{64}$/.test(c.sha256)) {
            throw new ManifestError('MANIFEST has a malformed chunk entry');
        }
        total += c.size;
    }
    if (total !== m.size)
        throw new ManifestError(`MANIFEST chunk sizes add up to ${total}, not ${m.size}`);
    return m;
}
