import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { startHttpServer, type LoopbackHttpServer } from './helpers/http-server';
import { after, before, describe, it } from 'node:test';
import { createS3Client } from '../lib/s3/client';
import { answerError, keyPath, learnRoute, sendByRoute } from '../lib/s3/route';
import { describeError, isNotFound, isTransient } from '../lib/s3/errors';

describe('s3source route: keys in the path as the SDK escapes them', () => {
  const cases: [string, string][] = [
    ['set/00000001', 'set/00000001'],
    ['a b/c+d', 'a%20b/c%2Bd'],
    ["it's(*)!", 'it%27s%28%2A%29%21'],
    ['ümlaut/€', '%C3%BCmlaut/%E2%82%AC'],
    ['/lead//double', '/lead//double'],
    ['pct%41', 'pct%2541'],
  ];
  for (const [key, path] of cases) it(JSON.stringify(key), () => assert.equal(keyPath(key), path));
});

describe('s3source route: error answers shaped as the SDK throws them', () => {
  const answer = (statusCode: number, xml: string) => answerError({ statusCode, headers: {}, filled: 0, body: Buffer.from(xml) });
  const cases: [string, number, string, string, boolean, boolean][] = [
    ['NoSuchKey', 404, '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>', 'NoSuchKey (404)', true, false],
    ['a 404 without a document', 404, '', 'NotFound (404)', true, false],
    ['SlowDown', 503, '<Error><Code>SlowDown</Code></Error>', 'SlowDown (503)', false, true],
    ['a 500 page of HTML', 500, '<html>oops</html>', 'HTTP 500', false, true],
    ['AccessDenied', 403, '<?xml version="1.0"?><Error><Code>AccessDenied</Code></Error>', 'AccessDenied (403)', false, false],
    ['a failed If-Match', 412, '<Error><Code>PreconditionFailed</Code></Error>', 'PreconditionFailed (412)', false, false],
  ];
  for (const [what, status, xml, line, notFound, transient] of cases) {
    it(what, () => {
      const err = answer(status, xml);
      assert.equal(describeError(err), line);
      assert.equal(isNotFound(err), notFound);
      assert.equal(isTransient(err), transient);
    });
  }
});

describe('s3source route: later GETs of a bucket signed and sent without the SDK', () => {
  let server: LoopbackHttpServer;
  const seen: { url?: string; headers: IncomingHttpHeaders }[] = [];
  before(async () => {
    server = await startHttpServer((req, res) => {
      seen.push({ url: req.url, headers: req.headers });
      res.writeHead(206, { 'content-length': 4, etag: '"e"', 'last-modified': 'Tue, 01 Dec 2026 12:00:00 GMT' });
      res.end('abcd');
    });
  });
  after(() => server.close());
  const client = () => createS3Client({ endpoint: 'http://127.0.0.1:1', region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } });
  const sent = (path: string, query: Record<string, string> = { 'x-id': 'GetObject' }) => ({
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: server.port,
    method: 'GET',
    path,
    query,
    headers: {
      host: `127.0.0.1:${server.port}`,
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      'x-amz-date': '20261201T120000Z',
      authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20261201/eu-west-3/s3/aws4_request, SignedHeaders=host, Signature=0',
      range: 'bytes=0-3',
      'x-amz-server-side-encryption-customer-algorithm': 'AES256',
    },
  });

  it('has no route until one GET of the bucket taught it', async () => {
    assert.equal(await sendByRoute(client(), 'b', 'k', {}, Buffer.alloc(4)), undefined);
  });

  for (const [what, req] of [
    ['a path that does not end in the key as escaped here', () => sent('/b/other')],
    ['a query beyond x-id', () => sent('/b/set/1', { 'x-id': 'GetObject', versionId: 'v' })],
  ] as const) {
    it(`learns nothing from ${what}`, async () => {
      const c = client();
      learnRoute(c, 'b', 'set/1', req());
      assert.equal(await sendByRoute(c, 'b', 'set/2', {}, Buffer.alloc(4)), undefined);
      assert.equal(seen.length, 0);
    });
  }

  it("sends another key's GET to the learnt place, signed again for the learnt region, with its own range", async () => {
    const c = client();
    learnRoute(c, 'b', 'set/1', sent('/b/set/1'));
    const into = Buffer.alloc(4);
    const res = await sendByRoute(c, 'b', 'set/a b', { headers: { range: 'bytes=4-7', 'if-match': '"e"' } }, into);
    assert.equal(res?.statusCode, 206);
    assert.equal(into.toString(), 'abcd');
    const [req] = seen.splice(0);
    assert.equal(req.url, '/b/set/a%20b?x-id=GetObject');
    assert.equal(req.headers.range, 'bytes=4-7');
    assert.equal(req.headers['if-match'], '"e"');
    assert.equal(req.headers['x-amz-server-side-encryption-customer-algorithm'], 'AES256', 'the route keeps the SSE-C headers');
    assert.match(req.headers.authorization ?? '', /^AWS4-HMAC-SHA256 Credential=AKID\/\d{8}\/eu-west-3\/s3\/aws4_request, SignedHeaders=[^,]*range[^,]*, Signature=[0-9a-f]{64}$/);
    assert.notEqual(req.headers['x-amz-date'], '20261201T120000Z', 'signed now, not at the learnt time');
    assert.equal(await sendByRoute(c, 'other-bucket', 'k', {}, Buffer.alloc(4)), undefined, 'a route is per name');
  });
});
