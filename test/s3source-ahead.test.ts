import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readAhead } from '../lib/s3/source';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('s3source: GETs in flight for a chunk set', () => {
  const cases: [string, number, number, number][] = [
    ['default chunks: -j', 4, 8 * MiB, 4],
    ['chunks larger than the default: still -j', 4, 64 * MiB, 4],
    ['5 MiB chunks: as many as (j+1) x 8 MiB holds, minus the one being written', 3, 5 * MiB, 5],
    ['deduplicated (1 MiB largest): 8 per job at most', 4, 1 * MiB, 32],
    ['tiny chunks: 8 per job at most', 1, 4 * KiB, 8],
    ['-j 1 with 2 MiB chunks', 1, 2 * MiB, 7],
    ['an empty set', 4, 0, 32],
  ];
  for (const [what, jobs, largest, expected] of cases) {
    it(what, () => assert.equal(readAhead(jobs, largest), expected));
  }
});
