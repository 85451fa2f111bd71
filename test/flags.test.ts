import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError, type Flags } from '../lib/cli/args';
import { durationFlag, intFlag, sizeFlag, type Bounds } from '../lib/cli/flags';
import { humanBytes, humanDuration, humanRate, humanSize, parseDuration, parseSize, plural } from '../lib/units';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

function assertUsage(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof UsageError, String(err));
    assert.equal(err.message, message);
    return true;
  });
}

describe('intFlag', () => {
  // [flags, fallback, bounds, result]
  const valid: [Flags, number | undefined, Bounds | undefined, number | undefined][] = [
    [{ jobs: '4' }, 2, undefined, 4],
    [{ jobs: '1' }, 2, undefined, 1],
    [{ jobs: '007' }, 2, undefined, 7],
    [{}, 2, undefined, 2],
    [{ jobs: undefined }, 2, undefined, 2],
    [{}, undefined, undefined, undefined],
    [{ jobs: '0' }, 4, { min: 0 }, 0],
    [{ jobs: '10' }, 4, { max: 10 }, 10],
    [{ jobs: '65535' }, 25, { min: 1, max: 65535 }, 65535],
    [{ jobs: String(Number.MAX_SAFE_INTEGER) }, 1, undefined, Number.MAX_SAFE_INTEGER],
  ];
  for (const [flags, fallback, bounds, expected] of valid) {
    it(`${JSON.stringify(flags)} fallback ${fallback} ${JSON.stringify(bounds)} -> ${expected}`, () => {
      assert.equal(intFlag(flags, 'jobs', fallback as number, bounds), expected);
    });
  }

  const invalid: [unknown, Bounds | undefined, string][] = [
    ['0', undefined, "invalid --jobs '0' (a whole number of at least 1)"],
    ['-1', undefined, "invalid --jobs '-1' (a whole number of at least 1)"],
    ['+3', undefined, "invalid --jobs '+3' (a whole number of at least 1)"],
    ['1.5', undefined, "invalid --jobs '1.5' (a whole number of at least 1)"],
    ['4k', undefined, "invalid --jobs '4k' (a whole number of at least 1)"],
    ['0x10', undefined, "invalid --jobs '0x10' (a whole number of at least 1)"],
    ['1e3', undefined, "invalid --jobs '1e3' (a whole number of at least 1)"],
    [' 4', undefined, "invalid --jobs ' 4' (a whole number of at least 1)"],
    ['many', undefined, "invalid --jobs 'many' (a whole number of at least 1)"],
    ['', undefined, "invalid --jobs '' (a whole number of at least 1)"],
    ['9007199254740993', undefined, "invalid --jobs '9007199254740993' (a whole number of at least 1)"],
    ['11', { max: 10 }, "invalid --jobs '11' (a whole number from 1 to 10)"],
    ['0', { max: 10 }, "invalid --jobs '0' (a whole number from 1 to 10)"],
    ['-1', { min: 0 }, "invalid --jobs '-1' (a whole number of at least 0)"],
    ['2', { min: 3, max: 5 }, "invalid --jobs '2' (a whole number from 3 to 5)"],
    ['65536', { min: 1, max: 65535 }, "invalid --jobs '65536' (a whole number from 1 to 65535)"],
    [true, undefined, "invalid --jobs 'true' (a whole number of at least 1)"],
  ];
  for (const [value, bounds, message] of invalid) {
    it(`rejects ${JSON.stringify(value)} ${JSON.stringify(bounds ?? {})}`, () => {
      assertUsage(() => intFlag({ jobs: value as string }, 'jobs', 1, bounds), message);
    });
  }
});

