import type { S3_SERVERS } from './helpers/s3servers';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { runCommand, runFilter, stderrLines, stdoutLines } from './helpers/run';
import { freshBucket, s3Env, sortedKeysUnder, storeKeys, storeSet, testClient, type S3TestServer } from './helpers/s3';
import { FaultProxy } from './helpers/fault-proxy';
import { BIN, manExamples, manPage } from './helpers/docs';
import { listBuckets, listObjects } from '../lib/s3/lister';
import { deleteObjects } from '../lib/s3/delete-objects';
import { resolveTargets } from '../lib/s3/options';

/** The servers this file runs against (s3rver, later Ceph RGW): every assertion below holds on each. */


// Every kind of key xargs and shells get wrong. s3rver pages these correctly only within
// one page (it walks its store in file-name order), so there are fewer than 1000.
const AWKWARD = [
  'tmp/plain',
  'tmp/with space',
  'tmp/two  spaces', // no trailing blank: s3rver trims keys in DeleteObjects (see report)
  'tmp/ leading',
  'tmp/a+b',
  'tmp/1+1=2',
  'tmp/ünïcødé ✓',
  'tmp/日本語',
  "tmp/it's",
  'tmp/say "hi"',
  'tmp/back\\slash',
  'tmp/50%25',
  'tmp/amp&lt;',
  'tmp/tab\there',
  'tmp/sub/deeper key',
  'tmp/sub/x+y',
];
const NEWLINE_KEY = 'tmp/new\nline';
// Near-misses of every prefix the tests remove: they must survive.
const BYSTANDERS = ['tmp', 'tmpx', 'tmp2/with space', 'other/tmp/a+b', 'TMP/plain'];

