import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { S3Client } from '@aws-sdk/client-s3';
import { runCommand, runFilter, stderrLines, stdoutLines, filterPath } from './helpers/run';
import { freshBucket, s3Env, storeKeys, storeSet, testClient, type S3TestServer } from './helpers/s3';
import { FaultProxy, LIST_URL } from './helpers/fault-proxy';
import { waitFor } from './helpers/wait';
import { S3_SERVERS } from './helpers/s3servers';
import { BIN, manExamples, manPage } from './helpers/docs';
import { compareKeys, listObjects, listPages, type ListEntry, type ListedObject } from '../lib/s3/lister';
import { listChunkSets, setNameOfManifestKey } from '../lib/s3/sets';

/** The servers this file runs against (s3rver, later Ceph RGW): every assertion below holds on each. */
const SERVERS = S3_SERVERS;

const byBytes = (a: string, b: string) => compareKeys(a, b);

// Zero-padded keys in one "directory": s3rver walks its store in file-name order, which
// is S3's byte order only for keys like these (see the report on s3rver's paging).
// One more than the largest page (1000): at every page size below the last page is short.
const MANY = Array.from({ length: 1001 }, (_, i) => `many/k-${String(i).padStart(5, '0')}`);

for (const server of SERVERS) {
  describe(`s3ls on ${server.kind}`, () => {
    let s: S3TestServer;
    let client: S3Client;
    let bucket: string;
    let env: NodeJS.ProcessEnv;

    before(async () => {
      s = await server.start();
      client = testClient(s);
      bucket = await freshBucket(client, 'ls');
      env = s3Env(s);
      await storeKeys(s, client, bucket, MANY);
    });
    after(() => s.stop());

    const ls = (args: string[], e = env) => runFilter('s3ls', args, { env: e, timeout: 60_000 });

    it('lists 1,001 keys exactly once, in order, at odd page sizes', async () => {
      const want = MANY.map((k) => `s3://${bucket}/${k}`);
      for (const size of ['97', '1000', '333']) {
        const r = await ls(['-r', '--page-size', size, `s3://${bucket}/many/`]);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(stderrLines(r), []);
        assert.deepEqual(stdoutLines(r), want, `page size ${size}`);
      }
    });

    it('the library lister gives every key once at page sizes 1, 7, 13 and 1000', async () => {
      const prefix = 'many/k-000';
      const want = MANY.filter((k) => k.startsWith(prefix));
      assert.equal(want.length, 100);
      for (const pageSize of [1, 7, 13, 1000]) {
        const got: string[] = [];
        for await (const e of listObjects({ client, bucket, prefix, pageSize })) got.push((e as ListedObject).key);
        assert.deepEqual(got, want, `page size ${pageSize}`);
      }
    });

    it('fetches the next page only when the reader has taken the last one (backpressure)', async () => {
      const proxy = await FaultProxy.start(s.endpoint, 1);
      try {
        const pc = testClient(s, proxy.endpoint);
        const pageSize = 50;
        const listRequests = () => proxy.requests.GET ?? 0;
        let i = 0;
        for await (const e of listObjects({ client: pc, bucket, prefix: 'many/', pageSize })) {
          assert.ok('key' in e);
          // Never more than the page being read, one buffered and one in flight.
          assert.ok(listRequests() <= Math.floor(i / pageSize) + 3, `item ${i}: ${listRequests()} requests`);
          i++;
        }
        assert.equal(i, MANY.length);
        assert.equal(listRequests(), Math.ceil(MANY.length / pageSize));
        pc.destroy();
      } finally {
        await proxy.close();
      }
    });

    it('destroying the listing stops it: no further requests', async () => {
      const proxy = await FaultProxy.start(s.endpoint, 1);
      try {
        const pc = testClient(s, proxy.endpoint);
        const stream = listObjects({ client: pc, bucket, prefix: 'many/', pageSize: 10 });
        let taken = 0;
        for await (const _ of stream) if (++taken === 25) break; // break destroys the stream
        assert.ok(stream.destroyed);
        const seen = proxy.requests.GET ?? 0;
        assert.ok(seen <= 5, `${seen} requests for 25 keys`);
        pc.destroy();
      } finally {
        await proxy.close();
      }
    });

    describe('formats', () => {
      // No key two levels below a common prefix: s3rver drops such prefixes (see report).
      const odd = ['lvl/a+b', 'lvl/a/1', 'lvl/a/2', 'lvl/b', 'lvl/c/d', 'lvl/sp ace', 'lvl/ünï', 'lvl/ü/x', 'lvl/zz'];
      before(() => storeKeys(s, client, bucket, odd, (k) => 'x'.repeat(k === 'lvl/zz' ? 1536 : 3)));

      it('one level by default: keys and common prefixes (ending in /) in byte order', async () => {
        const r = await ls([`s3://${bucket}/lvl/`]);
        assert.equal(r.code, 0, r.stderr);
        const want = ['a+b', 'a/', 'b', 'c/', 'sp\\ ace', 'zz', 'ü/', 'ünï'].map((k) => `s3://${bucket}/lvl/${k}`);
        assert.deepEqual(stdoutLines(r), want);
        const rr = await ls(['-r', `s3://${bucket}/lvl/`]);
        assert.deepEqual(stdoutLines(rr), [...odd].sort(byBytes).map((k) => `s3://${bucket}/${k.replace(' ', '\\ ')}`));
      });

      it('a prefix is matched literally, as S3 does: lvl/a lists lvl/a+b and lvl/a/', async () => {
        const r = await ls([`s3://${bucket}/lvl/a`]);
        assert.deepEqual(stdoutLines(r), [`s3://${bucket}/lvl/a+b`, `s3://${bucket}/lvl/a/`]);
      });

      it('-l prints size, UTC time and URL; -h human sizes; --json one object per line; -0 NUL', async () => {
        const r = await ls(['-l', `s3://${bucket}/lvl/`]);
        const out = stdoutLines(r);
        assert.match(out[0], /^ {11}3  \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  STANDARD {4}  s3:\/\/[^ ]+\/lvl\/a\+b$/);
        assert.match(out[1], /^ {9}PRE  - {20} - {12} s3:\/\/[^ ]+\/lvl\/a\/$/);
        assert.match(out[4], /^ +3  \S+  STANDARD {4}  s3:\/\/[^ ]+\/lvl\/sp\\ ace$/);
        assert.match(out[5], /^ +1536  \S+  STANDARD {4}  s3:\/\/[^ ]+\/lvl\/zz$/);
        const h = stdoutLines(await ls(['-l', '-h', `s3://${bucket}/lvl/zz`]));
        assert.match(h[0], /^ {2}1\.5K  \S+Z  STANDARD {4}  s3:\/\/[^ ]+\/lvl\/zz$/);
        const j = stdoutLines(await ls(['--json', '-r', `s3://${bucket}/lvl/`])).map((l) => JSON.parse(l) as Record<string, unknown>);
        assert.equal(j.length, odd.length);
        assert.deepEqual(
          { ...j[0], lastModified: undefined, etag: undefined },
          { url: `s3://${bucket}/lvl/a+b`, bucket, key: 'lvl/a+b', size: 3, lastModified: undefined, etag: undefined, storageClass: 'STANDARD' },
        );
        assert.ok(!Number.isNaN(Date.parse(j[0].lastModified as string)));
        const z = await ls(['-r', '-0', `s3://${bucket}/lvl/`]);
        assert.ok(z.stdout.toString().endsWith('\0'));
        assert.deepEqual(stdoutLines(z, '\0'), [...odd].sort(byBytes).map((k) => `s3://${bucket}/${k}`));
        const bundled = await ls(['-r0', `s3://${bucket}/lvl/`]);
        assert.ok(bundled.stdout.equals(z.stdout), '-r0 is -r -0');
      });

      it('a key with a newline: raw with -0; without -0 quoted as xargs reads it (a backslash before the newline and blanks)', async () => {
        await storeKeys(s, client, bucket, ['nl/one\ntwo three']);
        const z = await ls(['-r', '-0', `s3://${bucket}/nl/`]);
        assert.equal(z.code, 0);
        assert.equal(z.stdout.toString(), `s3://${bucket}/nl/one\ntwo three\0`);
        const r = await ls(['-r', `s3://${bucket}/nl/`]);
        assert.equal(r.code, 0);
        assert.deepEqual(stderrLines(r), []);
        assert.equal(r.stdout.toString(), `s3://${bucket}/nl/one\\\ntwo\\ three\n`);
      });

      it('no argument lists buckets as s3://NAME/ (-l with creation time)', async () => {
        const r = await ls([]);
        assert.equal(r.code, 0, r.stderr);
        assert.ok(stdoutLines(r).includes(`s3://${bucket}/`));
        const l = stdoutLines(await ls(['-l']));
        assert.ok(l.some((x) => new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+Z  s3://${bucket}/$`).test(x)), l.join('\n'));
      });

      it('the output of s3ls is input for s3ls: buckets | xargs s3ls', async () => {
        const r = await runCommand('bash', ['-c', `set -o pipefail; "$NODE" "$LS" | grep -F "s3://${bucket}/" | xargs "$NODE" "$LS" -r | grep -c /lvl/`], {
          env: { ...env, NODE: process.execPath, LS: filterPath('s3ls') },
        });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout.toString().trim(), String(odd.length));
      });
    });

    describe('errors', () => {
      it('a missing bucket: one line, exit 1', async () => {
        const r = await ls([`s3://no-such-bucket-${Date.now()}/x`]);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /^s3ls: cannot list s3:\/\/no-such-bucket-\d+\/x: NoSuchBucket \(404\)\n$/);
        assert.equal(r.stdout.length, 0);
      });

      // Parsed and refused before any request: one server is enough.
      if (server === SERVERS[0]) {
        it('usage errors exit 2: unknown option, bad page size, not an s3:// address', async () => {
          for (const args of [['--bogus'], ['--page-size', '0', `s3://${bucket}/`], ['--page-size', '1001', `s3://${bucket}/`], ['/tmp'], ['--sets']]) {
            const r = await ls(args);
            assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
            assert.match(stderrLines(r)[0], /^s3ls: /);
          }
        });

        it('-h means human sizes, --help prints the help; --version', async () => {
          const h = await ls(['--help']);
          assert.equal(h.code, 0);
          assert.match(h.stdout.toString(), /^Usage: s3ls /);
          assert.match(h.stdout.toString(), /-h, --human-readable/);
          const v = await ls(['--version']);
          assert.match(v.stdout.toString(), /^s3ls \d+\.\d+\.\d+\n$/);
        });
      }

      it('a closed stdout ends the listing quietly', async () => {
        // The reader goes after three lines of the first page, and the second page is kept
        // back until it has: s3ls surely writes into a closed pipe (the whole listing would
        // fit in the pipe's buffer, so a plain `| head -n 3` could miss the case).
        const proxy = await FaultProxy.start(s.endpoint, 1);
        try {
          proxy.add({ fault: 'delay', method: 'GET', url: LIST_URL, nth: 2 });
          const child = spawn(process.execPath, [filterPath('s3ls'), '-r', '--page-size', '100', `s3://${bucket}/many/`], {
            env: s3Env(s, proxy.endpoint),
            stdio: ['ignore', 'pipe', 'pipe'],
            timeout: 60_000,
          });
          let stderr = '';
          child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
          const closed = once(child, 'close');
          let head = '';
          for await (const c of child.stdout) if ((head += c.toString()).split('\n').length > 3) break; // break closes the pipe
          await waitFor(() => proxy.injected.delay === 1, 30_000, 'the request for the second page');
          proxy.releaseDelayed();
          const [code] = (await closed) as [number];
          assert.equal(code, 0, stderr);
          assert.equal(stderr, '');
          assert.deepEqual(head.split('\n').slice(0, 3), MANY.slice(0, 3).map((k) => `s3://${bucket}/${k}`));
        } finally {
          await proxy.close();
        }
      });
    });

    describe('through a proxy that breaks the page chain', () => {
      let proxy: FaultProxy;
      let penv: NodeJS.ProcessEnv;
      before(async () => {
        proxy = await FaultProxy.start(s.endpoint, 7);
        penv = s3Env(s, proxy.endpoint);
      });
      after(() => proxy.close());
      const LIST = /list-type=2/;
      const TOKEN = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/;

      it('a truncated page without a token: one clear line, exit 1, no silent end', async () => {
        proxy.clear().add({ fault: 'rewrite', method: 'GET', url: LIST, nth: 2, rewrite: (b) => b.replace(TOKEN, '') });
        const r = await ls(['-r', '--page-size', '100', `s3://${bucket}/many/`], penv);
        assert.equal(r.code, 1);
        assert.deepEqual(stderrLines(r), [`s3ls: cannot list s3://${bucket}/many/: listing truncated but the server sent no continuation token`]);
        assert.deepEqual(stdoutLines(r), MANY.slice(0, 200).map((k) => `s3://${bucket}/${k}`), 'the pages before the fault, then nothing');
        assert.equal(proxy.injected.rewrite >= 1, true);
      });

      it('a repeated token: one clear line, exit 1, no endless loop', async () => {
        let first: string | undefined;
        proxy.clear().add({
          fault: 'rewrite',
          method: 'GET',
          url: LIST,
          times: 1000,
          rewrite: (b) => {
            const t = TOKEN.exec(b)?.[1];
            if (first === undefined) first = t;
            return t ? b.replace(TOKEN, `<NextContinuationToken>${first}</NextContinuationToken>`) : b;
          },
        });
        const before = proxy.requests.GET ?? 0;
        const r = await ls(['-r', '--page-size', '100', `s3://${bucket}/many/`], penv);
        assert.equal(r.code, 1);
        assert.deepEqual(stderrLines(r), [`s3ls: cannot list s3://${bucket}/many/: server repeated a continuation token; listing would loop`]);
        assert.equal((proxy.requests.GET ?? 0) - before, 2, 'stopped at the first repeat');
        assert.equal(stdoutLines(r).length, 200);
      });

      it('an earlier page resent under a fresh token: one clear line, exit 1, no key twice', async () => {
        let firstBody: string | undefined;
        let n = 0;
        proxy.clear().add({
          fault: 'rewrite',
          method: 'GET',
          url: LIST,
          times: 1000,
          rewrite: (b) => {
            n++;
            firstBody ??= b;
            return n === 3 ? firstBody.replace(TOKEN, '<NextContinuationToken>fresh-token</NextContinuationToken>') : b;
          },
        });
        const r = await ls(['-r', '--page-size', '100', `s3://${bucket}/many/`], penv);
        assert.equal(r.code, 1);
        assert.match(stderrLines(r)[0], /^s3ls: cannot list s3:\/\/\S+: server went back to "many\/k-00000" after "many\/k-00199"; listing would repeat keys$/);
        const out = stdoutLines(r);
        assert.equal(new Set(out).size, out.length);
      });

      it('a key listed twice in one page: one clear line, exit 1, no key twice', async () => {
        proxy.clear().add({ fault: 'rewrite', method: 'GET', url: LIST, nth: 2, rewrite: (b) => b.replace(/(<Contents>[\s\S]*?<\/Contents>)/, '$1$1') });
        const r = await ls(['-r', '--page-size', '100', `s3://${bucket}/many/`], penv);
        assert.equal(r.code, 1);
        assert.deepEqual(stderrLines(r), [`s3ls: cannot list s3://${bucket}/many/: server listed "many/k-00100" twice in one page`]);
        assert.deepEqual(stdoutLines(r), MANY.slice(0, 100).map((k) => `s3://${bucket}/${k}`), 'the page before the fault, then nothing');
      });

      it('transient faults on list requests are retried: every key once', async () => {
        proxy.clear().add({ fault: 'error500', method: 'GET', url: LIST, nth: 2 }).add({ fault: 'reset', method: 'GET', url: LIST, nth: 5 }).add({ fault: 'slowdown', method: 'GET', url: LIST, nth: 9 });
        // 11 pages of 100 and a retry after each fault: there is a 9th request.
        const r = await ls(['-r', '--page-size', '100', `s3://${bucket}/many/`], penv);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(stdoutLines(r), MANY.map((k) => `s3://${bucket}/${k}`));
        assert.deepEqual([proxy.injected.error500, proxy.injected.reset, proxy.injected.slowdown], [1, 1, 1]);
        proxy.clear();
      });
    });

    describe('--sets', () => {
      const store = (name: string, data: Buffer, keep = 1) => storeSet(client, bucket, name, data, { chunkSize: 1000, retention: { last: keep } });
      before(async () => {
        await store('sets/www', Buffer.alloc(2500, 1), 2);
        await store('sets/www', Buffer.alloc(3001, 2), 2);
        await store('sets/db dump', Buffer.alloc(10, 3));
        await storeKeys(s, client, bucket, ['sets/plain', 'sets/notes/MANIFEST.txt', 'broken/ok/x']);
        await store('broken/good', Buffer.alloc(5, 4));
        await storeKeys(s, client, bucket, ['broken/bad/MANIFEST'], () => '{"format": 1, "chunks": ');
      });

      it('lists each chunk set once (not its generations) with -l size, date and generation', async () => {
        const r = await ls(['--sets', `s3://${bucket}/sets/`]);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(stdoutLines(r), [`s3://${bucket}/sets/db\\ dump`, `s3://${bucket}/sets/www`]);
        const l = stdoutLines(await ls(['--sets', '-l', `s3://${bucket}/sets/`]));
        assert.match(l[0], /^ {10}10 {13}- {13}-  \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  \d{8}T\d{9}Z-[0-9a-f]{8}  s3:\/\/\S+\/sets\/db\\ dump$/);
        assert.match(l[1], /^ +3001 +- +-  \S+  \S+  s3:\/\/\S+\/sets\/www$/);
        const j = stdoutLines(await ls(['--sets', '--json', `s3://${bucket}/sets/w`])).map((x) => JSON.parse(x) as Record<string, unknown>);
        assert.equal(j.length, 1);
        assert.equal(j[0].name, 'sets/www');
        assert.equal(j[0].size, 3001);
        assert.equal(j[0].chunks, 4);
      });

      it('an unreadable MANIFEST: the other sets are listed, one line names it, exit 1', async () => {
        const r = await ls(['--sets', `s3://${bucket}/broken/`]);
        assert.equal(r.code, 1);
        assert.deepEqual(stdoutLines(r), [`s3://${bucket}/broken/good`]);
        assert.deepEqual(stderrLines(r), [`s3ls: cannot read s3://${bucket}/broken/bad/MANIFEST: MANIFEST is not valid JSON (truncated or corrupt)`]);
      });

      it('the library yields the same sets; set names are told from generation manifests', async () => {
        const names: string[] = [];
        for await (const set of listChunkSets({ client, bucket, prefix: 'sets/', pageSize: 3, jobs: 2 })) names.push(set.name);
        assert.deepEqual(names, ['sets/db dump', 'sets/www']);
        assert.equal(setNameOfManifestKey('a/b/MANIFEST'), 'a/b');
        assert.equal(setNameOfManifestKey('a/20261125T163012345Z-1a2b3c4d/MANIFEST'), null);
        assert.equal(setNameOfManifestKey('MANIFEST'), null);
        assert.equal(setNameOfManifestKey('a/MANIFEST.txt'), null);
      });
    });

    it('listPages keeps its contract for s3sink/s3source: pages of entries', async () => {
      let pages = 0;
      let entries: ListEntry[] = [];
      for await (const page of listPages({ client, bucket, prefix: 'many/', pageSize: 1000 })) {
        pages++;
        entries = entries.concat(page);
      }
      assert.equal(pages, 2);
      assert.equal(entries.length, MANY.length);
    });

    // The man page's examples, on the same server, in a bucket of their own.
    describe('man page examples', () => {
      let bucket: string;
      let env: NodeJS.ProcessEnv;
      before(async () => {
        bucket = await freshBucket(client, 'ex');
        env = s3Env(s, s.endpoint, { PATH: `${BIN}:${process.env.PATH ?? ''}` });
        await storeKeys(s, client, bucket, ['old/a', 'old/b/c', 'tmp/x y', "tmp/it's", 'tmp/keep/z', 'big'], (k) => (k === 'big' ? 'x'.repeat(5000) : k));
        await storeSet(client, bucket, 'www', Buffer.alloc(3000, 7), { chunkSize: 1000 });
      });

      it('every example runs, with s3://b/ and s3://backup/ standing for a test bucket', async () => {
        const examples = manExamples(manPage('s3ls')).flatMap((block) => block.split('\n'));
        assert.equal(examples.length, 6);
        const out: Record<string, string> = {};
        for (const line of examples) {
          const cmd = line.replace(/s3:\/\/(b|backup)\//g, `s3://${bucket}/`);
          const r = await runCommand('bash', ['-c', cmd], { env, timeout: 60_000 });
          assert.equal(r.code, 0, `${cmd}: ${r.stderr}`);
          assert.deepEqual(stderrLines(r), [], cmd);
          out[line] = r.stdout.toString();
        }
        assert.ok(out.s3ls.split('\n').includes(`s3://${bucket}/`));
        assert.match(out['s3ls -r -l s3://b/ | sort -n -r | head'].split('\n')[0], new RegExp(`^ +5000  \\S+  STANDARD +s3://${bucket}/big$`));
        assert.match(out['s3ls --sets -l -h s3://backup/'], new RegExp(`^ {2}2\\.9K {7}- {7}-  \\S+  \\S+  s3://${bucket}/www\\n$`));
        const left = stdoutLines(await runFilter('s3ls', ['-r', `s3://${bucket}/`], { env }));
        assert.deepEqual(left.filter((u) => !u.includes('/www/')), [`s3://${bucket}/big`, `s3://${bucket}/tmp/keep/z`]);
      });
    });
  });
}
