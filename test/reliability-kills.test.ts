import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { stderrLines } from './helpers/run';
import { getObjectBytes, keysUnder, s3Env } from './helpers/s3';
import { FaultProxy, type FaultRule } from './helpers/fault-proxy';
import { waitFor } from './helpers/wait';
import { repeatingStream, seededBytes } from './helpers/data';
import { parseManifest } from '../lib/s3/layout';
import { CHUNK, CHUNK_URL, DELETE_URL, GEN_MANIFEST_URL, MiB, SMALL, generations, setManifest, relSuite, spawnFilter } from './helpers/reliability';

/**
 * Reliability (issue 6), part one: two writers of one name at once, an older upload
 * that finishes or commits after a newer one, and kill -9 at each stage of an upload,
 * on s3rver. The big streams and random kill points belong to `make soak` (bench/soak.ts).
 */

describe('reliability on s3rver: concurrent writers and kills', () => {
  const rel = relSuite();
  const { fresh, sink, source, store, assertRestores, assertStored, assertNextRunCleans } = rel;

  describe('concurrent writers', () => {
    it('two s3sink to one name at once: s3source returns exactly one of the two streams (3 rounds)', async () => {
      for (let round = 0; round < 3; round++) {
        const name = fresh('race');
        // Two chunks each: a set mixing the streams' chunks would be neither.
        const a = seededBytes(CHUNK + 101, 1000 + round);
        const b = seededBytes(CHUNK + 202, 2000 + round);
        const [wa, wb] = await Promise.all([sink(name, a), sink(name, b)]);
        assert.equal(wa.code, 0, wa.stderr);
        assert.equal(wb.code, 0, wb.stderr);
        const r = await source(name);
        assert.equal(r.code, 0, `round ${round}: ${r.stderr}`);
        assert.ok(r.stdout.equals(a) || r.stdout.equals(b), `round ${round}: neither stream (${r.stdout.length} bytes)`);
        const current = parseManifest((await getObjectBytes(rel.client, rel.bucket, `${name}/MANIFEST`)).toString());
        assert.ok((await generations(rel.client, rel.bucket, name)).has(current.generation));
      }
    });
  });

  it('an older upload finishing after a newer one has committed stands aside: NAME/MANIFEST only moves forward', async () => {
    const name = fresh('order');
    // A needs a second chunk, held back while its first is stored; B's size plays no part.
    const a = seededBytes(CHUNK + 11, 900);
    const b = seededBytes(1022, 901);
    const input = new PassThrough();
    // A starts first (older generation) and is held open until B has committed.
    const older = spawnFilter('s3sink', [...SMALL, `s3://${rel.bucket}/${name}`], rel.env, input);
    input.write(a.subarray(0, CHUNK));
    // A's first chunk stored: its generation (named by the millisecond it started) is older than any B can get.
    await waitFor(async () => (await keysUnder(rel.client, rel.bucket, `${name}/`)).length > 0, 30_000, "A's first chunk");
    const wb = await sink(name, b);
    assert.equal(wb.code, 0, wb.stderr);
    input.end(a.subarray(CHUNK));
    const wa = await older.exited;
    assert.equal(wa.code, 0, wa.stderr);
    assert.match(wa.stderr, /^s3sink: not committed: a newer upload \(generation \S+\) was committed meanwhile$/m);
    await assertStored(name, b, 'the newer upload');
    assert.equal((await generations(rel.client, rel.bucket, name)).size, 1, 'the older generation was discarded');
  });

  it('an older upload whose commit lands after a newer one committed and cleaned up: NAME/MANIFEST ends on the newer', async () => {
    const name = fresh('late');
    // What is under test is the order of two commits: one chunk each will do.
    const older = seededBytes(1005, 950);
    const newer = seededBytes(1006, 951);
    const proxy = await FaultProxy.start(rel.s.endpoint);
    try {
      proxy.add({ fault: 'delay', method: 'PUT', url: setManifest(name) });
      const late = spawnFilter('s3sink', [...SMALL, `s3://${rel.bucket}/${name}`], s3Env(rel.s, proxy.endpoint), older);
      // The older upload has passed its check and sent its commit; the newer one now
      // commits and removes the older generation as stale before that commit lands.
      await waitFor(() => proxy.injected.delay > 0, 30_000, "the older upload's commit");
      const wa = await sink(name, newer);
      assert.equal(wa.code, 0, wa.stderr);
      proxy.clear().releaseDelayed();
      const wb = await late.exited;
      assert.equal(wb.code, 0, wb.stderr);
      assert.match(wb.stderr, /^s3sink: not committed: a newer upload \(generation \S+\) was committed meanwhile$/m);
      await assertStored(name, newer, 'the newer upload');
      assert.equal((await generations(rel.client, rel.bucket, name)).size, 1, 'one generation left');
    } finally {
      await proxy.close();
    }
  });

  describe('kill -9 at each stage of an upload', () => {
    let proxy: FaultProxy;
    before(async () => {
      proxy = await FaultProxy.start(rel.s.endpoint, 7);
    });
    after(() => proxy.close());

    const points: { what: string; rule: (name: string) => FaultRule; survivor: 'old' | 'new'; landed?: boolean }[] = [
      { what: 'during chunk PUTs (the third one stalled)', rule: () => ({ fault: 'stall', method: 'PUT', url: CHUNK_URL, nth: 3 }), survivor: 'old' },
      { what: 'after the last chunk, the generation MANIFEST PUT stalled', rule: () => ({ fault: 'stall', method: 'PUT', url: GEN_MANIFEST_URL }), survivor: 'old' },
      { what: 'at the commit, the NAME/MANIFEST PUT stalled', rule: (name) => ({ fault: 'stall', method: 'PUT', url: setManifest(name) }), survivor: 'old' },
      { what: 'at the commit, NAME/MANIFEST stored but its reply held', rule: (name) => ({ fault: 'hold', method: 'PUT', url: setManifest(name) }), survivor: 'new', landed: true },
      { what: 'during old-generation cleanup, the DeleteObjects POST stalled', rule: () => ({ fault: 'stall', method: 'POST', url: DELETE_URL }), survivor: 'new' },
      { what: 'during old-generation cleanup, DeleteObjects done but its reply held', rule: () => ({ fault: 'hold', method: 'POST', url: DELETE_URL }), survivor: 'new', landed: true },
    ];
    for (const [i, p] of points.entries()) {
      it(`${p.what}: s3source returns the ${p.survivor} generation whole; the next run cleans orphans`, async () => {
        const name = fresh('kill');
        const old = seededBytes(CHUNK + 10, 300 + i);
        // Two chunks, or three where the third chunk PUT is the one stalled.
        const neu = seededBytes((i === 0 ? 2 : 1) * CHUNK + 77, 400 + i);
        await store(name, old);
        proxy.clear().add(p.rule(name));
        const fault = p.rule(name).fault;
        const before = { injected: proxy.injected[fault], held: proxy.held };
        const { child, exited } = spawnFilter('s3sink', [...SMALL, `s3://${rel.bucket}/${name}`], s3Env(rel.s, proxy.endpoint), neu);
        await waitFor(() => (p.landed ? proxy.held > before.held : proxy.injected[fault] > before.injected), 60_000, `the ${fault} to be injected`);
        child.kill('SIGKILL');
        const { signal } = await exited;
        proxy.clear();
        assert.equal(signal, 'SIGKILL');
        await assertRestores(name, p.survivor === 'old' ? old : neu, p.what);
        await assertNextRunCleans(name, 500 + i);
      });
    }

    it('the read-back of NAME/MANIFEST cut short is retried; failing for good, the error never discards the committed generation', async () => {
      const name = fresh('readback');
      const old = seededBytes(1000, 650);
      await store(name, old);
      const penv = s3Env(rel.s, proxy.endpoint);
      // GETs of NAME/MANIFEST: the 1st asks whether the set is deduplicated, the 2nd is
      // the pre-commit check, the 3rd the read-back. A one-chunk set has them all.
      const neu = seededBytes(1005, 651);
      proxy.clear().add({ fault: 'truncate', method: 'GET', url: setManifest(name), nth: 3 });
      const w = await sink(name, neu, SMALL, penv);
      assert.equal(w.code, 0, w.stderr);
      await assertStored(name, neu, 'after a cut-short read-back');
      const newer = seededBytes(1009, 652);
      proxy.clear().add({ fault: 'rewrite', method: 'GET', url: setManifest(name), times: 2, rewrite: (b) => b });
      proxy.add({ fault: 'error500', method: 'GET', url: setManifest(name), times: 1000 });
      const f = await sink(name, newer, SMALL, penv);
      proxy.clear();
      assert.equal(f.code, 1, f.stderr);
      assert.equal(stderrLines(f).length, 1, f.stderr);
      await assertStored(name, newer, 'the committed generation, though the read-back failed');
    });

    it('SIGTERM mid-upload: exit 143, one line, nothing committed; the next run cleans', async () => {
      const name = fresh('term');
      const old = seededBytes(1000, 600);
      await store(name, old);
      proxy.clear();
      const puts = proxy.requests.PUT ?? 0;
      const { child, exited } = spawnFilter('s3sink', [...SMALL, `s3://${rel.bucket}/${name}`], s3Env(rel.s, proxy.endpoint), repeatingStream(512 * MiB));
      await waitFor(() => (proxy.requests.PUT ?? 0) >= puts + 2, 30_000, 'two chunk PUTs');
      child.kill('SIGTERM');
      const r = await exited;
      assert.equal(r.code, 143);
      assert.deepEqual(stderrLines(r), ['s3sink: interrupted']);
      await assertStored(name, old, 'after SIGTERM');
      await assertNextRunCleans(name, 601);
    });
  });
});