describe('sizeFlag', () => {
  const CHUNK = { min: 5 * MiB, max: 5 * GiB };
  const valid: [string | undefined, number | undefined, Bounds | undefined, number | undefined][] = [
    ['8M', 1, undefined, 8 * MiB],
    ['8MiB', 1, undefined, 8 * MiB],
    ['512K', 1, undefined, 512 * 1024],
    ['1048576', 1, undefined, MiB],
    ['1', 5, undefined, 1],
    ['1.5K', 1, undefined, 1536],
    [undefined, 8 * MiB, undefined, 8 * MiB],
    [undefined, undefined, undefined, undefined],
    ['0', 1, { min: 0 }, 0],
    ['5M', 1, CHUNK, 5 * MiB],
    ['5G', 1, CHUNK, 5 * GiB],
  ];
  for (const [value, fallback, bounds, expected] of valid) {
    it(`${JSON.stringify(value)} fallback ${fallback} -> ${expected}`, () => {
      assert.equal(sizeFlag({ 'chunk-size': value }, 'chunk-size', fallback as number, bounds), expected);
    });
  }

  const invalid: [string, Bounds | undefined, string][] = [
    ['0', undefined, "invalid --chunk-size '0' (a size of at least 1, such as 8M)"],
    ['big', undefined, "invalid --chunk-size 'big' (a size of at least 1, such as 8M)"],
    ['-1M', undefined, "invalid --chunk-size '-1M' (a size of at least 1, such as 8M)"],
    ['8P', undefined, "invalid --chunk-size '8P' (a size of at least 1, such as 8M)"],
    ['0.1', undefined, "invalid --chunk-size '0.1' (a size of at least 1, such as 8M)"],
    // s3sink's bounds, as test/s3sink.test.ts expects them on the command line.
    ['1K', CHUNK, "invalid --chunk-size '1K' (a size from 5M to 5G, such as 8M)"],
    ['6G', CHUNK, "invalid --chunk-size '6G' (a size from 5M to 5G, such as 8M)"],
    ['4M', { min: 5 * MiB }, "invalid --chunk-size '4M' (a size of at least 5M, such as 8M)"],
  ];
  for (const [value, bounds, message] of invalid) {
    it(`rejects ${JSON.stringify(value)} ${JSON.stringify(bounds ?? {})}`, () => {
      assertUsage(() => sizeFlag({ 'chunk-size': value }, 'chunk-size', 1, bounds), message);
    });
  }
});

describe('durationFlag', () => {
  const valid: [string | undefined, number | undefined, number | undefined][] = [
    ['30s', 1, 30_000],
    ['30', 1, 30_000],
    ['500ms', 1, 500],
    ['2m', 1, 120_000],
    ['1.5s', 1, 1500],
    ['0.5ms', 1, 1],
    [undefined, 5000, 5000],
    [undefined, undefined, undefined],
  ];
  for (const [value, fallback, expected] of valid) {
    it(`${JSON.stringify(value)} fallback ${fallback} -> ${expected}`, () => {
      assert.equal(durationFlag({ timeout: value }, 'timeout', fallback as number), expected);
    });
  }

  for (const value of ['0', '0s', '0ms', '0.1ms', '-1s', '1w', '5 s', '30S', 'soon', '']) {
    it(`rejects ${JSON.stringify(value)}`, () => {
      assertUsage(() => durationFlag({ timeout: value }, 'timeout', 1), `invalid --timeout '${value}' (a duration such as 30s, 500ms or 2m)`);
    });
  }
});

describe('parseSize', () => {
  const table: [string, number][] = [
    ['0', 0],
    ['1', 1],
    ['1048576', MiB],
    ['1K', 1024],
    ['1k', 1024],
    ['512K', 512 * 1024],
    ['8M', 8 * MiB],
    ['8m', 8 * MiB],
    ['8MB', 8 * MiB],
    ['8MiB', 8 * MiB],
    ['8mib', 8 * MiB],
    ['5G', 5 * GiB],
    ['2T', 2 * 2 ** 40],
    ['1.5K', 1536],
    ['0.5M', 512 * 1024],
    ['1.5', 2],
    [' 4K ', 4096],
    ['4 K', 4096],
    ['', NaN],
    ['K', NaN],
    ['-1', NaN],
    ['-1K', NaN],
    ['1P', NaN],
    ['1KK', NaN],
    ['0x10', NaN],
    ['1e3', NaN],
    ['.5K', NaN],
    ['1,024', NaN],
  ];
  for (const [text, expected] of table) it(`${JSON.stringify(text)} -> ${expected}`, () => assert.equal(parseSize(text), expected));
});

