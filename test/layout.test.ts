import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  chunkKey,
  dedupChunkKey,
  dedupChunkKeyIn,
  isDedupChunkKey,
  generationManifestKey,
  isGeneration,
  isLegacyChunkKey,
  manifestKey,
  MANIFEST_FORMAT,
  COMPRESSED_MANIFEST_FORMAT,
  ManifestError,
  newGeneration,
  parseManifest,
  parseSetKey,
} from '../lib/s3/layout';

const GEN = '20261125T163012345Z-1a2b3c4d';
const OLDER = '20261124T000000000Z-00000000';
const SHA_A = 'a'.repeat(64);
const SHA_B = '0123456789abcdef'.repeat(4);

describe('chunk-set layout: generations', () => {
  const cases: [string, Date, string, string][] = [
    ['millisecond precision', new Date(Date.UTC(2026, 10, 25, 16, 30, 12, 345)), '1a2b3c4d', GEN],
    ['zero milliseconds keep three digits', new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 0)), 'ffffffff', '20260102T030405000Z-ffffffff'],
    ['one millisecond', new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 1)), '00000000', '19991231T235959001Z-00000000'],
  ];
  for (const [what, date, random, expected] of cases) {
    it(`newGeneration: ${what}`, () => {
      const gen = newGeneration(date, random);
      assert.equal(gen, expected);
      assert.equal(isGeneration(gen), true);
    });
  }

  it('newGeneration sorts by time as strings', () => {
    const a = newGeneration(new Date(Date.UTC(2026, 10, 25, 9, 59, 59, 999)), 'ffffffff');
    const b = newGeneration(new Date(Date.UTC(2026, 10, 25, 10, 0, 0, 0)), '00000000');
    assert.ok(a < b, `${a} < ${b}`);
  });

  const generations: [string, boolean][] = [
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
    it(`isGeneration(${JSON.stringify(text)}) is ${expected}`, () => assert.equal(isGeneration(text), expected));
  }
});

describe('chunk-set layout: keys', () => {
  const keys: [string, string][] = [
    [chunkKey('db', GEN, 0), `db/${GEN}/0000000000`],
    [chunkKey('db', GEN, 7), `db/${GEN}/0000000007`],
    [chunkKey('db', GEN, 1234567890), `db/${GEN}/1234567890`],
    [chunkKey('backups/host/etc', GEN, 42), `backups/host/etc/${GEN}/0000000042`],
    [manifestKey('db'), 'db/MANIFEST'],
    [manifestKey('backups/host/etc'), 'backups/host/etc/MANIFEST'],
    [generationManifestKey('db', GEN), `db/${GEN}/MANIFEST`],
    [generationManifestKey('a b/c', GEN), `a b/c/${GEN}/MANIFEST`],
  ];
  for (const [key, expected] of keys) it(`builds ${expected}`, () => assert.equal(key, expected));

  it('chunk keys sort in chunk order', () => {
    const sorted = [0, 1, 9, 10, 99, 100, 12345].map((i) => chunkKey('n', GEN, i));
    assert.deepEqual([...sorted].sort(), sorted);
  });

  const setKeys: [string, string, ReturnType<typeof parseSetKey>][] = [
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
    it(`parseSetKey(${JSON.stringify(name)}, ${JSON.stringify(key)})`, () => assert.deepEqual(parseSetKey(name, key), expected));
  }

  const legacy: [string, string, boolean][] = [
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
    it(`isLegacyChunkKey(${JSON.stringify(tag)}, ${JSON.stringify(key)}) is ${expected}`, () => assert.equal(isLegacyChunkKey(tag, key), expected));
  }
});

