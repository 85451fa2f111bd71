import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { filterPath, runCommand, runFilter, stderrLines, stdoutLines } from './helpers/run';
import { freshBucket, getObjectBytes, s3Env, sortedKeysUnder, storeKeys, storeSet, testClient, type S3TestServer } from './helpers/s3';
import { FaultProxy } from './helpers/fault-proxy';
import { S3_SERVERS } from './helpers/s3servers';
import { BIN } from './helpers/docs';
import { readQuotedLines } from '../lib/xargs-quote';

/**
 * Keys an S3 server holds and a pipeline of text must not get wrong (issue 15): every
 * documented way from s3ls to s3rm deletes exactly the keys listed, and a key whose name
 * is spelled inside a hostile key survives.
 */

async function exists(client: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (err) {
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw err;
  }
}

/** Keys naming another key, a quote, a backslash or a newline: each once broke a pipeline. */
const hostile = (bucket: string) => [
  `old/evil s3://${bucket}/precious.db`,
  `old/nl\n s3://${bucket}/precious.db`,
  `old/nl-only\ns3://${bucket}/precious.db`,
  `old/tab\ts3://${bucket}/precious.db`,
  "old/it's",
  'old/say "hi"',
  'old/back\\slash',
  'old/back\\ s3:',
  'old/two  blanks',
  'old/ü ✓',
  'old/a+b 50%25',
  'old/vt\vff\fx',
];
const bystanders = ['precious.db', 'old', 'older/k', 's3:'];