describe('parseDuration', () => {
  const table: [string, number][] = [
    ['0', 0],
    ['30', 30_000],
    ['30s', 30_000],
    ['500ms', 500],
    ['2m', 120_000],
    ['1.5s', 1500],
    ['1.5ms', 2],
    ['0.25m', 15_000],
    [' 2m ', 120_000],
    ['', NaN],
    ['s', NaN],
    ['ms', NaN],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1.5d', 129_600_000],
    ['1w', NaN],
    ['-1', NaN],
    ['30S', NaN],
    ['5 s', NaN],
    ['1m30s', NaN],
  ];
  for (const [text, expected] of table) it(`${JSON.stringify(text)} -> ${expected}`, () => assert.equal(parseDuration(text), expected));
});

describe('humanSize', () => {
  const table: [number, string][] = [
    [0, '0'],
    [1, '1'],
    [1023, '1023'],
    [1024, '1.0K'],
    [1536, '1.5K'],
    [10 * 1024, '10K'],
    [10 * 1024 + 511, '10K'],
    [100 * 1024, '100K'],
    [MiB, '1.0M'],
    [5 * MiB, '5.0M'],
    [8 * MiB, '8.0M'],
    [1.5 * MiB, '1.5M'],
    [5 * GiB, '5.0G'],
    [2 ** 40, '1.0T'],
    [2 ** 50, '1.0P'],
    [2 ** 60, '1024P'],
    // Rounding that reaches the next step: 9.999K prints as 10K, 1023.999K as 1.0M (as du -h does).
    [10 * 1024 - 1, '10K'],
    [MiB - 1, '1.0M'],
  ];
  for (const [bytes, expected] of table) it(`${bytes} -> ${expected}`, () => assert.equal(humanSize(bytes), expected));
});

describe('humanBytes', () => {
  const table: [number, string][] = [
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [8 * MiB, '8.0 MiB'],
    [100 * MiB, '100 MiB'],
    [5 * GiB, '5.0 GiB'],
  ];
  for (const [bytes, expected] of table) it(`${bytes} -> ${expected}`, () => assert.equal(humanBytes(bytes), expected));
});

describe('humanRate', () => {
  const table: [number, number, string][] = [
    [MiB, 1000, '1.0 MiB/s'],
    [123_456_789, 1000, '118 MiB/s'],
    [50 * MiB, 500, '100 MiB/s'],
    [1, 1000, '1 B/s'],
    [0, 1000, '0 B/s'],
    [5e6, 0, '0 B/s'],
    [2 ** 30, 1000, '1.0 GiB/s'],
  ];
  for (const [bytes, ms, expected] of table) it(`${bytes} bytes in ${ms} ms -> ${expected}`, () => assert.equal(humanRate(bytes, ms), expected));
});

describe('plural', () => {
  const table: [number, string][] = [
    [0, '0 chunks'],
    [1, '1 chunk'],
    [2, '2 chunks'],
  ];
  for (const [n, expected] of table) it(`${n} -> ${expected}`, () => assert.equal(plural(n, 'chunk'), expected));
});

describe('humanDuration', () => {
  const table: [number, string][] = [
    [0, '0s'],
    [1000, '1s'],
    [30_000, '30s'],
    [120_000, '120s'],
    [1500, '1500ms'],
    [500, '500ms'],
    [1, '1ms'],
  ];
  for (const [ms, expected] of table) it(`${ms} -> ${expected}`, () => assert.equal(humanDuration(ms), expected));

  it('spells what parseDuration reads back', () => {
    for (const ms of [1, 250, 999, 1000, 1001, 5000, 60_000, 3_600_000]) assert.equal(parseDuration(humanDuration(ms)), ms);
  });
});