describe('chunk-set layout: parseManifest', () => {
  const valid = {
    format: MANIFEST_FORMAT,
    name: 'db',
    generation: GEN,
    chunkSize: 8,
    chunks: [
      { key: chunkKey('db', GEN, 0), size: 8, sha256: SHA_A },
      { key: chunkKey('db', GEN, 1), size: 3, sha256: SHA_B },
    ],
    size: 11,
    sha256: SHA_B,
    created: '2026-11-25T16:30:12.345Z',
  };
  const manifest = (changes: Record<string, unknown>) => JSON.stringify({ ...valid, ...changes });

  it('format is 1, and 2 for a manifest naming a compressed chunk (s3sink --compress)', () => {
    assert.equal(MANIFEST_FORMAT, 1);
    assert.equal(COMPRESSED_MANIFEST_FORMAT, 2);
    assert.equal(parseManifest(manifest({ format: 2 })).format, 2);
  });

  it('parses a valid manifest to the same object', () => {
    assert.deepEqual(parseManifest(JSON.stringify(valid)), valid);
  });

  it('parses an empty set (no chunks, size 0) and an older format', () => {
    assert.deepEqual(parseManifest(manifest({ chunks: [], size: 0 })), { ...valid, chunks: [], size: 0 });
    assert.equal(parseManifest(manifest({ format: 0 })).format, 0);
  });

  it('accepts pretty-printed JSON and zero-size chunks', () => {
    const text = JSON.stringify({ ...valid, chunks: [...valid.chunks, { key: 'k', size: 0, sha256: SHA_A }] }, null, 2);
    assert.equal(parseManifest(text).chunks.length, 3);
  });

  const malformed: [string, string, string][] = [
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
    ['newer format', manifest({ format: 3 }), 'MANIFEST format 3 is newer than this version understands (2); upgrade pipekit'],
    ['much newer format', manifest({ format: 17 }), 'MANIFEST format 17 is newer than this version understands (2); upgrade pipekit'],
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
    it(`rejects ${what}: ${message}`, () => {
      assert.throws(
        () => parseManifest(text),
        (err: unknown) => {
          assert.ok(err instanceof ManifestError, String(err));
          assert.equal(err.message, message);
          return true;
        },
      );
    });
  }
});

describe('chunk-set layout: parseManifest of a deduplicated set (how it was cut)', () => {
  const BOUNDS = { min: 65536, avg: 262144, max: 1048576, leaseMs: 600_000 };
  const manifest = (dedup: Record<string, unknown>) =>
    JSON.stringify({ format: MANIFEST_FORMAT, name: 'db', generation: GEN, chunkSize: 262144, chunks: [], size: 0, sha256: SHA_A, created: '2026-11-25T16:30:12.345Z', dedup });

  it('reads the recorded normalization level', () => {
    assert.deepEqual(parseManifest(manifest({ ...BOUNDS, normalization: 1 })).dedup, { ...BOUNDS, normalization: 1 });
  });

  it('reads a manifest written before levels were recorded as level 1, the only one written', () => {
    assert.deepEqual(parseManifest(manifest(BOUNDS)).dedup, { ...BOUNDS, normalization: 1 });
  });

  it('reads a level this version does not cut at (a later version\'s, or 0): restoring needs no level', () => {
    for (const normalization of [2, 0]) assert.deepEqual(parseManifest(manifest({ ...BOUNDS, normalization })).dedup, { ...BOUNDS, normalization });
  });

  // [what, normalization, message]
  const refused: [string, unknown, string][] = [
    ['a level as a string', '1', 'MANIFEST has a malformed dedup entry'],
    ['a fractional level', 1.5, 'MANIFEST has a malformed dedup entry'],
    ['a negative level', -1, 'MANIFEST has a malformed dedup entry'],
    ['a null level', null, 'MANIFEST has a malformed dedup entry'],
  ];
  for (const [what, normalization, message] of refused) {
    it(`refuses ${what}: ${message}`, () => {
      assert.throws(
        () => parseManifest(manifest({ ...BOUNDS, normalization })),
        (err: unknown) => err instanceof ManifestError && err.message === message,
      );
    });
  }
});

describe('chunk-set layout: deduplicated chunk keys', () => {
  const sha = 'ab'.padEnd(64, '0');
  it('a chunk stored as it is has no suffix; a compressed one names its codec', () => {
    assert.equal(dedupChunkKey('db', sha), `db/chunks/ab/${sha}`);
    assert.equal(dedupChunkKey('db', sha, 'zstd'), `db/chunks/ab/${sha}.zstd`);
  });
  // [key, a chunk key of set db]
  const keys: [string, boolean][] = [
    [`db/chunks/ab/${sha}`, true],
    [`db/chunks/ab/${sha}.zstd`, true],
    [`db/chunks/ab/${sha}.deflate`, true],
    [`db/chunks/ab/${sha}.`, false],
    [`db/chunks/ab/${sha}.zstd/x`, false],
    [`db/chunks/ab/${sha.slice(1)}`, false],
    [`db2/chunks/ab/${sha}`, false],
  ];
  for (const [key, expected] of keys) {
    it(`isDedupChunkKey('db', ${JSON.stringify(key)}) is ${expected}`, () => assert.equal(isDedupChunkKey('db', key), expected));
  }
  it('finds a compressed chunk key in an error line', () => {
    assert.equal(dedupChunkKeyIn('db', `cannot read s3://b/db/chunks/ab/${sha}.zstd: it is compressed with lz4`), `db/chunks/ab/${sha}.zstd`);
  });
});
