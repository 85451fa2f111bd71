"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const format_1 = require("../lib/s3/format");
const WHEN = new Date('2026-11-25T16:30:12.345Z');
const GEN = '20261125T163012345Z-1a2b3c4d';
const PLAIN = {};
const LONG = { long: true };
const HUMAN = { long: true, human: true };
const JSONL = { json: true };
(0, node_test_1.describe)('isoSecond', () => {
    const table = [
        [WHEN, '2026-11-25T16:30:12Z'],
        [new Date('2026-01-02T03:04:05.000Z'), '2026-01-02T03:04:05Z'],
        [new Date('1999-12-31T23:59:59.999Z'), '1999-12-31T23:59:59Z'],
        [undefined, '-'],
    ];
    for (const [d, expected] of table)
        (0, node_test_1.it)(`${d?.toISOString()} -> ${expected}`, () => strict_1.default.equal((0, format_1.isoSecond)(d), expected));
});
(0, node_test_1.describe)('formatEntry', () => {
    const object = { key: 'backups/db.dump', size: 1536, lastModified: WHEN, etag: '"9b2cf535f27731c974343645a3985328"' };
    const blanks = { key: 'my photos/a b  c.jpg', size: 0, lastModified: WHEN };
    const undated = { key: 'x', size: 8 * 2 ** 20 };
    const big = { key: 'huge.iso', size: 5 * 2 ** 40 + 1, lastModified: WHEN };
    const prefix = { prefix: 'backups/old/' };
    const blankPrefix = { prefix: 'my photos/' };
    // [what, entry, options, line]
    const table = [
        ['an object', object, PLAIN, 's3://b/backups/db.dump'],
        ['an object -l', object, LONG, '        1536  2026-11-25T16:30:12Z  s3://b/backups/db.dump'],
        ['an object -l -h', object, HUMAN, '  1.5K  2026-11-25T16:30:12Z  s3://b/backups/db.dump'],
        ['-h alone is plain', object, { human: true }, 's3://b/backups/db.dump'],
        [
            'an object as JSON',
            object,
            JSONL,
            '{"url":"s3://b/backups/db.dump","bucket":"b","key":"backups/db.dump","size":1536,"lastModified":"2026-11-25T16:30:12.345Z","etag":"\\"9b2cf535f27731c974343645a3985328\\""}',
        ],
        ['JSON wins over -l', object, { json: true, long: true, human: true }, (0, format_1.formatEntry)('b', object, JSONL)],
        ['a key with blanks', blanks, PLAIN, 's3://b/my photos/a b  c.jpg'],
        ['a key with blanks -l: the URL last, whole', blanks, LONG, '           0  2026-11-25T16:30:12Z  s3://b/my photos/a b  c.jpg'],
        ['a key with blanks as JSON', blanks, JSONL, '{"url":"s3://b/my photos/a b  c.jpg","bucket":"b","key":"my photos/a b  c.jpg","size":0,"lastModified":"2026-11-25T16:30:12.345Z"}'],
        ['no date -l', undated, LONG, '     8388608  -                     s3://b/x'],
        ['no date -l -h', undated, HUMAN, '  8.0M  -                     s3://b/x'],
        ['no date as JSON', undated, JSONL, '{"url":"s3://b/x","bucket":"b","key":"x","size":8388608}'],
        ['over a TiB -l', big, LONG, '5497558138881  2026-11-25T16:30:12Z  s3://b/huge.iso'],
        ['over a TiB -l -h', big, HUMAN, '  5.0T  2026-11-25T16:30:12Z  s3://b/huge.iso'],
        ['a prefix', prefix, PLAIN, 's3://b/backups/old/'],
        ['a prefix -l', prefix, LONG, '         PRE  -                     s3://b/backups/old/'],
        ['a prefix -l -h', prefix, HUMAN, '   PRE  -                     s3://b/backups/old/'],
        ['a prefix as JSON', prefix, JSONL, '{"url":"s3://b/backups/old/","bucket":"b","prefix":"backups/old/"}'],
        ['a prefix with blanks -l', blankPrefix, LONG, '         PRE  -                     s3://b/my photos/'],
    ];
    for (const [what, entry, o, line] of table)
        (0, node_test_1.it)(what, () => strict_1.default.equal((0, format_1.formatEntry)('b', entry, o), line));
    (0, node_test_1.it)('-l columns line up: the URL starts in one column for keys and prefixes', () => {
        for (const o of [LONG, HUMAN]) {
            const lines = [object, blanks, undated, prefix].map((e) => (0, format_1.formatEntry)('b', e, o));
            const starts = lines.map((l) => l.indexOf('s3://'));
            strict_1.default.equal(new Set(starts).size, 1, lines.join('\n'));
            strict_1.default.equal(starts[0], (o.human ? 6 : 12) + 2 + 20 + 2);
        }
    });
    (0, node_test_1.it)('the default options are plain', () => strict_1.default.equal((0, format_1.formatEntry)('b', object), 's3://b/backups/db.dump'));
});
(0, node_test_1.describe)('formatBucket', () => {
    const table = [
        ['a bucket', { name: 'backup', created: WHEN }, PLAIN, 's3://backup/'],
        ['a bucket -l', { name: 'backup', created: WHEN }, LONG, '2026-11-25T16:30:12Z  s3://backup/'],
        ['a bucket -l -h (no sizes to make human)', { name: 'backup', created: WHEN }, HUMAN, '2026-11-25T16:30:12Z  s3://backup/'],
        ['a bucket without a date -l', { name: 'scratch' }, LONG, '-                     s3://scratch/'],
        ['a bucket as JSON', { name: 'backup', created: WHEN }, JSONL, '{"url":"s3://backup/","bucket":"backup","created":"2026-11-25T16:30:12.345Z"}'],
        ['a bucket without a date as JSON', { name: 'scratch' }, JSONL, '{"url":"s3://scratch/","bucket":"scratch"}'],
    ];
    for (const [what, b, o, line] of table)
        (0, node_test_1.it)(what, () => strict_1.default.equal((0, format_1.formatBucket)(b, o), line));
    (0, node_test_1.it)('the default options are plain', () => strict_1.default.equal((0, format_1.formatBucket)({ name: 'b' }), 's3://b/'));
});
(0, node_test_1.describe)('formatChunkSet', () => {
    const set = { name: 'db', generation: GEN, size: 11, created: '2026-11-25T16:30:12.345Z', chunks: 2 };
    const nested = { name: 'hosts/web 1/etc', generation: GEN, size: 3 * 2 ** 30, created: '2026-11-25T16:30:12Z', chunks: 384 };
    const empty = { name: 'empty', generation: GEN, size: 0, created: '2026-11-25T16:30:12.3Z', chunks: 0 };
    const broken = { name: 'broken', error: 'MANIFEST is not valid JSON (truncated or corrupt)' };
    const gen = GEN.padEnd(28);
    const table = [
        ['a set', set, PLAIN, 's3://b/db'],
        ['a set -l', set, LONG, `          11  2026-11-25T16:30:12Z  ${gen}  s3://b/db`],
        ['a set -l -h', set, HUMAN, `    11  2026-11-25T16:30:12Z  ${gen}  s3://b/db`],
        [
            'a set as JSON',
            set,
            JSONL,
            `{"url":"s3://b/db","bucket":"b","name":"db","generation":"${GEN}","size":11,"created":"2026-11-25T16:30:12.345Z","chunks":2}`,
        ],
        ['a nested name with a blank', nested, PLAIN, 's3://b/hosts/web 1/etc'],
        ['a nested name -l', nested, LONG, `  3221225472  2026-11-25T16:30:12Z  ${gen}  s3://b/hosts/web 1/etc`],
        ['a nested name -l -h', nested, HUMAN, `  3.0G  2026-11-25T16:30:12Z  ${gen}  s3://b/hosts/web 1/etc`],
        ['an empty set -l (one fractional digit dropped too)', empty, LONG, `           0  2026-11-25T16:30:12Z  ${gen}  s3://b/empty`],
        ['a set with an error', broken, PLAIN, 's3://b/broken'],
        ['a set with an error -l', broken, LONG, `           ?  ?                     ${'?'.padEnd(28)}  s3://b/broken`],
        ['a set with an error -l -h', broken, HUMAN, `     ?  ?                     ${'?'.padEnd(28)}  s3://b/broken`],
        ['a set with an error as JSON', broken, JSONL, '{"url":"s3://b/broken","bucket":"b","name":"broken","error":"MANIFEST is not valid JSON (truncated or corrupt)"}'],
    ];
    for (const [what, s, o, line] of table)
        (0, node_test_1.it)(what, () => strict_1.default.equal((0, format_1.formatChunkSet)('b', s, o), line));
    (0, node_test_1.it)('-l columns line up between good and broken sets', () => {
        for (const o of [LONG, HUMAN]) {
            const starts = [set, nested, broken].map((s) => (0, format_1.formatChunkSet)('b', s, o).indexOf('s3://'));
            strict_1.default.equal(new Set(starts).size, 1);
        }
    });
    (0, node_test_1.it)('the default options are plain', () => strict_1.default.equal((0, format_1.formatChunkSet)('b', set), 's3://b/db'));
});
