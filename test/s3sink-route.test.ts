import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../lib/s3/client';
import { learnRoute } from '../lib/s3/route';
import { UPLOAD_PART_QUERY, putByRoute, putObjectRoute, uploadPartRoute } from '../lib/s3/put-route';
import { startHttpServer, type LoopbackHttpServer } from './helpers/http-server';
import { FaultProxy } from './helpers/fault-proxy';
import { freshBucket, getObjectBytes, s3Env, startS3rver, testClient, type S3TestServer } from './helpers/s3';
import { startRgw } from './helpers/rgw';
import { runFilter, retryNotices } from './helpers/run';
import { seededBytes, sha256 } from './helpers/data';
import { CHUNK_URL, DEDUP_CHUNK_URL, MiB } from './helpers/reliability';

/**
 * Chunk and part PUTs after the first of their kind go by the route it taught, signed
 * here and written on direct-get.ts's connections (lib/s3/put-route.ts). The SDK marks
 * every request it sends with amz-sdk-invocation-id; a routed one has none, which is how
 * the fault proxy's record of the requests it corrupted tells the two paths apart.
 */

const md5 = (b: Buffer) => createHash('md5').update(b).digest('base64');

describe('s3sink route: later PUTs signed and sent without the SDK', () => {
  let server: LoopbackHttpServer;
  const seen: { url?: string; headers: IncomingHttpHeaders; body: Buffer; socket: Socket }[] = [];
  let refusedOn: Socket | undefined;
  before(async () => {
    server = await startHttpServer((req, res) => {
      if (req.url?.startsWith('/b/refused')) {
        refusedOn = req.socket;
        // Refused on its headers, before the body is read, as a server out of space would.
        const xml = '<Error><Code>EntityTooLarge</Code></Error>';
        res.writeHead(400, { 'content-length': xml.length });
        res.end(xml);
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        seen.push({ url: req.url, headers: req.headers, body, socket: req.socket });
        res.writeHead(200, { 'content-length': 0, etag: `"${createHash('md5').update(body).digest('hex')}"` });
        res.end();
      });
    });
  });
  after(() => server.close());
  const client = () => createS3Client({ endpoint: 'http://127.0.0.1:1', region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } });
  const sent = (path: string, query: Record<string, string>, headers: Record<string, string> = {}) => ({
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: server.port,
    method: 'PUT',
    path,
    query,
    headers: {
      host: `127.0.0.1:${server.port}`,
      'content-length': '5',
      'content-md5': 'XUFAKrxLKna5cZ2REBfFkg==',
      'content-type': 'application/octet-stream',
      'x-amz-content-sha256': '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
      'x-amz-date': '20261201T120000Z',
      'amz-sdk-invocation-id': '5af3ca1a-c86a-46e6-ba6d-b9f78361abb1',
      authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20261201/eu-west-3/s3/aws4_request, SignedHeaders=host, Signature=0',
      ...headers,
    },
  });
  const cold = putObjectRoute('b', 'application/octet-stream', 'COLD');
  const sseC = { 'x-amz-storage-class': 'COLD', 'x-amz-server-side-encryption-customer-algorithm': 'AES256' };

  it("sends another chunk's body with its own length, SHA-256 and MD5, the route's storage class and SSE-C, signed again", async () => {
    const c = client();
    learnRoute(c, cold, 'set/1', sent('/b/set/1', { 'x-id': 'PutObject' }, sseC));
    const body = seededBytes(3 * MiB + 5, 1);
    const answer = await putByRoute(c, cold, 'set/a b', body, { sha256: sha256(body), contentMd5: md5(body) });
    assert.equal(answer?.etag, `"${createHash('md5').update(body).digest('hex')}"`);
    const [req] = seen.splice(0);
    assert.equal(req.url, '/b/set/a%20b?x-id=PutObject');
    assert.ok(req.body.equals(body), 'the body arrived whole');
    assert.equal(req.headers['content-length'], String(body.length));
    assert.equal(req.headers['content-md5'], md5(body));
    assert.equal(req.headers['x-amz-content-sha256'], sha256(body));
    assert.equal(req.headers['x-amz-storage-class'], 'COLD');
    assert.equal(req.headers['x-amz-server-side-encryption-customer-algorithm'], 'AES256');
    assert.equal(req.headers['amz-sdk-invocation-id'], undefined);
    assert.match(req.headers.authorization ?? '', /^AWS4-HMAC-SHA256 Credential=AKID\/\d{8}\/eu-west-3\/s3\/aws4_request, SignedHeaders=[^,]*content-length;content-md5;[^,]*x-amz-content-sha256[^,]*, Signature=[0-9a-f]{64}$/);
  });

  it('sends no Content-MD5 where none is given (the server checks the SHA-256), though the teaching PUT had one', async () => {
    const c = client();
    learnRoute(c, cold, 'set/1', sent('/b/set/1', { 'x-id': 'PutObject' }, sseC));
    const body = Buffer.from('chunk');
    assert.ok(await putByRoute(c, cold, 'set/2', body, { sha256: sha256(body) }));
    const [req] = seen.splice(0);
    assert.equal(req.headers['content-md5'], undefined);
    assert.doesNotMatch(req.headers.authorization ?? '', /content-md5/);
  });

  it('a PUT of another storage class, content type or bucket has no route: the SDK sends it', async () => {
    const c = client();
    learnRoute(c, cold, 'set/1', sent('/b/set/1', { 'x-id': 'PutObject' }, sseC));
    const body = Buffer.from('chunk');
    for (const name of [putObjectRoute('b', 'application/octet-stream', undefined), putObjectRoute('b', 'application/json', 'COLD'), putObjectRoute('c', 'application/octet-stream', 'COLD'), uploadPartRoute('b')]) {
      assert.equal(await putByRoute(c, name, 'set/2', body, { sha256: sha256(body) }), undefined, JSON.stringify(name));
    }
    assert.equal(seen.length, 0);
  });

  it("an UploadPart's upload id and part number are its own", async () => {
    const c = client();
    learnRoute(c, uploadPartRoute('b'), 'obj', sent('/b/obj', { 'x-id': 'UploadPart', uploadId: 'u1', partNumber: '1' }), UPLOAD_PART_QUERY);
    const body = Buffer.from('part seven');
    assert.ok(await putByRoute(c, uploadPartRoute('b'), 'obj', body, { sha256: sha256(body), query: { uploadId: 'u2', partNumber: '7' } }));
    const [req] = seen.splice(0);
    assert.equal(req.url, '/b/obj?partNumber=7&uploadId=u2&x-id=UploadPart');
    assert.ok(req.body.equals(body));
  });

  it('learns nothing from a PUT whose body went aws-chunked, or with a query of its own not named', async () => {
    const c = client();
    learnRoute(c, cold, 'set/1', sent('/b/set/1', { 'x-id': 'PutObject' }, { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '5' }));
    learnRoute(c, uploadPartRoute('b'), 'obj', sent('/b/obj', { 'x-id': 'UploadPart', uploadId: 'u1', partNumber: '1' }));
    const body = Buffer.from('chunk');
    assert.equal(await putByRoute(c, cold, 'set/2', body, { sha256: sha256(body) }), undefined);
    assert.equal(await putByRoute(c, uploadPartRoute('b'), 'obj', body, { sha256: sha256(body), query: { uploadId: 'u2', partNumber: '2' } }), undefined);
  });

  it('a refusal before the body is read fails as the SDK would throw it, and the next PUT goes on a fresh connection', async () => {
    const c = client();
    learnRoute(c, cold, 'set/1', sent('/b/set/1', { 'x-id': 'PutObject' }, sseC));
    const big = seededBytes(16 * MiB, 2);
    await assert.rejects(putByRoute(c, cold, 'refused', big, { sha256: sha256(big) }), (err: Error & { $metadata?: { httpStatusCode?: number } }) => err.name === 'EntityTooLarge' && err.$metadata?.httpStatusCode === 400);
    const body = Buffer.from('after');
    assert.ok(await putByRoute(c, cold, 'set/3', body, { sha256: sha256(body) }));
    const last = seen.splice(0).at(-1);
    assert.ok(last && last.body.equals(body));
    assert.ok(refusedOn && last.socket !== refusedOn, 'the refused connection was not reused');
  });
});

