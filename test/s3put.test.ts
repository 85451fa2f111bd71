import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { filterPath, runCommand, runFilter, stderrLines, stdoutLines } from './helpers/run';
import { freshBucket, getObjectBytes, s3Env, testClient, type S3TestServer } from './helpers/s3';
import { FaultProxy } from './helpers/fault-proxy';
import { S3_SERVERS } from './helpers/s3servers';
import { BIN, manExamples, manPage } from './helpers/docs';
import { listPages, type ListedObject } from '../lib/s3/lister';
import { keyPathOf, keyPrefixOf, runTimestamp, uploadFiles } from '../lib/s3/uploader';
import { splitList } from '../lib/cli';
import { quoteForXargs } from '../lib/xargs-quote';

/** The servers this file runs against (s3rver, later Ceph RGW): every assertion below holds on each. */
const SERVERS = S3_SERVERS;

const MiB = 2 ** 20;

/** Deterministic bytes, different for every seed. */
function bytes(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(String(seed)).digest();
  for (let off = 0; off < size; off += block.length) {
    block.copy(out, off);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

async function objectsUnder(client: S3Client, bucket: string, prefix: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for await (const page of listPages({ client, bucket, prefix })) {
    for (const e of page) if ('key' in e) found.set((e as ListedObject).key, (e as ListedObject).size);
  }
  return found;
}


/** The regular files of the test tree, by path relative to the work directory. */
const FILES: Record<string, Buffer> = {
  'tree/a.txt': Buffer.from('hello\n'),
  'tree/empty': Buffer.alloc(0),
  'tree/with space.txt': bytes(1000, 1),
  'tree/ünï+code.bin': bytes(4097, 2),
  "tree/it's \"quoted\"": bytes(10, 3),
  'tree/sub/deep/file': bytes(65_537, 4),
  // Over --multipart-threshold 5M with 5M parts: three parts, the last one short.
  'tree/big.bin': bytes(12 * MiB + 3, 5),
};
const MULTIPART = ['--multipart-threshold', '5M', '--part-size', '5M'];

for (const server of SERVERS) {
  describe(`s3put on ${server.kind}`, () => {
    let s: S3TestServer;
    let client: S3Client;
    let env: NodeJS.ProcessEnv;
    let work: string;
    let sockServer: Server;

    before(async () => {
      s = await server.start();
      client = testClient(s);
      work = mkdtempSync(join(tmpdir(), 'pipekit-s3put-'));
      for (const [path, data] of Object.entries(FILES)) {
        mkdirSync(join(work, path, '..'), { recursive: true });
        writeFileSync(join(work, path), data);
      }
      // Everything that is not a regular file: reported, never uploaded.
      symlinkSync('a.txt', join(work, 'tree/link'));
      symlinkSync('sub', join(work, 'tree/dirlink'));
      symlinkSync('/nonexistent', join(work, 'tree/dangling'));
      const fifo = spawnSync('mkfifo', [join(work, 'tree/fifo')]);
      assert.equal(fifo.status, 0, 'mkfifo');
      sockServer = createServer();
      await new Promise<void>((resolve) => sockServer.listen(join(work, 'tree/sock'), resolve));
      // A tree whose names need -0.
      mkdirSync(join(work, 'nul'));
      writeFileSync(join(work, 'nul/new\nline'), 'two\nlines\n');
      writeFileSync(join(work, 'nul/tab\there'), 'tab');
      // s3ls on PATH for the pipelines, as after `make install`.
      mkdirSync(join(work, 'bin'));
      for (const name of ['s3ls', 's3put']) {
        writeFileSync(join(work, 'bin', name), `#!/bin/sh\nexec "${process.execPath}" "${filterPath(name)}" "$@"\n`, { mode: 0o755 });
      }
      env = s3Env(s, s.endpoint, { PATH: `${join(work, 'bin')}:${process.env.PATH ?? ''}` });
    });
    after(async () => {
      await new Promise((resolve) => sockServer.close(resolve));
      rmSync(work, { recursive: true, force: true });
      await s.stop();
    });

    const sh = (script: string, e = env) => runCommand('bash', ['-c', `set -o pipefail; ${script}`], { env: e, cwd: work, timeout: 120_000 });
    const put = (args: string[], input?: string, e = env) => runFilter('s3put', args, { env: e, cwd: work, input, timeout: 120_000 });

    async function assertUploaded(bucket: string, prefix: string, files: Record<string, Buffer>) {
      const found = await objectsUnder(client, bucket, prefix);
      assert.deepEqual([...found.keys()].sort(), Object.keys(files).map((p) => prefix + p).sort(), 'each regular file once, nothing else');
      for (const [path, data] of Object.entries(files)) {
        assert.equal(found.get(prefix + path), data.length, `size of ${path}`);
        assert.ok((await getObjectBytes(client, bucket, prefix + path)).equals(data), `contents of ${path}`);
      }
    }

    it('find dir -type f -print0 | s3put -0 s3://b/home/: each file once, right size, byte-identical', async () => {
      const bucket = await freshBucket(client, 'put');
      const r = await sh(`find tree -type f -print0 | s3put -0 ${MULTIPART.join(' ')} s3://${bucket}/home/`);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(stdoutLines(r, '\0').sort(), Object.keys(FILES).map((p) => `s3://${bucket}/home/${p}`).sort(), 'prints each key written');
      await assertUploaded(bucket, 'home/', FILES);
      // and s3ls -r -l shows each once with its size
      const ls = await sh(`s3ls -r -l s3://${bucket}/home/`);
      const sizes = new Map(stdoutLines(ls).map((l) => [l.slice(l.indexOf('s3://')), Number(l.slice(0, 12))]));
      for (const [path, data] of Object.entries(FILES)) assert.equal(sizes.get(quoteForXargs(`s3://${bucket}/home/${path}`)), data.length, path);
      assert.equal(sizes.size, Object.keys(FILES).length);
    });

    it('a directory argument is walked; links, FIFOs and sockets are reported on stderr, not uploaded', async () => {
      const bucket = await freshBucket(client, 'put');
      const r = await put([...MULTIPART, `s3://${bucket}/args`, 'tree']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        stderrLines(r).filter((l) => l.startsWith('s3put: skipping')).sort(),
        [
          's3put: skipping FIFO tree/fifo',
          's3put: skipping socket tree/sock',
          's3put: skipping symbolic link tree/dangling',
          's3put: skipping symbolic link tree/dirlink',
          's3put: skipping symbolic link tree/link',
        ],
      );
      await assertUploaded(bucket, 'args/', FILES);
    });

    it('find dir | s3put (no -type f): directories from a list are skipped quietly, the rest reported', async () => {
      const bucket = await freshBucket(client, 'put');
      const r = await sh(`find tree | s3put -q ${MULTIPART.join(' ')} s3://${bucket}/find/`);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(stderrLines(r).length, 5, r.stderr);
      assert.ok(stderrLines(r).every((l) => l.startsWith('s3put: skipping ')));
      await assertUploaded(bucket, 'find/', FILES);
    });

    it('-0: file names with newlines and tabs', async () => {
      const bucket = await freshBucket(client, 'put');
      const r = await sh(`find nul -type f -print0 | s3put -0 s3://${bucket}/`);
      assert.equal(r.code, 0, r.stderr);
      await assertUploaded(bucket, '', { 'nul/new\nline': Buffer.from('two\nlines\n'), 'nul/tab\there': Buffer.from('tab') });
      assert.deepEqual(stdoutLines(r, '\0').sort(), [`s3://${bucket}/nul/new\nline`, `s3://${bucket}/nul/tab\there`]);
    });

    it("--timestamp puts the run's UTC time between the prefix and the paths (backup.py)", async () => {
      const bucket = await freshBucket(client, 'put');
      const t0 = runTimestamp(new Date(Date.now() - 1000));
      const r = await put(['--timestamp', `s3://${bucket}/backup/`, 'tree/a.txt', 'tree/sub']);
      const t1 = runTimestamp(new Date(Date.now() + 1000));
      assert.equal(r.code, 0, r.stderr);
      const out = stdoutLines(r);
      assert.equal(out.length, 2);
      const m = new RegExp(`^s3://${bucket}/backup/(\\d{8}-\\d{6})/tree/a\\.txt$`).exec(out.find((l) => l.endsWith('a.txt')) ?? '');
      assert.ok(m, out.join('\n'));
      assert.ok(m[1] >= t0 && m[1] <= t1, `${m[1]} within [${t0}, ${t1}]`);
      assert.ok(out.includes(`s3://${bucket}/backup/${m[1]}/tree/sub/deep/file`), 'one timestamp for the whole run');
    });

    it('absolute paths lose their leading /, as in backup.py; ./ and // are tidied', async () => {
      const bucket = await freshBucket(client, 'put');
      const abs = join(work, 'tree/a.txt');
      const r = await put([`s3://${bucket}/p/`, abs, './tree//empty']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(stdoutLines(r).sort(), [`s3://${bucket}/p/${abs.slice(1)}`, `s3://${bucket}/p/tree/empty`].sort());
    });

    it('a missing file: one line, exit 1, after uploading the rest', async () => {
      const bucket = await freshBucket(client, 'put');
      const r = await put([`s3://${bucket}/m/`], 'tree/a.txt\nno/such/file\ntree/with space.txt\n');
      assert.equal(r.code, 1);
      assert.deepEqual(stderrLines(r).filter((l) => !/files?, .* uploaded/.test(l)), ['s3put: cannot read no/such/file: ENOENT']);
      await assertUploaded(bucket, 'm/', { 'tree/a.txt': FILES['tree/a.txt'], 'tree/with space.txt': FILES['tree/with space.txt'] });
    });

    it('a failing upload: one line naming it, exit 1, every other file still uploaded', async () => {
      const bucket = await freshBucket(client, 'put');
      const proxy = await FaultProxy.start(s.endpoint, 5);
      try {
        proxy.add({ fault: 'error500', method: 'PUT', url: /with space\.txt/, times: 1000 });
        proxy.add({ fault: 'reset', method: 'PUT', url: /a\.txt/, times: 1 });
        const r = await put([...MULTIPART, '-j', '3', `s3://${bucket}/f/`, 'tree'], undefined, s3Env(s, proxy.endpoint));
        assert.equal(r.code, 1);
        assert.deepEqual(stderrLines(r).filter((l) => !l.startsWith('s3put: skipping') && !/uploaded/.test(l)), [
          `s3put: cannot write s3://${bucket}/f/tree/with space.txt: InternalError (500)`,
        ]);
        const rest = { ...FILES };
        delete rest['tree/with space.txt'];
        await assertUploaded(bucket, 'f/', rest);
        assert.equal(proxy.injected.reset, 1, 'a transient fault was retried');
      } finally {
        await proxy.close();
      }
    });

    it('usage: missing or bad target, bad sizes, unknown option: exit 2; an empty list: exit 0', async () => {
      for (const args of [[], ['/tmp/x', 'tree'], ['--part-size', '1M', 's3://b/p/', 'tree'], ['--bogus', 's3://b/p/'], ['-j', 'x', 's3://b/p/']]) {
        const r = await put(args);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(stderrLines(r)[0], /^s3put: /);
      }
      const bucket = await freshBucket(client, 'put');
      const e = await put(['-q', `s3://${bucket}/`], '');
      assert.equal(e.code, 0, e.stderr);
      assert.equal(e.stdout.length, 0);
    });

    it('library: uploadFiles reports each upload, skip and failure', async () => {
      const bucket = await freshBucket(client, 'put');
      const uploaded: string[] = [];
      const skipped: string[] = [];
      const failed: string[] = [];
      const totals = await uploadFiles(splitList([Buffer.from(`${join(work, 'tree/a.txt')}\0${join(work, 'tree/li')}`), Buffer.from(`nk\0${join(work, 'nope')}\0`)], true), {
        client,
        bucket,
        prefix: 'lib/',
        onUploaded: (key, _path, size) => uploaded.push(`${key} ${size}`),
        onSkipped: (path, kind) => skipped.push(`${relative(work, path)} ${kind}`),
        onFailure: (path) => failed.push(relative(work, path)),
      });
      assert.deepEqual(totals, { uploaded: 1, bytes: 6, skipped: 1, failed: 1 });
      assert.deepEqual(uploaded, [`lib/${join(work, 'tree/a.txt').slice(1)} 6`]);
      assert.deepEqual(skipped, ['tree/link symbolic link']);
      assert.deepEqual(failed, ['nope']);
    });

    // The man page's examples, on the same server, in a bucket and directory of their own.
    describe('man page examples', () => {
      let exWork: string;
      let exEnv: NodeJS.ProcessEnv;
      before(() => {
        exWork = mkdtempSync(join(tmpdir(), 'pipekit-s3put-ex-'));
        mkdirSync(join(exWork, 'dir/sub'), { recursive: true });
        writeFileSync(join(exWork, 'dir/one'), 'one');
        writeFileSync(join(exWork, 'dir/sub/two words'), 'two');
        exEnv = s3Env(s, s.endpoint, { PATH: `${BIN}:${process.env.PATH ?? ''}` });
      });
      after(() => rmSync(exWork, { recursive: true, force: true }));

      it('every example runs, with s3://b/ standing for a test bucket (s3://photos is made by the example)', async () => {
        const bucket = await freshBucket(client, 'ex');
        const examples = manExamples(manPage('s3put')).flatMap((block) => block.split('\n'));
        assert.equal(examples.length, 4);
        for (const line of examples) {
          const cmd = line.replace(/s3:\/\/b\//g, `s3://${bucket}/`);
          const r = await runCommand('bash', ['-c', `${cmd} 2>&1 >/dev/null | grep -v 'uploaded$' >&2; exit \${PIPESTATUS[0]}`], { env: exEnv, cwd: exWork, timeout: 60_000 });
          assert.equal(r.code, 0, `${cmd}: ${r.stderr}`);
          assert.deepEqual(stderrLines(r), [], cmd);
        }
        const keys = [...(await objectsUnder(client, bucket, '')).keys()].sort();
        assert.equal(keys.length, 4);
        assert.deepEqual(keys.slice(2), ['home/dir/one', 'home/dir/sub/two words']);
        assert.match(keys[0], /^backup\/\d{8}-\d{6}\/dir\/one$/);
        // s3://photos is not a test bucket: --create-bucket made it on this server.
        assert.deepEqual([...(await objectsUnder(client, 'photos', '')).keys()].sort(), ['2026/dir/one', '2026/dir/sub/two words']);
      });
    });
  });
}

describe('s3put key naming (pure)', () => {
  it('keyPathOf strips leading / and ../, tidies ./ and //', () => {
    assert.equal(keyPathOf('/etc/passwd'), 'etc/passwd');
    assert.equal(keyPathOf('./a//b/./c'), 'a/b/c');
    assert.equal(keyPathOf('../../x/y'), 'x/y');
    assert.equal(keyPathOf('a/../../b'), 'b');
    assert.equal(keyPathOf('with space/ünï+'), 'with space/ünï+');
  });
  it('keyPrefixOf treats the prefix as a directory', () => {
    assert.equal(keyPrefixOf('home'), 'home/');
    assert.equal(keyPrefixOf('home/'), 'home/');
    assert.equal(keyPrefixOf(''), '');
    assert.equal(keyPrefixOf('b/', '20261125-163012'), 'b/20261125-163012/');
  });
  it('runTimestamp is backup.py\'s %Y%m%d-%H%M%S, in UTC', () => {
    assert.equal(runTimestamp(new Date('2026-11-25T16:30:12.999Z')), '20261125-163012');
  });
  it('splitList splits at every chunk boundary', async () => {
    const text = 'a\nbb\n\nccc\nlast';
    for (let cut = 1; cut < text.length; cut++) {
      const out: string[] = [];
      for await (const x of splitList([Buffer.from(text.slice(0, cut)), Buffer.from(text.slice(cut))], false)) out.push(x);
      assert.deepEqual(out, ['a', 'bb', 'ccc', 'last'], `cut at ${cut}`);
    }
  });
});
