"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const layout_1 = require("../lib/s3/layout");
const GEN = '20261125T163012345Z-1a2b3c4d';
const OLDER = '20261124T000000000Z-00000000';
const SHA_A = 'a'.repeat(64);
const SHA_B = '0123456789abcdef'.repeat(4);
(0, node_test_1.describe)('chunk-set layout: generations', () => {
    const cases = [
        ['millisecond precision', new Date(Date.UTC(2026, 10, 25, 16, 30, 12, 345)), '1a2b3c4d', GEN],
        ['zero milliseconds keep three digits', new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 0)), 'ffffffff', '20260102T030405000Z-ffffffff'],
        ['one millisecond', new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 1)), '00000000', '19991231T235959001Z-00000000'],
    ];
    for (const [what, date, random, expected] of cases) {
        (0, node_test_1.it)(`newGeneration: ${what}`, () => {
            const gen = (0, layout_1.newGeneration)(date, random);
            strict_1.default.equal(gen, expected);
            strict_1.default.equal((0, layout_1.isGeneration)(gen), true);
        });
    }
    (0, node_test_1.it)('newGeneration sorts by time as strings', () => {
        const a = (0, layout_1.newGeneration)(new Date(Date.UTC(2026, 10, 25, 9, 59, 59, 999)), 'ffffffff');
        const b = (0, layout_1.newGeneration)(new Date(Date.UTC(2026, 10, 25, 10, 0, 0, 0)), '00000000');
        strict_1.default.ok(a < b, `${a} < ${b}`);
    });
    const generations = [
        [GEN, true],
        [OLDER, true],
        ['20261125T163012345Z-1A2B3C4D', false], // upper-case hex
        ['20261125T163012345Z-1a2b3c4', false], // 7 hex digits
        ['20261125T163012345Z-1a2b3c4d5', false], // 9 hex digits
        ['20261125T16301234Z-1a2b3c4d', false], // 8 time digits
        ['20261125T1630123456Z-1a2b3c4d', false], // 10 time digits
        ['20261125T163012345-1a2b3c4d', false], // no Z
        ['20261125t163012345Z-1a2b3c4d', false], // lower-case t
        ['2026112T163012345Z-1a2b3c4d', false], // 7 date digits
        ['20261125T163012345Z_1a2b3c4d', false],
        [` ${GEN}`, false],
        [`${GEN}\n`, false],
        ['MANIFEST', false],
        ['', false],
    ];
    for (const [text, expected] of generations) {
        (0, node_test_1.it)(`isGeneration(${JSON.stringify(text)}) is ${expected}`, () => strict_1.default.equal((0, layout_1.isGeneration)(text), expected));
    }
});
(0, node_test_1.describe)('chunk-set layout: keys', () => {
    const keys = [
        [(0, layout_1.chunkKey)('db', GEN, 0), `db/${GEN}/0000000000`],
        [(0, layout_1.chunkKey)('db', GEN, 7), `db/${GEN}/0000000007`],
        [(0, layout_1.chunkKey)('db', GEN, 1234567890), `db/${GEN}/1234567890`],
        [(0, layout_1.chunkKey)('backups/host/etc', GEN, 42), `backups/host/etc/${GEN}/0000000042`],
        [(0, layout_1.manifestKey)('db'), 'db/MANIFEST'],
        [(0, layout_1.manifestKey)('backups/host/etc'), 'backups/host/etc/MANIFEST'],
        [(0, layout_1.generationManifestKey)('db', GEN), `db/${GEN}/MANIFEST`],
        [(0, layout_1.generationManifestKey)('a b/c', GEN), `a b/c/${GEN}/MANIFEST`],
    ];
    for (const [key, expected] of keys)
        (0, node_test_1.it)(`builds ${expected}`, () => strict_1.default.equal(key, expected));
    (0, node_test_1.it)('chunk keys sort in chunk order', () => {
        const sorted = [0, 1, 9, 10, 99, 100, 12345].map((i) => (0, layout_1.chunkKey)('n', GEN, i));
        strict_1.default.deepEqual([...sorted].sort(), sorted);
    });
    const setKeys = [
        ['db', `db/${GEN}/0000000000`, { generation: GEN, manifest: false }],
        ['db', `db/${GEN}/0000000123`, { generation: GEN, manifest: false }],
        ['db', `db/${GEN}/MANIFEST`, { generation: GEN, manifest: true }],
        ['db', `db/${OLDER}/9999999999`, { generation: OLDER, manifest: false }],
        ['backups/host', `backups/host/${GEN}/0000000001`, { generation: GEN, manifest: false }],
        ['backups/host', `backups/host/${GEN}/MANIFEST`, { generation: GEN, manifest: true }],
        ['a b', `a b/${GEN}/MANIFEST`, { generation: GEN, manifest: true }],
        // Not this set's.
        ['name', `name2/${GEN}/0000000000`, null],
        ['name', `name2/${GEN}/MANIFEST`, null],
        ['name', `nam/${GEN}/0000000000`, null],
        ['db', `other/${GEN}/0000000000`, null],
        // A set nested under this one (db/sub) is that set's, not this one's.
        ['db', `db/sub/${GEN}/0000000000`, null],
        ['db', `db/sub/${GEN}/MANIFEST`, null],
        // The commit point itself and other keys under NAME/.
        ['db', 'db/MANIFEST', null],
        ['db', 'db/', null],
        ['db', 'db', null],
        ['db', `db/${GEN}`, null],
        ['db', `db/${GEN}/`, null],
        // Bad generations.
        ['db', 'db/notagen/0000000000', null],
        ['db', 'db/20261125T163012345Z-1A2B3C4D/0000000000', null],
        ['db', 'db/20261125T163012345Z/0000000000', null],
        ['db', 'db/MANIFEST/0000000000', null],
        // Bad chunk indexes.
        ['db', `db/${GEN}/000000000`, null],
        ['db', `db/${GEN}/00000000000`, null],
        ['db', `db/${GEN}/000000000x`, null],
        ['db', `db/${GEN}/manifest`, null],
        ['db', `db/${GEN}/MANIFEST.tmp`, null],
        ['db', `db/${GEN}/0000000000/x`, null],
    ];
    for (const [name, key, expected] of setKeys) {
        (0, node_test_1.it)(`parseSetKey(${JSON.stringify(name)}, ${JSON.stringify(key)})`, () => strict_1.default.deepEqual((0, layout_1.parseSetKey)(name, key), expected));
    }
    const legacy = [
        ['bob', 'bob-0000000000', true],
        ['bob', 'bob-0000000123', true],
        ['bob-2', 'bob-2-0000000000', true],
        // `bob` must not pick up `bob-2`'s chunks.
        ['bob', 'bob-2-0000000000', false],
        ['bob', 'bob-20000000000', false],
        // Wrong digit counts.
        ['bob', 'bob-000000000', false],
        ['bob', 'bob-00000000000', false],
        ['bob', 'bob-', false],
        ['bob', 'bob', false],
        // Not digits, not the separator, not this tag.
        ['bob', 'bob-00000000a0', false],
        ['bob', 'bob-+000000000', false],
        ['bob', 'bob_0000000000', false],
        ['bob', 'bobs0000000000', false],
        ['bob', 'rob-0000000000', false],
        ['bob', 'xbob-0000000000', false],
        ['bob', 'bob-0000000000 ', false],
        ['b.b', 'bob-0000000000', false],
        ['tag/x', 'tag/x-0000000001', true],
    ];
    for (const [tag, key, expected] of legacy) {
        (0, node_test_1.it)(`isLegacyChunkKey(${JSON.stringify(tag)}, ${JSON.stringify(key)}) is ${expected}`, () => strict_1.default.equal((0, layout_1.isLegacyChunkKey)(tag, key), expected));
    }
});
(0, node_test_1.describe)('chunk-set layout: parseManifest', () => {
    const valid = {
        format: layout_1.MANIFEST_FORMAT,
        name: 'db',
        generation: GEN,
        chunkSize: 8,
        chunks: [
            { key: (0, layout_1.chunkKey)('db', GEN, 0), size: 8, sha256: SHA_A },
            { key: (0, layout_1.chunkKey)('db', GEN, 1), size: 3, sha256: SHA_B },
        ],
        size: 11,
        sha256: SHA_B,
        created: '2026-11-25T16:30:12.345Z',
    };
    const manifest = (changes) => JSON.stringify({ ...valid, ...changes });
    (0, node_test_1.it)('format is 1', () => strict_1.default.equal(layout_1.MANIFEST_FORMAT, 1));
    (0, node_test_1.it)('parses a valid manifest to the same object', () => {
        strict_1.default.deepEqual((0, layout_1.parseManifest)(JSON.stringify(valid)), valid);
    });
    (0, node_test_1.it)('parses an empty set (no chunks, size 0) and an older format', () => {
        strict_1.default.deepEqual((0, layout_1.parseManifest)(manifest({ chunks: [], size: 0 })), { ...valid, chunks: [], size: 0 });
        strict_1.default.equal((0, layout_1.parseManifest)(manifest({ format: 0 })).format, 0);
    });
    (0, node_test_1.it)('accepts pretty-printed JSON and zero-size chunks', () => {
        const text = JSON.stringify({ ...valid, chunks: [...valid.chunks, { key: 'k', size: 0, sha256: SHA_A }] }, null, 2);
        strict_1.default.equal((0, layout_1.parseManifest)(text).chunks.length, 3);
    });
    const malformed = [
        ['not JSON', 'MANIFEST', 'MANIFEST is not valid JSON (truncated or corrupt)'],
        ['empty', '', 'MANIFEST is not valid JSON (truncated or corrupt)'],
        ['truncated', JSON.stringify(valid).slice(0, 40), 'MANIFEST is not valid JSON (truncated or corrupt)'],
        ['null', 'null', 'MANIFEST is not a JSON object'],
        ['a number', '42', 'MANIFEST is not a JSON object'],
        ['a string', '"MANIFEST"', 'MANIFEST is not a JSON object'],
        ['true', 'true', 'MANIFEST is not a JSON object'],
        ['no format', JSON.stringify({ ...valid, format: undefined }), 'MANIFEST has no format version'],
        ['format as a string', manifest({ format: '1' }), 'MANIFEST has no format version'],
        ['format null', manifest({ format: null }), 'MANIFEST has no format version'],
        ['an empty object', '{}', 'MANIFEST has no format version'],
        ['newer format', manifest({ format: 2 }), 'MANIFEST format 2 is newer than this version understands (1); upgrade pipekit'],
        ['much newer format', manifest({ format: 17 }), 'MANIFEST format 17 is newer than this version understands (1); upgrade pipekit'],
        ['no chunks', JSON.stringify({ ...valid, chunks: undefined }), 'MANIFEST is missing chunks, size or generation'],
        ['chunks an object', manifest({ chunks: { 0: valid.chunks[0] } }), 'MANIFEST is missing chunks, size or generation'],
        ['no size', JSON.stringify({ ...valid, size: undefined }), 'MANIFEST is missing chunks, size or generation'],
        ['size as a string', manifest({ size: '11' }), 'MANIFEST is missing chunks, size or generation'],
        ['no generation', JSON.stringify({ ...valid, generation: undefined }), 'MANIFEST is missing chunks, size or generation'],
        ['generation a number', manifest({ generation: 20261125 }), 'MANIFEST is missing chunks, size or generation'],
        ['a null chunk', manifest({ chunks: [null] }), 'MANIFEST has a malformed chunk entry'],
        ['a chunk that is a string', manifest({ chunks: ['db/x/0000000000'] }), 'MANIFEST has a malformed chunk entry'],
        ['a chunk without key', manifest({ chunks: [{ size: 11, sha256: SHA_A }] }), 'MANIFEST has a malformed chunk entry'],
        ['a chunk key a number', manifest({ chunks: [{ key: 0, size: 11, sha256: SHA_A }] }), 'MANIFEST has a malformed chunk entry'],
        ['a negative chunk size', manifest({ chunks: [{ key: 'k', size: -1, sha256: SHA_A }], size: -1 }), 'MANIFEST has a malformed chunk entry'],
        ['a fractional chunk size', manifest({ chunks: [{ key: 'k', size: 1.5, sha256: SHA_A }], size: 1.5 }), 'MANIFEST has a malformed chunk entry'],
        ['a chunk size as a string', manifest({ chunks: [{ key: 'k', size: '11', sha256: SHA_A }] }), 'MANIFEST has a malformed chunk entry'],
        ['a chunk without sha256', manifest({ chunks: [{ key: 'k', size: 11 }] }), 'MANIFEST has a malformed chunk entry'],
        ['an upper-case sha256', manifest({ chunks: [{ key: 'k', size: 11, sha256: 'A'.repeat(64) }] }), 'MANIFEST has a malformed chunk entry'],
        ['a short sha256', manifest({ chunks: [{ key: 'k', size: 11, sha256: 'a'.repeat(63) }] }), 'MANIFEST has a malformed chunk entry'],
        ['a long sha256', manifest({ chunks: [{ key: 'k', size: 11, sha256: 'a'.repeat(65) }] }), 'MANIFEST has a malformed chunk entry'],
        ['the second chunk malformed', manifest({ chunks: [valid.chunks[0], { key: 'k', size: 3 }] }), 'MANIFEST has a malformed chunk entry'],
        ['sizes adding up to less', manifest({ size: 12 }), 'MANIFEST chunk sizes add up to 11, not 12'],
        ['sizes adding up to more', manifest({ size: 10 }), 'MANIFEST chunk sizes add up to 11, not 10'],
        ['no chunks for a non-empty size', manifest({ chunks: [], size: 5 }), 'MANIFEST chunk sizes add up to 0, not 5'],
    ];
    for (const [what, text, message] of malformed) {
        (0, node_test_1.it)(`rejects ${what}: ${message}`, () => {
            strict_1.default.throws(() => (0, layout_1.parseManifest)(text), (err) => {
                strict_1.default.ok(err instanceof layout_1.ManifestError, String(err));
                strict_1.default.equal(err.message, message);
                return true;
            });
        });
    }
});