const PART_PUT = /[?&]x-id=UploadPart(&|$)/;
const SERVERS = [
  { kind: 's3rver', start: () => startS3rver(), refused: /after ChecksumMismatch/ },
  { kind: 'rgw', start: () => startRgw({ memstoreBytes: 256 * MiB }), refused: /after XAmzContentSHA256Mismatch/ },
];

for (const { kind, start, refused } of SERVERS) {
  describe(`s3sink route: chunk PUTs by the route on ${kind}, through the fault proxy`, () => {
    let s3: S3TestServer;
    let proxy: FaultProxy;
    let client: S3Client;
    let bucket: string;
    let env: NodeJS.ProcessEnv;
    before(async () => {
      s3 = await start();
      client = testClient(s3);
      bucket = await freshBucket(client, 'route');
      proxy = await FaultProxy.start(s3.endpoint, 5);
      env = s3Env(s3, proxy.endpoint);
    });
    after(async () => {
      await proxy.close();
      await s3.stop();
    });

    const sink = (name: string, input: Buffer, args: string[] = []) => runFilter('s3sink', ['-s', '5M', '-j', '1', ...args, `s3://${bucket}/${name}`], { input, env });
    const assertRestored = async (name: string, data: Buffer) => {
      const r = await runFilter('s3source', [`s3://${bucket}/${name}`], { env: s3Env(s3) });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.equals(data), 'restored bytes differ');
    };

    it('the first chunk PUT goes through the SDK, the later ones by its route; a routed body corrupted in flight is refused and sent again', async () => {
      proxy.clear().add({ fault: 'flip', method: 'PUT', url: CHUNK_URL, nth: 1 }).add({ fault: 'flip', method: 'PUT', url: CHUNK_URL, nth: 3 });
      proxy.flipped.length = 0;
      const data = seededBytes(10 * MiB + 7, 41);
      const w = await sink('routed', data);
      assert.equal(w.code, 0, w.stderr);
      assert.equal(proxy.flipped.length, 2);
      assert.notEqual(proxy.flipped[0]['amz-sdk-invocation-id'], undefined, 'the first PUT went through the SDK');
      assert.equal(proxy.flipped[1]['amz-sdk-invocation-id'], undefined, 'a later PUT went by the route');
      const notices = retryNotices(w);
      assert.equal(notices.length, 2, w.stderr);
      for (const notice of notices) assert.match(notice, refused);
      await assertRestored('routed', data);
    });

    it('a routed PUT reset, answered 500, then 503, is sent again each time', async () => {
      // Each rule counts the requests no rule before it took: requests 2, 3 and 4.
      proxy.clear();
      for (const fault of ['reset', 'error500', 'slowdown'] as const) proxy.add({ fault, method: 'PUT', url: CHUNK_URL, nth: 2 });
      const data = seededBytes(5 * MiB + 3, 42);
      const w = await sink('faults', data);
      assert.equal(w.code, 0, w.stderr);
      assert.deepEqual([proxy.injected.reset, proxy.injected.error500, proxy.injected.slowdown], [1, 1, 1]);
      const reasons = retryNotices(w).map((n) => /after (.*) \(\d of \d\)$/.exec(n)?.[1]);
      assert.equal(reasons.length, 3, w.stderr);
      // The reset comes as the body is written: as a reset, or as the write's broken pipe.
      assert.match(reasons[0] ?? '', /^connection (reset|closed)$/, w.stderr);
      assert.deepEqual(reasons.slice(1), ['InternalError (500)', 'SlowDown (503)'], w.stderr);
      await assertRestored('faults', data);
    });

    it('a stalled routed PUT times out per --timeout and is sent again', async () => {
      proxy.clear().add({ fault: 'stall', method: 'PUT', url: CHUNK_URL, nth: 2 });
      const data = seededBytes(5 * MiB + 5, 43);
      const started = Date.now();
      const w = await sink('stalled', data, ['--timeout', '2s']);
      assert.equal(w.code, 0, w.stderr);
      assert.equal(proxy.injected.stall, 1);
      assert.match(retryNotices(w).join('\n'), /after timed out \(\d of \d\)$/m, w.stderr);
      assert.ok(Date.now() - started >= 2000, 'retried before the timeout');
      await assertRestored('stalled', data);
    });

    it('a deduplicated upload sends its chunks by the route; a corrupted one is refused and sent again', async () => {
      proxy.clear().add({ fault: 'flip', method: 'PUT', url: DEDUP_CHUNK_URL, nth: 5 });
      proxy.flipped.length = 0;
      const data = seededBytes(2 * MiB, 44);
      const w = await sink('dedup', data, ['--dedup', '--chunk-size', '64K']);
      assert.equal(w.code, 0, w.stderr);
      assert.equal(proxy.flipped.length, 1);
      assert.equal(proxy.flipped[0]['amz-sdk-invocation-id'], undefined, 'the fifth chunk PUT went by the route');
      assert.match(retryNotices(w).join('\n'), refused, w.stderr);
      await assertRestored('dedup', data);
    });

    it('--object: the parts after the first go by the route too; a corrupted one is refused and sent again', async () => {
      proxy.clear().add({ fault: 'flip', method: 'PUT', url: PART_PUT, nth: 3 });
      proxy.flipped.length = 0;
      const data = seededBytes(15 * MiB + 9, 45);
      const w = await sink('one.bin', data, ['--object']);
      assert.equal(w.code, 0, w.stderr);
      assert.equal(proxy.flipped.length, 1);
      assert.equal(proxy.flipped[0]['amz-sdk-invocation-id'], undefined, 'the third part went by the route');
      assert.match(retryNotices(w).join('\n'), refused, w.stderr);
      assert.ok((await getObjectBytes(client, bucket, 'one.bin')).equals(data), 'stored bytes differ');
    });
  });
}