/** The suite on one server; s3rm-s3rver.test.ts and s3rm-rgw.test.ts run it, as two files so that CI's runner runs them side by side. */
export function s3rmOn(server: (typeof S3_SERVERS)[number]): void {
  describe(`s3rm on ${server.kind}`, () => {
    let s: S3TestServer;
    let client: S3Client;
    let env: NodeJS.ProcessEnv;

    before(async () => {
      s = await server.start();
      client = testClient(s);
      env = s3Env(s, s.endpoint, { PATH: `${BIN}:${process.env.PATH ?? ''}` });
    });
    after(async () => {
      await s.stop();
    });

    const sh = (script: string, e = env) => runCommand('bash', ['-c', `set -o pipefail; ${script}`], { env: e, timeout: 120_000 });
    const rm = (args: string[], input?: string, e = env) => runFilter('s3rm', args, { env: e, input, timeout: 60_000 });

    // 1,001 keys where a case needs more than a listing page or a DeleteObjects batch: one more.
    it('s3ls -r s3://b/old/ | xargs -n 1000 s3rm: 1,001 keys gone, nothing else touched', async () => {
      const bucket = await freshBucket(client, 'rm');
      const old = Array.from({ length: 1001 }, (_, i) => `old/k-${String(i).padStart(5, '0')}`);
      await storeKeys(s, client, bucket, [...old, 'old', 'older/k', 'x/old/k']);
      const r = await sh(`s3ls -r s3://${bucket}/old/ | xargs -n 1000 s3rm`);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(stderrLines(r), []);
      assert.deepEqual(await sortedKeysUnder(client, bucket), ['old', 'older/k', 'x/old/k']);
    });

    it('s3ls -r -0 | xargs -0 s3rm: spaces, newlines, quotes, unicode and + all go, bystanders stay', async () => {
      const bucket = await freshBucket(client, 'rm');
      await storeKeys(s, client, bucket, [...AWKWARD, NEWLINE_KEY, ...BYSTANDERS]);
      const r = await sh(`s3ls -r -0 s3://${bucket}/tmp/ | xargs -0 s3rm`);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await sortedKeysUnder(client, bucket), [...BYSTANDERS].sort());
    });

    it('s3ls -0 s3://b/tmp/ | xargs -0 s3rm (the man page example): the keys directly under tmp/ go', async () => {
      const bucket = await freshBucket(client, 'rm');
      await storeKeys(s, client, bucket, [...AWKWARD, NEWLINE_KEY, ...BYSTANDERS]);
      const r = await sh(`s3ls -0 s3://${bucket}/tmp/ | xargs -0 s3rm`);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await sortedKeysUnder(client, bucket), [...BYSTANDERS, 'tmp/sub/deeper key', 'tmp/sub/x+y'].sort());
    });

    it('plain xargs: s3ls quotes every awkward key (newline too) as xargs reads it; all go, bystanders stay', async () => {
      const bucket = await freshBucket(client, 'rm');
      await storeKeys(s, client, bucket, [...AWKWARD, NEWLINE_KEY, ...BYSTANDERS]);
      const r = await sh(`s3ls -r s3://${bucket}/tmp/ | xargs s3rm`);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await sortedKeysUnder(client, bucket), [...BYSTANDERS].sort());
    });

    it('keys on stdin (s3ls -r | s3rm): 1,001 keys in 2 DeleteObjects requests', async () => {
      const bucket = await freshBucket(client, 'rm');
      const keys = Array.from({ length: 1001 }, (_, i) => `in/k-${String(i).padStart(5, '0')}`);
      await storeKeys(s, client, bucket, [...keys, 'in']);
      const proxy = await FaultProxy.start(s.endpoint, 3);
      // Count successful DeleteObjects (an identity rewrite sees every response): s3rver
      // answers InternalError to concurrent DeleteObjects, and those are retried.
      let answered = 0;
      proxy.add({ fault: 'rewrite', method: 'POST', url: /\?delete/, times: 1e9, rewrite: (b) => (b.includes('<DeleteResult') && answered++, b) });
      try {
        const penv = s3Env(s, proxy.endpoint, { PATH: env.PATH });
        const r = await sh(`s3ls -r s3://${bucket}/in/ | s3rm`, penv);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(answered, 2, `one DeleteObjects per 1000 keys; ${r.stderr}`);
      } finally {
        await proxy.close();
      }
      assert.deepEqual(await sortedKeysUnder(client, bucket), ['in']);
    });

    it('-b BUCKET with bare keys, as s3store did', async () => {
      const bucket = await freshBucket(client, 'rm');
      await storeKeys(s, client, bucket, ['a', 'b c', 'd']);
      const r = await rm(['-b', bucket, 'a', 'b c']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await sortedKeysUnder(client, bucket), ['d']);
    });

    it('a missing key is not an error (rm -f): exit 0, silent; -v still names it', async () => {
      const bucket = await freshBucket(client, 'rm');
      const r = await rm([`s3://${bucket}/no/such/key`]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(stderrLines(r), []);
      assert.equal(r.stdout.length, 0);
      const v = await rm(['-v', `s3://${bucket}/no/such/key`]);
      assert.deepEqual(stdoutLines(v), [`s3://${bucket}/no/such/key`]);
    });

    it('a missing bucket: one line, exit 1', async () => {
      const r = await rm([`s3://no-such-bucket-${Date.now()}/k`]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^s3rm: cannot delete s3:\/\/no-such-bucket-\d+\/k: NoSuchBucket \(404\)\n$/);
      const t = await rm(['-r', `s3://no-such-bucket-${Date.now()}/p/`]);
      assert.equal(t.code, 1);
      assert.match(t.stderr, /^s3rm: cannot list s3:\/\/no-such-bucket-\d+\/p\/: NoSuchBucket \(404\)\n$/);
    });

    it('--bucket: a non-empty bucket without -r is one line, exit 1, untouched; with -r it goes', async () => {
      const bucket = await freshBucket(client, 'rm');
      await storeKeys(s, client, bucket, ['k1', 'd/k2']);
      const r = await rm(['--bucket', `s3://${bucket}`]);
      assert.equal(r.code, 1);
      assert.deepEqual(stderrLines(r), [`s3rm: cannot remove bucket s3://${bucket}/: BucketNotEmpty (409)`]);
      assert.deepEqual(await sortedKeysUnder(client, bucket), ['d/k2', 'k1']);
      const n = await rm(['--bucket', '-r', '-n', `s3://${bucket}/`]);
      assert.deepEqual(stdoutLines(n), [`s3://${bucket}/d/k2`, `s3://${bucket}/k1`, `s3://${bucket}/`].map((u) => `would remove ${u}`));
      assert.deepEqual(await sortedKeysUnder(client, bucket), ['d/k2', 'k1'], 'dry run removed nothing');
      const ok = await rm(['--bucket', '-r', `s3://${bucket}/`]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.ok(!(await listBuckets(client)).some((b) => b.name === bucket));
      const empty = await freshBucket(client, 'rm');
      assert.equal((await rm(['--bucket', `s3://${empty}`])).code, 0);
      assert.ok(!(await listBuckets(client)).some((b) => b.name === empty));
    });

    it('-n prints what would go (keys, -r trees) as "would remove URL" and removes nothing', async () => {
      const bucket = await freshBucket(client, 'rm');
      await storeKeys(s, client, bucket, ['p/a', 'p/b c', 'p/sub/d', 'p', 'px']);
      const k = await rm(['-n', `s3://${bucket}/p/a`, `s3://${bucket}/p/b c`]);
      assert.equal(k.code, 0);
      assert.deepEqual(stdoutLines(k), [`s3://${bucket}/p/a`, `s3://${bucket}/p/b\\ c`].map((u) => `would remove ${u}`));
      const t = await rm(['-n', '-r', '-0', `s3://${bucket}/p`]);
      assert.deepEqual(stdoutLines(t, '\0'), ['p', 'p/a', 'p/b c', 'p/sub/d'].map((x) => `would remove s3://${bucket}/${x}`));
      assert.deepEqual(await sortedKeysUnder(client, bucket), ['p', 'p/a', 'p/b c', 'p/sub/d', 'px']);
    });

    it('-r --yes s3://BUCKET/ removes everything in the bucket', async () => {
      const bucket = await freshBucket(client, 'rm');
      await storeKeys(s, client, bucket, ['a', 'd/b']);
      const ok = await rm(['-r', '--yes', `s3://${bucket}/`]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.deepEqual(await sortedKeysUnder(client, bucket), []);
    });

    it('-r NAME removes a chunk set whole (every generation, MANIFEST first), and nothing beside it', async () => {
      const bucket = await freshBucket(client, 'rm');
      const store = (data: Buffer) => storeSet(client, bucket, 'sets/www', data, { chunkSize: 100, retention: { last: 2 } });
      await store(Buffer.alloc(250, 1));
      await store(Buffer.alloc(350, 2));
      await storeKeys(s, client, bucket, ['sets/www2/x', 'sets/wwwx', 'sets/ww']);
      const before = await sortedKeysUnder(client, bucket, 'sets/www/');
      assert.equal(before.length, 3 + 4 + 2 * 1 + 1, 'two generations of chunks, their manifests and the MANIFEST');
      const r = await rm(['-r', '-v', `s3://${bucket}/sets/www`]);
      assert.equal(r.code, 0, r.stderr);
      const out = stdoutLines(r);
      assert.equal(out[0], `s3://${bucket}/sets/www/MANIFEST`, 'the commit point goes first');
      assert.deepEqual([...out].sort(), before.map((k) => `s3://${bucket}/${k}`).sort());
      assert.deepEqual(await sortedKeysUnder(client, bucket), ['sets/ww', 'sets/www2/x', 'sets/wwwx']);
    });

    // Refused or done before any request: the s3rver file is enough.
    if (server.kind === 's3rver') {
      it('a bare key without -b is a usage error: exit 2, nothing removed', async () => {
        const bucket = await freshBucket(client, 'rm');
        await storeKeys(s, client, bucket, ['d']);
        const bad = await rm(['d']);
        assert.equal(bad.code, 2);
        assert.match(stderrLines(bad)[0], /^s3rm: not an s3:\/\/ address: "d" \(give s3:\/\/BUCKET\/KEY, or -b BUCKET for bare keys\)(; see s3rm --help)?$/);
        assert.deepEqual(await sortedKeysUnder(client, bucket), ['d']);
      });

      it('-r s3://BUCKET (the whole bucket) needs --yes: exit 2, one line, nothing removed', async () => {
        const bucket = await freshBucket(client, 'rm');
        await storeKeys(s, client, bucket, ['a', 'd/b']);
        for (const url of [`s3://${bucket}`, `s3://${bucket}/`]) {
          const r = await rm(['-r', url]);
          assert.equal(r.code, 2);
          assert.deepEqual(stderrLines(r), [`s3rm: -r s3://${bucket}/ removes everything in the bucket; add --yes to confirm; see s3rm --help`]);
        }
        assert.deepEqual(await sortedKeysUnder(client, bucket), ['a', 'd/b']);
      });

      it('--all without --yes refuses (exit 2) and removes nothing', async () => {
        const bucket = await freshBucket(client, 'rm');
        await storeKeys(s, client, bucket, ['k']);
        const r = await rm(['--all']);
        assert.equal(r.code, 2);
        assert.match(stderrLines(r)[0], /^s3rm: --all removes every bucket and everything in it; add --yes to confirm(; see s3rm --help)?$/);
        assert.deepEqual(await sortedKeysUnder(client, bucket), ['k']);
      });

      it('usage: no key in a URL, a key given to --bucket, unknown option: exit 2; empty stdin: exit 0', async () => {
        for (const args of [['s3://bucket/'], ['--bucket', 's3://bucket/key'], ['--bogus', 's3://b/k'], ['-j', '0', 's3://b/k']]) {
          const r = await rm(args);
          assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
          assert.match(stderrLines(r)[0], /^s3rm: /);
        }
        const e = await rm([], '');
        assert.equal(e.code, 0, e.stderr);
        assert.deepEqual(stderrLines(e), []);
      });
    }

    describe('through a fault-injecting proxy', () => {
      let proxy: FaultProxy;
      let penv: NodeJS.ProcessEnv;
      before(async () => {
        proxy = await FaultProxy.start(s.endpoint, 11);
        penv = s3Env(s, proxy.endpoint);
      });
      after(() => proxy.close());
      const DELETE = /\?delete/;

      it('a key the server refuses: one line naming it, exit 1, the rest of the batch and the next batches still go', async () => {
        const bucket = await freshBucket(client, 'rm');
        const keys = Array.from({ length: 1001 }, (_, i) => `f/k-${String(i).padStart(4, '0')}`);
        // Two batches of names; a few of each stored (the refused one too), to be seen gone:
        // removing a missing key succeeds (rm -f), so the others are reported all the same.
        await storeKeys(s, client, bucket, keys.filter((k, i) => i % 100 === 0 || k === 'f/k-0007'));
        const refused = `<Error><Key>f/k-0007</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`;
        proxy.clear().add({ fault: 'rewrite', method: 'POST', url: DELETE, nth: 1, rewrite: (b) => b.replace(/<\/DeleteResult>|<DeleteResult([^>]*)\/>/, (_m, attrs?: string) => `${attrs === undefined ? '' : `<DeleteResult${attrs}>`}${refused}</DeleteResult>`) });
        const r = await rm(['-v', '-j', '1'], keys.map((k) => `s3://${bucket}/${k}`).join('\n'), penv);
        assert.equal(r.code, 1);
        assert.deepEqual(stderrLines(r), [`s3rm: cannot delete s3://${bucket}/f/k-0007: AccessDenied (Access Denied)`]);
        assert.equal(stdoutLines(r).length, keys.length - 1, 'every other key is reported removed');
        assert.ok(!stdoutLines(r).includes(`s3://${bucket}/f/k-0007`));
        assert.equal(proxy.requests.POST >= 2, true);
        assert.deepEqual(await sortedKeysUnder(client, bucket), [], 'the server did delete them (the refusal was injected)');
      });

      it('transient faults on DeleteObjects are retried', async () => {
        const bucket = await freshBucket(client, 'rm');
        await storeKeys(s, client, bucket, ['a', 'b', 'c']);
        proxy.clear().add({ fault: 'error500', method: 'POST', url: DELETE, nth: 1 }).add({ fault: 'reset', method: 'POST', url: DELETE, nth: 1 });
        const r = await rm([`s3://${bucket}/a`, `s3://${bucket}/b`], undefined, penv);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(await sortedKeysUnder(client, bucket), ['c']);
        assert.equal(proxy.injected.error500 + proxy.injected.reset >= 2, true);
        proxy.clear();
      });
    });

    it('library: pipeline(listObjects, deleteObjects) batches 1000 keys a request and honours backpressure', async () => {
      const bucket = await freshBucket(client, 'rm');
      const keys = Array.from({ length: 1001 }, (_, i) => `lib/k-${String(i).padStart(5, '0')}`);
      await storeKeys(s, client, bucket, keys);
      const sink = deleteObjects({ client, bucket, jobs: 1 });
      let maxBuffered = 0;
      const source = listObjects({ client, bucket, prefix: 'lib/', pageSize: 333 });
      source.on('data', () => (maxBuffered = Math.max(maxBuffered, sink.writableLength)));
      await pipeline(source, sink);
      assert.equal(sink.requests, 2);
      assert.equal(sink.deleted, keys.length);
      assert.equal(sink.failed, 0);
      assert.ok(maxBuffered <= 1000 + 333, `writable buffered ${maxBuffered} keys`);
      assert.deepEqual(await sortedKeysUnder(client, bucket, 'lib/'), []);
      assert.throws(() => resolveTargets(['s3://b/k', 'oops'], 'keys'), /not an s3:\/\/ address: "oops"/);
      assert.deepEqual(resolveTargets(['k', 's3://c/d'], 'keys', 'b'), [{ bucket: 'b', key: 'k' }, { bucket: 'c', key: 'd' }]);
    });

    // Last: it removes every bucket on this server.
    it('--all -n lists everything; --all --yes empties and removes every bucket (clear_environment)', async () => {
      const b1 = await freshBucket(client, 'all');
      const b2 = await freshBucket(client, 'all');
      await storeKeys(s, client, b1, ['x', 'y/z']);
      await storeKeys(s, client, b2, ['w w']);
      const n = await rm(['--all', '-n']);
      assert.equal(n.code, 0, n.stderr);
      for (const url of [`s3://${b1}/x`, `s3://${b1}/y/z`, `s3://${b1}/`, `s3://${b2}/w\\ w`, `s3://${b2}/`]) assert.ok(stdoutLines(n).includes(`would remove ${url}`), url);
      assert.deepEqual(await sortedKeysUnder(client, b1), ['x', 'y/z']);
      const r = await rm(['--all', '--yes']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await listBuckets(client), []);
    });

    // The man page's examples, on the same server (fresh buckets of their own).
    it('every example runs, with s3://b/, s3://backup/ and s3://scratch standing for test buckets', async () => {
      const bucket = await freshBucket(client, 'ex');
      const scratch = await freshBucket(client, 'scratch');
      await storeKeys(s, client, bucket, ['old/a', 'old/b/c', 'tmp/x y', 'tmp/new\nline', 'tmp/keep/z', 'www2']);
      await storeKeys(s, client, scratch, ['s1', 's/2']);
      await storeSet(client, bucket, 'www', Buffer.alloc(300, 7), { chunkSize: 100 });
      const examples = manExamples(manPage('s3rm')).flatMap((block) => block.split('\n'));
      assert.equal(examples.length, 6);
      for (const line of examples) {
        const cmd = line.replace(/s3:\/\/(b|backup)\//g, `s3://${bucket}/`).replace(/s3:\/\/scratch\b/g, `s3://${scratch}`);
        if (line.includes('old/')) await storeKeys(s, client, bucket, ['old/a', 'old/b/c']);
        const r = await runCommand('bash', ['-c', cmd], { env, timeout: 60_000 });
        assert.equal(r.code, 0, `${cmd}: ${r.stderr}`);
        assert.deepEqual(stderrLines(r), [], cmd);
      }
      assert.deepEqual(await sortedKeysUnder(client, bucket), ['tmp/keep/z', 'www2']);
      assert.ok(!(await listBuckets(client)).some((b) => b.name === scratch));
    });
  });
}
