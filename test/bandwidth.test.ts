import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseBandwidth, parseRate, rateAt } from '../lib/s3/bandwidth-schedule';
import { looksArchived, type StorageState } from '../lib/s3/archive-check';
import { createS3Client, type Addressing } from '../lib/s3/client';
import { HeadObjectCommand } from '@aws-sdk/client-s3';

const K = 1024;
const M = K * K;

describe('parseRate', () => {
  const table: [string, number][] = [
    ['10M', 10 * M],
    ['512K', 512 * K],
    ['1.5M', 1.5 * M],
    ['100', 100],
    ['off', Infinity],
    ['OFF', Infinity],
    ['0', NaN],
    ['banana', NaN],
    ['-1M', NaN],
  ];
  for (const [text, rate] of table) it(`${text} -> ${rate}`, () => assert.deepEqual(parseRate(text), rate));
});

describe('rateAt a timetable (local time)', () => {
  // 2026-11-30 is a Monday.
  const at = (day: number, hh: number, mm = 0) => new Date(2026, 10, 30 + day, hh, mm);
  const table: [string, Date, number][] = [
    ['10M', at(0, 12), 10 * M],
    ['off', at(3, 3), Infinity],
    ['08:00,2M 19:00,off', at(0, 8), 2 * M],
    ['08:00,2M 19:00,off', at(0, 18, 59), 2 * M],
    ['08:00,2M 19:00,off', at(0, 19), Infinity],
    // Before the first entry of a day the last one of the day before holds.
    ['08:00,2M 19:00,off', at(2, 7, 59), Infinity],
    ['08:00,2M 12:00,10M 13:00,2M 18:00,off', at(4, 12, 30), 10 * M],
    ['Mon-08:00,2M Fri-19:00,off', at(2, 12), 2 * M],
    ['Mon-08:00,2M Fri-19:00,off', at(5, 12), Infinity],
    // Monday 07:00 is before the week's first entry: Friday's goes on.
    ['Mon-08:00,2M Fri-19:00,off', at(0, 7), Infinity],
    ['Sun-20:00,1M 09:00,4M', at(6, 21), 1 * M],
    ['Sun-20:00,1M 09:00,4M', at(0, 8), 1 * M],
    ['Sun-20:00,1M 09:00,4M', at(0, 9), 4 * M],
  ];
  for (const [text, when, rate] of table) {
    it(`${text} at ${when.toString().slice(0, 21)} -> ${rate}`, () => assert.equal(rateAt(parseBandwidth(text), when), rate));
  }

  const bad: [string, RegExp][] = [
    ['banana', /'banana' is not a rate/],
    ['', /no rate given/],
    ['08:00,2M 25:00,off', /'25:00,off' is not a timetable entry/],
    ['08:00,2M 09:60,1M', /'09:60,1M' is not a timetable entry/],
    ['Xyz-08:00,2M', /'Xyz-08:00,2M' is not a timetable entry/],
    ['08:00,fast', /'08:00,fast' is not a timetable entry/],
    ['08:00,2M 08:00,1M', /two entries for the same time/],
  ];
  for (const [text, message] of bad) it(`refuses '${text}'`, () => assert.throws(() => parseBandwidth(text), message));
});

describe('looksArchived', () => {
  const table: [string, StorageState, boolean][] = [
    ['STANDARD', { StorageClass: 'STANDARD' }, false],
    ['no class (STANDARD)', {}, false],
    ['a server class COLD', { StorageClass: 'COLD' }, false],
    ['GLACIER_IR is read at once', { StorageClass: 'GLACIER_IR' }, false],
    ['GLACIER', { StorageClass: 'GLACIER' }, true],
    ['DEEP_ARCHIVE', { StorageClass: 'DEEP_ARCHIVE' }, true],
    ['GLACIER being restored', { StorageClass: 'GLACIER', Restore: 'ongoing-request="true"' }, true],
    ['GLACIER restored', { StorageClass: 'GLACIER', Restore: 'ongoing-request="false", expiry-date="Fri, 21 Dec 2029 00:00:00 GMT"' }, false],
    ['an Intelligent-Tiering archive tier', { StorageClass: 'INTELLIGENT_TIERING', ArchiveStatus: 'DEEP_ARCHIVE_ACCESS' }, true],
    ['Intelligent-Tiering, frequent access', { StorageClass: 'INTELLIGENT_TIERING' }, false],
  ];
  for (const [what, state, archived] of table) it(what, () => assert.equal(looksArchived(state), archived));
});

describe('--addressing: the URL a request goes to', () => {
  /** Where the client would send a HEAD of s3://bkt/k/ey, stopped before it leaves. */
  async function target(endpoint: string | undefined, addressing: Addressing | undefined): Promise<string> {
    const client = createS3Client({ endpoint, region: 'eu-west-3', addressing, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    let url = '';
    client.middlewareStack.add(
      () => async (args) => {
        const r = args.request as { protocol: string; hostname: string; port?: number; path: string };
        url = `${r.protocol}//${r.hostname}${r.port ? `:${r.port}` : ''}${r.path}`;
        throw new Error('stop');
      },
      { step: 'finalizeRequest', name: 'testStop', priority: 'low' },
    );
    await assert.rejects(client.send(new HeadObjectCommand({ Bucket: 'bkt', Key: 'k/ey' })), /stop/);
    client.destroy();
    return url;
  }
  const table: [string | undefined, Addressing | undefined, string][] = [
    [undefined, undefined, 'https://bkt.s3.eu-west-3.amazonaws.com/k/ey'],
    [undefined, 'auto', 'https://bkt.s3.eu-west-3.amazonaws.com/k/ey'],
    [undefined, 'path', 'https://s3.eu-west-3.amazonaws.com/bkt/k/ey'],
    ['http://127.0.0.1:9000', undefined, 'http://127.0.0.1:9000/bkt/k/ey'],
    ['http://127.0.0.1:9000', 'auto', 'http://127.0.0.1:9000/bkt/k/ey'],
    ['https://minio.example:9000', 'virtual', 'https://bkt.minio.example:9000/k/ey'],
  ];
  for (const [endpoint, addressing, url] of table) {
    it(`${endpoint ?? 'AWS'} ${addressing ?? '(default)'} -> ${url}`, async () => assert.equal(await target(endpoint, addressing), url));
  }
});
