import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBucket, formatChunkSet, formatEntry, isoSecond, type FormatOptions } from '../lib/s3/format';
import type { ListEntry } from '../lib/s3/lister';
import type { ListedChunkSet } from '../lib/s3/sets';

const WHEN = new Date('2026-11-25T16:30:12.345Z');
const GEN = '20261125T163012345Z-1a2b3c4d';

const PLAIN: FormatOptions = {};
const LONG: FormatOptions = { long: true };
const HUMAN: FormatOptions = { long: true, human: true };
const JSONL: FormatOptions = { json: true };

describe('isoSecond', () => {
  const table: [Date | undefined, string][] = [
    [WHEN, '2026-11-25T16:30:12Z'],
    [new Date('2026-01-02T03:04:05.000Z'), '2026-01-02T03:04:05Z'],
    [new Date('1999-12-31T23:59:59.999Z'), '1999-12-31T23:59:59Z'],
    [undefined, '-'],
  ];
  for (const [d, expected] of table) it(`${d?.toISOString()} -> ${expected}`, () => assert.equal(isoSecond(d), expected));
});

describe('formatEntry', () => {
  const object: ListEntry = { key: 'backups/db.dump', size: 1536, lastModified: WHEN, etag: '"9b2cf535f27731c974343645a3985328"', storageClass: 'STANDARD' };
  const blanks: ListEntry = { key: 'my photos/a b  c.jpg', size: 0, lastModified: WHEN };
  const undated: ListEntry = { key: 'x', size: 8 * 2 ** 20 };
  const big: ListEntry = { key: 'huge.iso', size: 5 * 2 ** 40 + 1, lastModified: WHEN, storageClass: 'DEEP_ARCHIVE' };
  const prefix: ListEntry = { prefix: 'backups/old/' };
  const blankPrefix: ListEntry = { prefix: 'my photos/' };

  // [what, entry, options, line]
  const table: [string, ListEntry, FormatOptions, string][] = [
    ['an object', object, PLAIN, 's3://b/backups/db.dump'],
    ['an object -l', object, LONG, '        1536  2026-11-25T16:30:12Z  STANDARD      s3://b/backups/db.dump'],
    ['an object -l -h', object, HUMAN, '  1.5K  2026-11-25T16:30:12Z  STANDARD      s3://b/backups/db.dump'],
    ['-h alone is plain', object, { human: true }, 's3://b/backups/db.dump'],
    [
      'an object as JSON',
      object,
      JSONL,
      '{"url":"s3://b/backups/db.dump","bucket":"b","key":"backups/db.dump","size":1536,"lastModified":"2026-11-25T16:30:12.345Z","etag":"\\"9b2cf535f27731c974343645a3985328\\"","storageClass":"STANDARD"}',
    ],
    ['JSON wins over -l', object, { json: true, long: true, human: true }, formatEntry('b', object, JSONL)],
    ['a key with blanks, quoted for xargs', blanks, PLAIN, 's3://b/my\\ photos/a\\ b\\ \\ c.jpg'],
    ['a key with blanks -0: raw', blanks, { nul: true }, 's3://b/my photos/a b  c.jpg'],
    ['a key with blanks -l: the URL last, quoted', blanks, LONG, '           0  2026-11-25T16:30:12Z  -             s3://b/my\\ photos/a\\ b\\ \\ c.jpg'],
    ['a key with blanks as JSON', blanks, JSONL, '{"url":"s3://b/my photos/a b  c.jpg","bucket":"b","key":"my photos/a b  c.jpg","size":0,"lastModified":"2026-11-25T16:30:12.345Z"}'],
    ['no date -l', undated, LONG, '     8388608  -                     -             s3://b/x'],
    ['no date -l -h', undated, HUMAN, '  8.0M  -                     -             s3://b/x'],
    ['no date as JSON', undated, JSONL, '{"url":"s3://b/x","bucket":"b","key":"x","size":8388608}'],
    ['over a TiB -l', big, LONG, '5497558138881  2026-11-25T16:30:12Z  DEEP_ARCHIVE  s3://b/huge.iso'],
    ['over a TiB -l -h', big, HUMAN, '  5.0T  2026-11-25T16:30:12Z  DEEP_ARCHIVE  s3://b/huge.iso'],
    ['a prefix', prefix, PLAIN, 's3://b/backups/old/'],
    ['a prefix -l', prefix, LONG, '         PRE  -                     -             s3://b/backups/old/'],
    ['a prefix -l -h', prefix, HUMAN, '   PRE  -                     -             s3://b/backups/old/'],
    ['a prefix as JSON', prefix, JSONL, '{"url":"s3://b/backups/old/","bucket":"b","prefix":"backups/old/"}'],
    ['a prefix with blanks -l', blankPrefix, LONG, '         PRE  -                     -             s3://b/my\\ photos/'],
  ];
  for (const [what, entry, o, line] of table) it(what, () => assert.equal(formatEntry('b', entry, o), line));

  it('-l columns line up: the URL starts in one column for keys and prefixes', () => {
    for (const o of [LONG, HUMAN]) {
      const lines: string[] = [object, blanks, undated, prefix].map((e) => formatEntry('b', e, o));
      const starts: number[] = lines.map((l) => l.indexOf('s3://'));
      assert.equal(new Set(starts).size, 1, lines.join('\n'));
      assert.equal(starts[0], (o.human ? 6 : 12) + 2 + 20 + 2 + 12 + 2);
    }
  });

  it('the default options are plain', () => assert.equal(formatEntry('b', object), 's3://b/backups/db.dump'));
});

