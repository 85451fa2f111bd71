import { describe, it, before, after } from 'node:test';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { S3Client } from '@aws-sdk/client-s3';
import { filterPath, runCommand, runFilter, retryNotices, stderrLines } from './helpers/run';
import { waitFor } from './helpers/wait';
import { freshBucket, s3Env, startS3rver, testClient, type S3TestServer } from './helpers/s3';
import { startRgw } from './helpers/rgw';
import { FaultProxy } from './helpers/fault-proxy';
import { seededBytes } from './helpers/data';

/**
 * Every chunk PUT carries a check the server makes or we make (issue 16): where the
 * server checks the body against the signed x-amz-content-sha256 (Ceph RGW, AWS) that
 * hash is the check and no MD5 is computed; where it does not (s3rver checks neither it
 * nor Content-MD5) the ETag is compared with our MD5. The fault proxy inverts one byte of
 * a chunk body in flight, signature untouched: the corrupted body is never committed.
 */

const MiB = 2 ** 20;
// -j 1: the second chunk is hashed after the first PUT's answer has named the server.
const ARGS = ['-s', '5M', '-j', '1'];
const CHUNK_PUT = /\/\d{10}(\?|$)/;

// Corrupted on every attempt, s3rver's failure (ETag against MD5, then its DeleteObjects
// answering 500 to the cleanup) costs 15 s of backoff for what RGW shows in 5. How
// standard input is read does not depend on the server: those tests run on s3rver.
const SERVERS = [
  { kind: 's3rver', start: () => startS3rver(), everyAttempt: false, stdin: true },
  { kind: 'rgw', start: () => startRgw({ memstoreBytes: 512 * MiB }), everyAttempt: true, stdin: false },
];

for (const { kind, start, everyAttempt, stdin } of SERVERS) {
  describe(`chunk PUTs and their input (${kind})`, () => {
    let server: S3TestServer;
    let proxy: FaultProxy;
    let client: S3Client;
    let bucket: string;
    let env: NodeJS.ProcessEnv;
    before(async () => {
      server = await start();
      client = testClient(server);
      bucket = await freshBucket(client, 'pi');
      proxy = await FaultProxy.start(server.endpoint, 3);
      env = s3Env(server, proxy.endpoint);
    });
    after(async () => {
      await proxy.close();
      await server.stop();
    });

    const sink = (name: string, input: Buffer) => runFilter('s3sink', [...ARGS, `s3://${bucket}/${name}`], { input, env });
    const restored = async (name: string) => {
      const r = await runFilter('s3source', [`s3://${bucket}/${name}`], { env: s3Env(server) });
      assert.equal(r.code, 0, r.stderr);
      return r.stdout;
    };

    it('a chunk body corrupted in flight is refused, sent again and stored right', async () => {
      proxy.clear().add({ fault: 'flip', method: 'PUT', url: CHUNK_PUT, nth: 2 });
      proxy.flipped.length = 0;
      const data = seededBytes(5 * MiB + 4099, 11);
      const w = await sink('once', data);
      assert.equal(w.code, 0, w.stderr);
      assert.equal(proxy.injected.flip, 1);
      const [notice] = retryNotices(w);
      assert.match(notice ?? '', kind === 'rgw' ? /XAmzContentSHA256Mismatch/ : /after ChecksumMismatch/);
      // On RGW the signed SHA-256 alone refused it; s3rver needed our MD5.
      assert.equal(proxy.flipped[0]['content-md5'] === undefined, kind === 'rgw', JSON.stringify(proxy.flipped[0]));
      assert.ok((await restored('once')).equals(data), 'restored bytes differ');
    });

    if (stdin) {
      // A file on standard input is read by fd in the thread pool (lib/s3/upload-sink.ts);
      // a pipe must not be: a read waiting there on an idle writer keeps the process from exiting.
      it('reading a pipe whose writer is idle, SIGTERM ends it at once: 143, nothing committed', async () => {
        const old = seededBytes(1000, 31);
        proxy.clear();
        assert.equal((await sink('idle', old)).code, 0);
        const puts = proxy.requests.PUT ?? 0;
        // -j 2: the first chunk's PUT starts, and the read of the second is already waiting.
        const child = spawn(process.execPath, [filterPath('s3sink'), '-s', '5M', '-j', '2', `s3://${bucket}/idle`], { env, stdio: ['pipe', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (c: Buffer) => (stderr += c));
        const exited = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
        child.stdin.write(seededBytes(5 * MiB + 1, 32));
        await waitFor(() => (proxy.requests.PUT ?? 0) > puts, 20_000, 'the first chunk PUT');
        child.kill('SIGTERM');
        let deadline: NodeJS.Timeout | undefined;
        const code = await Promise.race([exited, new Promise<string>((resolve) => (deadline = setTimeout(resolve, 10_000, 'still running 10 s after SIGTERM')))]);
        clearTimeout(deadline);
        child.stdin.destroy();
        if (code !== 143) child.kill('SIGKILL');
        assert.equal(code, 143, stderr);
        assert.equal(stderr, 's3sink: interrupted\n');
        assert.ok((await restored('idle')).equals(old), 'the interrupted upload was committed');
      });

      // A file on standard input is read chunk by chunk straight into place (uploadFrom),
      // not as a stream: the last chunk short, on a boundary, or the file empty.
      it('a file on standard input: the same bytes back, whatever its length', async () => {
        proxy.clear();
        const dir = mkdtempSync(join(tmpdir(), 'pipekit-pi-'));
        try {
          for (const [name, size] of [['short-last', 5 * MiB + 7], ['boundary', 5 * MiB]] as const) {
            const data = seededBytes(size, size);
            const file = join(dir, name);
            writeFileSync(file, data);
            const w = await runCommand('sh', ['-c', `exec "$0" "$1" "$2" "$3" "$4" < "$5"`, process.execPath, filterPath('s3sink'), '-s', '5M', `s3://${bucket}/${name}`, file], { env });
            assert.equal(w.code, 0, w.stderr);
            assert.ok((await restored(name)).equals(data), `${name}: restored bytes differ`);
          }
          writeFileSync(join(dir, 'empty'), '');
          const w = await runCommand('sh', ['-c', `exec "$0" "$1" "$2" < "$3"`, process.execPath, filterPath('s3sink'), `s3://${bucket}/empty`, join(dir, 'empty')], { env });
          assert.equal(w.code, 1);
          assert.deepEqual(stderrLines(w), ['s3sink: empty input, not committed (--allow-empty to store it)']);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }

    if (!everyAttempt) return;
    it('a chunk body corrupted on every attempt: a clean failure, the previous generation still current', async () => {
      const old = seededBytes(1000, 21);
      proxy.clear();
      assert.equal((await sink('always', old)).code, 0);
      proxy.add({ fault: 'flip', method: 'PUT', url: CHUNK_PUT, times: 1000 });
      const w = await sink('always', seededBytes(5 * MiB + 3, 22));
      assert.equal(w.code, 1, w.stderr);
      const lines = stderrLines(w);
      assert.equal(lines.length, 1, w.stderr);
      assert.match(lines[0], new RegExp(`^s3sink: cannot write s3://${bucket}/always/\\S+/\\d{10}: `));
      assert.ok((await restored('always')).equals(old), 'the failed upload replaced the previous generation');
    });
  });
}
