import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { S3Client } from '@aws-sdk/client-s3';
import { runFilter, retryNotices, stderrLines } from './helpers/run';
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
// answering 500 to the cleanup) costs 15 s of backoff for what RGW shows in 5.
const SERVERS = [
  { kind: 's3rver', start: () => startS3rver(), everyAttempt: false },
  { kind: 'rgw', start: () => startRgw({ memstoreBytes: 512 * MiB }), everyAttempt: true },
];

for (const { kind, start, everyAttempt } of SERVERS) {
  describe(`a chunk body corrupted in flight (${kind})`, () => {
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

    it('is refused, sent again and stored right', async () => {
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

    if (!everyAttempt) return;
    it('corrupted on every attempt: a clean failure, the previous generation still current', async () => {
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
