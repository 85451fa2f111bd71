import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCommand } from './helpers/run';
import { QuotedListError, quoteForXargs, readQuotedLines } from '../lib/xargs-quote';
import { fitsInXml, requestsFor } from '../lib/s3/delete-objects';
import { ListingError, listedName } from '../lib/s3/lister';
import { formatEntry, oneLine } from '../lib/s3/format';

const HOSTILE = [
  'plain/key',
  'with space',
  'evil s3://b/precious.db',
  'nl\n s3://b/precious.db',
  'tab\there',
  "it's",
  'say "hi"',
  'back\\slash',
  'trailing\\',
  'vt\vff\fcr\r',
  '  two leading',
  'ü ✓ 日本語',
  '\x01\x1b[31m',
];

describe('quoteForXargs', () => {
  const table: [string, string][] = [
    ['s3://b/plain', 's3://b/plain'],
    ['s3://b/a b', 's3://b/a\\ b'],
    ["s3://b/it's", "s3://b/it\\'s"],
    ['s3://b/"q"', 's3://b/\\"q\\"'],
    ['s3://b/a\\b', 's3://b/a\\\\b'],
    ['s3://b/a\nb', 's3://b/a\\\nb'],
    ['s3://b/a\tb\rc', 's3://b/a\\\tb\\\rc'],
    ['s3://b/a+b%20ü', 's3://b/a+b%20ü'],
  ];
  for (const [raw, quoted] of table) it(`${JSON.stringify(raw)} -> ${JSON.stringify(quoted)}`, () => assert.equal(quoteForXargs(raw), quoted));

  it('real xargs reads every quoted key back as one argument, exactly', async () => {
    const r = await runCommand('sh', ['-c', "xargs printf '%s\\0'"], { input: HOSTILE.map(quoteForXargs).join('\n') + '\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.toString().split('\0').slice(0, -1), HOSTILE);
  });
});

describe('readQuotedLines', () => {
  it('undoes quoteForXargs for every hostile key', () => assert.deepEqual(readQuotedLines(HOSTILE.map(quoteForXargs).join('\n')), HOSTILE));
  const table: [string, string[]][] = [
    ['', []],
    ['\n\n', []],
    ['a\nb\n', ['a', 'b']],
    ['a b\n', ['a b']],
    ["'a b'\n\"c\\d\"\n", ['a b', 'c\\d']],
    ['x\\\ny\n', ['x\ny']],
    ["it\\'s", ["it's"]],
    ["''\n", ['']],
  ];
  for (const [text, items] of table) it(`${JSON.stringify(text)} -> ${JSON.stringify(items)}`, () => assert.deepEqual(readQuotedLines(text), items));
  const bad: [string, RegExp][] = [
    ["a\nit's\n", /^input, line 2: unmatched single quote \(/],
    ['"a\nb"', /^input, line 1: unmatched double quote /],
    ['a\\', /^input, line 1: backslash at the end/],
  ];
  for (const [text, message] of bad) it(`${JSON.stringify(text)} is refused`, () => assert.throws(() => readQuotedLines(text), (err: Error) => err instanceof QuotedListError && message.test(err.message)));
});

describe('formatEntry quotes for xargs unless -0 or --json', () => {
  const e = { key: 'a b\nc', size: 1 };
  it('line', () => assert.equal(formatEntry('b', e), 's3://b/a\\ b\\\nc'));
  it('-0', () => assert.equal(formatEntry('b', e, { nul: true }), 's3://b/a b\nc'));
  it('--json', () => assert.equal(JSON.parse(formatEntry('b', e, { json: true })).url, 's3://b/a b\nc'));
  it('oneLine', () => assert.equal(oneLine('s3://b/a\nb\x1b'), 's3://b/a\\nb\\u001b'));
});

describe('fitsInXml', () => {
  const table: [string, boolean][] = [
    ['plain', true],
    ['tab\tlf\ncr\r', true],
    ['ü日本✓😀', true],
    ['soh\x01', false],
    ['esc\x1b', false],
    ['nul\x00', false],
    ['\ufffe', false],
    ['lone \ud800 surrogate', false],
  ];
  for (const [key, fits] of table) it(`${JSON.stringify(key)}: ${fits}`, () => assert.equal(fitsInXml(key), fits));
  it('requestsFor: one DeleteObjects for the rest, a DELETE each for the others', () => {
    assert.equal(requestsFor(['a', 'b']), 1);
    assert.equal(requestsFor(['a', '\x01', '\x02']), 3);
    assert.equal(requestsFor(['\x01']), 1);
  });
});

describe('listedName', () => {
  it('decodes a url-encoded name as AWS encodes it (+ is a blank)', () => {
    const name = listedName('url', false);
    assert.equal(name('p%2Fa%2Bb%20c+d%0D%01%C3%BC'), 'p/a+b c d\r\x01ü');
  });
  it('takes raw names as they are when the server ignored the encoding and sent no CR', () => {
    assert.equal(listedName(undefined, false)('a+b%20\n'), 'a+b%20\n');
  });
  it('refuses a raw page holding a CR (already turned into LF)', () => {
    assert.throws(() => listedName(undefined, true), ListingError);
  });
  it('refuses a name that is not URL-encoded', () => {
    assert.throws(() => listedName('url', false)('bad%zz'), ListingError);
  });
});