for (const server of S3_SERVERS) {
  describe(`hostile keys on ${server.kind}`, () => {
    let s: S3TestServer;
    let client: S3Client;
    let env: NodeJS.ProcessEnv;
    let work: string;
    // s3rver ignores encoding-type=url and sends a CR raw, which XML turns into LF: such a
    // key cannot be listed there (the encoded-listing test checks the loud failure).
    const cr = () => (server.kind === 'rgw' ? ['old/cr\r s3://x', 'old/crlf\r\n'] : []);
    // s3rver answers 404 to a PUT of a key holding `//` (its router), so no key there can
    // spell an s3:// URL: those run on RGW, the rest everywhere.
    const hostileHere = (bucket: string) => hostile(bucket).filter((k) => server.kind !== 's3rver' || !k.includes('//'));

    before(async () => {
      s = await server.start();
      client = testClient(s);
      env = s3Env(s, s.endpoint, { PATH: `${BIN}:${process.env.PATH ?? ''}` });
      work = mkdtempSync(join(tmpdir(), 'pipekit-edge-'));
    });
    after(async () => {
      rmSync(work, { recursive: true, force: true });
      await s.stop();
    });

    const sh = (script: string) => runCommand('bash', ['-c', `set -o pipefail; ${script}`], { env, timeout: 60_000 });

    for (const pipeline of ['s3ls -r s3://B/old/ | xargs -n 1000 s3rm', 's3ls -r s3://B/old/ | s3rm', 's3ls -r -0 s3://B/old/ | xargs -0 s3rm']) {
      it(`${pipeline}: every listed key goes, precious.db (named inside keys) stays`, async () => {
        const bucket = await freshBucket(client, 'edge');
        await storeKeys(s, client, bucket, [...hostileHere(bucket), ...cr(), ...bystanders]);
        const r = await sh(pipeline.replace('s3://B/', `s3://${bucket}/`));
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(stderrLines(r), []);
        assert.deepEqual(await sortedKeysUnder(client, bucket), [...bystanders].sort());
      });
    }

    it('s3ls prints each hostile key on what xargs takes as one argument, s3rm -v prints it back the same', async () => {
      const bucket = await freshBucket(client, 'edge');
      const keys = [...hostileHere(bucket), ...cr()];
      await storeKeys(s, client, bucket, keys);
      // One listing, read by both: xargs (as `s3ls | xargs printf`) and s3rm (as `s3ls | s3rm -v`).
      const listing = await runFilter('s3ls', ['-r', `s3://${bucket}/old/`], { env });
      assert.equal(listing.code, 0, listing.stderr);
      const listed = await runCommand('xargs', ['printf', '%s\\0'], { env, input: listing.stdout });
      assert.equal(listed.code, 0, listed.stderr);
      const expected = keys.map((k) => `s3://${bucket}/${k}`).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      assert.deepEqual(listed.stdout.toString().split('\0').slice(0, -1), expected);
      const removed = await runFilter('s3rm', ['-v'], { env, input: listing.stdout });
      assert.equal(removed.code, 0, removed.stderr);
      assert.deepEqual(readQuotedLines(removed.stdout.toString()).sort(), [...expected].sort());
    });

    it('s3ls --sets quotes set names too: s3ls --sets | xargs s3rm -r removes a set named with a blank and a newline, whole', async () => {
      const bucket = await freshBucket(client, 'edge');
      const name = "sets/it's a\nset";
      await storeSet(client, bucket, name, Buffer.alloc(100, 1), { chunkSize: 64 });
      await storeKeys(s, client, bucket, ['sets/it', 'set']);
      const listed = await sh(`s3ls --sets s3://${bucket}/sets/`);
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual(stderrLines(listed), []);
      assert.equal(listed.stdout.toString(), `s3://${bucket}/sets/it\\'s\\ a\\\nset\n`);
      // That listing is what `s3ls --sets | xargs s3rm -r` feeds xargs.
      const r = await runCommand('xargs', ['s3rm', '-r'], { env, input: listed.stdout });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await sortedKeysUnder(client, bucket), ['set', 'sets/it']);
    });

    // Refused before any request: one server is enough.
    if (server === S3_SERVERS[0]) {
      it('s3rm refuses a list it cannot read exactly (an unmatched quote), removing nothing: status 2', async () => {
        const bucket = await freshBucket(client, 'edge');
        await storeKeys(s, client, bucket, ['q/a', "q/it's"]);
        const r = await runFilter('s3rm', [], { env, input: `s3://${bucket}/q/a\ns3://${bucket}/q/it's\n` });
        assert.equal(r.code, 2);
        assert.match(stderrLines(r)[0], /^s3rm: standard input, line 2: unmatched single quote/);
        assert.deepEqual(await sortedKeysUnder(client, bucket), ["q/a", "q/it's"]);
      });
    }

    it('control characters XML cannot carry, among 1,004 keys: s3rm -r empties the prefix, the bystander stays', async () => {
      const bucket = await freshBucket(client, 'edge');
      // Two pages and two DeleteObjects batches, with control characters in each.
      const plain = Array.from({ length: 1001 }, (_, i) => `ctl/k-${String(i).padStart(5, '0')}`);
      const control = ['ctl/soh\x01x', 'ctl/esc\x1b[31mred', 'ctl/bs\x08'];
      await storeKeys(s, client, bucket, plain);
      await storeKeys(s, client, bucket, [...control, 'ctl-keep']);
      const r = await runFilter('s3rm', ['-r', '-v', `s3://${bucket}/ctl/`], { env, timeout: 60_000 });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(stderrLines(r), []);
      assert.equal(stdoutLines(r).length, plain.length + control.length);
      assert.deepEqual(await sortedKeysUnder(client, bucket), ['ctl-keep']);
    });

    it('encoded listings: a CR key beside its LF twin round-trips through s3ls -0 | xargs -0 s3rm (or the listing fails loudly)', async () => {
      const bucket = await freshBucket(client, 'edge');
      const twins = ['enc/cr\rkey', 'enc/cr\nkey'];
      await storeKeys(s, client, bucket, [...twins, 'enc/plain', 'enc-keep']);
      const r = await sh(`s3ls -r -0 s3://${bucket}/enc/ | xargs -0 -r s3rm`);
      if (server.kind === 's3rver') {
        // s3rver ignores encoding-type=url: s3ls says so and lists nothing changed.
        assert.equal(r.code, 1);
        assert.deepEqual(stderrLines(r), [
          `s3ls: cannot list s3://${bucket}/enc/: server ignored encoding-type=url and sent a carriage return in a key, which XML parsing turns into a line feed; refusing to list changed keys`,
        ]);
        for (const k of [...twins, 'enc/plain']) assert.ok(await exists(client, bucket, k), `${JSON.stringify(k)} was removed`);
        return;
      }
      assert.equal(r.code, 0, r.stderr);
      for (const k of [...twins, 'enc/plain']) assert.equal(await exists(client, bucket, k), false, `${JSON.stringify(k)} is still there`);
      assert.ok(await exists(client, bucket, 'enc-keep'));
    });

    it('an object replaced mid-read (slow reader, second writer): exit 1, the replacement named, only old bytes written', async () => {
      const bucket = await freshBucket(client, 'edge');
      const size = 4 * 2 ** 20;
      const first = randomBytes(size);
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'big', Body: first }));
      // The first ranged GET goes through; the next waits at the proxy until the object is
      // replaced, so no read is at the server while it is rewritten (s3rver rewrites the
      // file in place: a read then saw it cut short, InvalidRange, or half new). One GET
      // at a time (-j 1), so the first is the first chunk's.
      const proxy = await FaultProxy.start(s.endpoint, 1);
      const BIG = new RegExp(`^/${bucket}/big(\\?|$)`);
      proxy.add({ fault: 'headers', method: 'GET', url: BIG, times: 1, headers: {} }).add({ fault: 'delay', method: 'GET', url: BIG, times: 1000 });
      try {
        const child = spawn(process.execPath, [filterPath('s3source'), '-j', '1', '--chunk-size', '1M', `s3://${bucket}/big`], {
          env: s3Env(s, proxy.endpoint),
          stdio: ['ignore', 'pipe', 'pipe'],
          timeout: 60_000,
        });
        let stderr = '';
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        const out: Buffer[] = [];
        // Take the first bytes, then stop reading while a second writer replaces the object.
        const [piece] = (await once(child.stdout, 'data')) as [Buffer];
        out.push(piece);
        child.stdout.pause();
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'big', Body: randomBytes(size) }));
        proxy.clear().releaseDelayed();
        child.stdout.on('data', (c: Buffer) => out.push(c));
        child.stdout.resume();
        const [code] = (await once(child, 'close')) as [number];
        assert.equal(code, 1, stderr);
        const lines = stderr.split('\n').filter(Boolean);
        const replaced = lines.filter((l) => / was replaced during the read /.test(l));
        assert.equal(replaced.length, 1, stderr);
        assert.match(replaced[0], new RegExp(`^s3source: s3://${bucket}/big was replaced during the read \\((ETag|If-Match|Last-Modified)`));
        assert.deepEqual(lines, replaced, 'one line');
        const written = Buffer.concat(out);
        assert.ok(written.length < size, 'not the whole object');
        assert.ok(first.subarray(0, written.length).equals(written), 'every byte written is from the first version');
      } finally {
        await proxy.close();
      }
    });

    it('s3put: two files for one key (x/f and ../x/f) are refused for the second, before it is read; the same file twice goes once', async () => {
      const bucket = await freshBucket(client, 'edge');
      const dir = join(work, `dup-${server.kind}`);
      mkdirSync(join(dir, 'a', 'x'), { recursive: true });
      mkdirSync(join(dir, 'x'), { recursive: true });
      writeFileSync(join(dir, 'a', 'x', 'f'), 'first');
      writeFileSync(join(dir, 'x', 'f'), 'second');
      const r = await runFilter('s3put', [`s3://${bucket}/p/`, 'x/f', '../x/f', './x/f'], { env, cwd: join(dir, 'a') });
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout.toString(), `s3://${bucket}/p/x/f\n`);
      assert.deepEqual(stderrLines(r), [
        's3put: not uploading ../x/f: its key p/x/f is taken by x/f, a different file',
        's3put: skipping the file x/f again: ./x/f',
        's3put: 1 file, 5 B uploaded, 1 skipped, 1 failed',
      ]);
      assert.equal((await getObjectBytes(client, bucket, 'p/x/f')).toString(), 'first');
    });
  });
}