describe('direct connections: answers sent before the request is all out', () => {
  // A raw server, since node:http sends neither of these on its own.
  let raw: Server;
  let port: number;
  let resumedAt = 0;
  before(async () => {
    raw = createServer((socket) => {
      let head = '';
      let body = 0;
      let length = 0;
      let answered = false;
      socket.on('data', (data: Buffer) => {
        if (!length) {
          head += data.toString('latin1');
          const end = head.indexOf('\r\n\r\n');
          if (end < 0) return;
          length = Number(/content-length: (\d+)/i.exec(head)![1]);
          body = Buffer.byteLength(head, 'latin1') - end - 4;
          if (head.startsWith('PUT /b/continue')) socket.write('HTTP/1.1 100 Continue\r\n\r\n');
          if (head.startsWith('PUT /b/early')) {
            // All but the first bytes still to come: the answer, then reading it slowly.
            socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
            answered = true;
            socket.pause();
            setTimeout(() => {
              resumedAt = performance.now();
              socket.resume();
            }, 300);
          }
        } else body += data.length;
        if (body === length && !answered) socket.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    port = (raw.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => raw.close(() => resolve())));

  const route = putObjectRoute('b', 'application/octet-stream', undefined);
  const learnt = () => {
    const c = createS3Client({ endpoint: 'http://127.0.0.1:1', region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } });
    learnRoute(c, route, 'k', {
      protocol: 'http:',
      hostname: '127.0.0.1',
      port,
      method: 'PUT',
      path: '/b/k',
      query: { 'x-id': 'PutObject' },
      headers: { host: `127.0.0.1:${port}`, 'x-amz-date': '20261201T120000Z', authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20261201/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0' },
    });
    return c;
  };

  it('an interim 100 Continue is passed over for the answer after it', async () => {
    const body = seededBytes(1 * MiB, 5);
    assert.ok(await putByRoute(learnt(), route, 'continue', body, { sha256: sha256(body) }));
  });

  it('a 2xx before the body is all out settles only once it is (the caller then reuses the Buffer)', async () => {
    const body = seededBytes(32 * MiB, 6);
    await putByRoute(learnt(), route, 'early', body, { sha256: sha256(body) });
    const settledAt = performance.now();
    assert.ok(resumedAt > 0 && settledAt >= resumedAt, 'settled while the server was not reading the body');
  });
});
