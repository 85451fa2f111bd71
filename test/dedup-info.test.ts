import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError, type Flags } from '../lib/cli/args';
import { dedupInfo } from '../lib/s3/options';
import { CdcAccumulator } from '../lib/s3/cdc';
import type { DedupInfo, Manifest } from '../lib/s3/layout';

/** A set cut with bounds that are not today's ratios (as an older version might have recorded). */
const RECORDED: DedupInfo = { min: 1000, avg: 4096, max: 9000, normalization: 1, leaseMs: 5000 };
const TEN_MINUTES = 600_000;

describe('dedupInfo: how an upload is cut, from its flags and the set it adds to', () => {
  // [what, flags, the current manifest (its dedup entry), the settings]
  const cases: [string, Flags, Pick<Manifest, 'dedup'> | undefined, DedupInfo | undefined][] = [
    ['a plain upload to a new set', {}, undefined, undefined],
    ['a plain upload to a plain set', {}, {}, undefined],
    ['--dedup to a new set: 256K average, avg/4 to avg×4, a 10 minute lease', { dedup: true }, undefined, { min: 65536, avg: 262144, max: 1048576, normalization: 1, leaseMs: TEN_MINUTES }],
    ['no flag, to a deduplicated set: its recorded bounds and lease (it stays deduplicated)', {}, { dedup: RECORDED }, RECORDED],
    ['--dedup and its own average again: the recorded bounds, not today ratios', { dedup: true, 'chunk-size': '4K' }, { dedup: RECORDED }, RECORDED],
    ['another average: bounds of that average, at level 1', { 'chunk-size': '8K' }, { dedup: RECORDED }, { min: 2048, avg: 8192, max: 32768, normalization: 1, leaseMs: 5000 }],
    // Level 2 stands for a level a later version might add: this version cannot cut at it,
    // so it re-cuts the set at its own, the recorded average and lease kept.
    ['no flag, a set cut at another level: re-cut at level 1, its average and lease kept', {}, { dedup: { ...RECORDED, normalization: 2 } }, { min: 1024, avg: 4096, max: 16384, normalization: 1, leaseMs: 5000 }],
    ['a new average for a set cut at another level: today\'s level 1', { 'chunk-size': '8K' }, { dedup: { ...RECORDED, normalization: 2 } }, { min: 2048, avg: 8192, max: 32768, normalization: 1, leaseMs: 5000 }],
    ['--lease overrides the recorded lease, the bounds stay', { lease: '30s' }, { dedup: RECORDED }, { ...RECORDED, leaseMs: 30_000 }],
    ['--compress implies --dedup', { compress: true }, undefined, { min: 65536, avg: 262144, max: 1048576, normalization: 1, leaseMs: TEN_MINUTES, compress: true }],
    ['--compress to a deduplicated set: compressed from now on', { compress: true }, { dedup: RECORDED }, { ...RECORDED, compress: true }],
    ['no flag, to a compressed set: it stays compressed', {}, { dedup: { ...RECORDED, compress: true } }, { ...RECORDED, compress: true }],
    ['--compress to a plain set: it becomes deduplicated', { compress: true }, {}, { min: 65536, avg: 262144, max: 1048576, normalization: 1, leaseMs: TEN_MINUTES, compress: true }],
  ];
  for (const [what, flags, current, expected] of cases) {
    it(what, () => assert.deepEqual(dedupInfo(flags, current), expected));
  }

  it('the cutter refuses a level it does not implement rather than cut at another and record that one', () => {
    assert.throws(() => new CdcAccumulator({ ...RECORDED, normalization: 2 }), /only normalization level 1 is implemented, not 2/);
    assert.doesNotThrow(() => new CdcAccumulator(RECORDED));
  });

  it('an average that is not a power of two is a usage error', () => {
    assert.throws(() => dedupInfo({ dedup: true, 'chunk-size': '3K' }, undefined), (err: unknown) => err instanceof UsageError && /power of two/.test(err.message));
  });
});