describe('formatBucket', () => {
  const table: [string, { name: string; created?: Date }, FormatOptions, string][] = [
    ['a bucket', { name: 'backup', created: WHEN }, PLAIN, 's3://backup/'],
    ['a bucket -l', { name: 'backup', created: WHEN }, LONG, '2026-11-25T16:30:12Z  s3://backup/'],
    ['a bucket -l -h (no sizes to make human)', { name: 'backup', created: WHEN }, HUMAN, '2026-11-25T16:30:12Z  s3://backup/'],
    ['a bucket without a date -l', { name: 'scratch' }, LONG, '-                     s3://scratch/'],
    ['a bucket as JSON', { name: 'backup', created: WHEN }, JSONL, '{"url":"s3://backup/","bucket":"backup","created":"2026-11-25T16:30:12.345Z"}'],
    ['a bucket without a date as JSON', { name: 'scratch' }, JSONL, '{"url":"s3://scratch/","bucket":"scratch"}'],
  ];
  for (const [what, b, o, line] of table) it(what, () => assert.equal(formatBucket(b, o), line));
  it('the default options are plain', () => assert.equal(formatBucket({ name: 'b' }), 's3://b/'));
});

describe('formatChunkSet', () => {
  const set: ListedChunkSet = { name: 'db', generation: GEN, size: 11, created: '2026-11-25T16:30:12.345Z', chunks: 2 };
  const nested: ListedChunkSet = { name: 'hosts/web 1/etc', generation: GEN, size: 3 * 2 ** 30, created: '2026-11-25T16:30:12Z', chunks: 384 };
  const empty: ListedChunkSet = { name: 'empty', generation: GEN, size: 0, created: '2026-11-25T16:30:12.3Z', chunks: 0 };
  const broken: ListedChunkSet = { name: 'broken', error: 'MANIFEST is not valid JSON (truncated or corrupt)' };
  const gen = GEN.padEnd(28);

  const table: [string, ListedChunkSet, FormatOptions, string][] = [
    ['a set', set, PLAIN, 's3://b/db'],
    ['a set -l', set, LONG, `          11             -             -  2026-11-25T16:30:12Z  ${gen}  s3://b/db`],
    ['a set -l -h', set, HUMAN, `    11       -       -  2026-11-25T16:30:12Z  ${gen}  s3://b/db`],
    [
      'a set as JSON',
      set,
      JSONL,
      `{"url":"s3://b/db","bucket":"b","name":"db","generation":"${GEN}","size":11,"created":"2026-11-25T16:30:12.345Z","chunks":2}`,
    ],
    ['a nested name with a blank', nested, PLAIN, 's3://b/hosts/web\\ 1/etc'],
    ['a nested name -l', nested, LONG, `  3221225472             -             -  2026-11-25T16:30:12Z  ${gen}  s3://b/hosts/web\\ 1/etc`],
    ['a nested name -l -h', nested, HUMAN, `  3.0G       -       -  2026-11-25T16:30:12Z  ${gen}  s3://b/hosts/web\\ 1/etc`],
    ['an empty set -l (one fractional digit dropped too)', empty, LONG, `           0             -             -  2026-11-25T16:30:12Z  ${gen}  s3://b/empty`],
    ['a set with an error', broken, PLAIN, 's3://b/broken'],
    ['a set with an error -l', broken, LONG, `           ?             ?             ?  ?                     ${'?'.padEnd(28)}  s3://b/broken`],
    ['a set with an error -l -h', broken, HUMAN, `     ?       ?       ?  ?                     ${'?'.padEnd(28)}  s3://b/broken`],
    ['a deduplicated set -l: logical and stored beside the size', { ...set, logical: 40, stored: 15 }, LONG, `          11            40            15  2026-11-25T16:30:12Z  ${gen}  s3://b/db`],
    ['a set with an error as JSON', broken, JSONL, '{"url":"s3://b/broken","bucket":"b","name":"broken","error":"MANIFEST is not valid JSON (truncated or corrupt)"}'],
  ];
  for (const [what, s, o, line] of table) it(what, () => assert.equal(formatChunkSet('b', s, o), line));

  it('-l columns line up between good and broken sets', () => {
    for (const o of [LONG, HUMAN]) {
      const starts = [set, nested, broken].map((s) => formatChunkSet('b', s, o).indexOf('s3://'));
      assert.equal(new Set(starts).size, 1);
    }
  });

  it('the default options are plain', () => assert.equal(formatChunkSet('b', set), 's3://b/db'));
});
