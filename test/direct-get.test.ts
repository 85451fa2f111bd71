import assert from 'node:assert/strict';
import { startHttpServer, type LoopbackHttpServer } from './helpers/http-server';
import { after, before, describe, it } from 'node:test';
import { directRequest, parseHead, requestHead } from '../lib/s3/direct-get';

describe('direct-get: request and answer heads', () => {
  it('writes the signed request as HTTP/1.1, query sorted and escaped as the SDK signs it, host added', () => {
    const head = requestHead({
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 9000,
      method: 'GET',
      path: '/b/k%20ey',
      query: { 'x-id': 'GetObject', a: "it's", flag: null },
      headers: { authorization: 'AWS4 x', range: 'bytes=0-9' },
    });
    assert.equal(head, "GET /b/k%20ey?a=it%27s&flag&x-id=GetObject HTTP/1.1\r\nauthorization: AWS4 x\r\nrange: bytes=0-9\r\nhost: 127.0.0.1:9000\r\n\r\n");
  });

  const heads: [string, string, number | RegExp, Record<string, string>?][] = [
    ['200 with headers', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nETag: "x"', 200, { 'content-length': '5', etag: '"x"' }],
    ['206, HTTP/1.0', 'HTTP/1.0 206 Partial Content\r\nConnection: close', 206, { connection: 'close' }],
    ['a value with colons', 'HTTP/1.1 404 Not Found\r\nDate: Tue, 01 Dec 2026 12:00:00 GMT', 404, { date: 'Tue, 01 Dec 2026 12:00:00 GMT' }],
    ['not HTTP', 'SSH-2.0-OpenSSH_9.2', /not an HTTP answer/],
  ];
  for (const [what, text, status, headers] of heads) {
    it(`parses ${what}`, () => {
      if (status instanceof RegExp) assert.throws(() => parseHead(text), status);
      else assert.deepEqual(parseHead(text), { statusCode: status, headers });
    });
  }
});

describe('direct-get: bodies into the caller Buffer over a kept-alive connection', () => {
  let server: LoopbackHttpServer;
  const body = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
  before(async () => {
    server = await startHttpServer((req, res) => {
      if (req.url === '/missing') {
        const xml = '<Error><Code>NoSuchKey</Code></Error>';
        res.writeHead(404, { 'content-type': 'application/xml', 'content-length': xml.length });
        res.end(xml);
        return;
      }
      if (req.url === '/short') {
        res.writeHead(200, { 'content-length': body.length });
        res.write(body.subarray(0, 1000));
        setImmediate(() => res.socket?.destroy());
        return;
      }
      res.writeHead(200, { 'content-length': body.length });
      res.end(body);
    });
  });
  after(() => server.close());
  const get = (path: string, into: Buffer) =>
    directRequest({ protocol: 'http:', hostname: '127.0.0.1', port: server.port, method: 'GET', path, headers: {} }, into, { socketTimeout: 5000, connectionTimeout: 5000 });

  it('reads each body whole into its own Buffer, one connection for requests in turn', async () => {
    for (let i = 0; i < 3; i++) {
      const into = Buffer.alloc(body.length);
      const r = await get('/obj', into);
      assert.equal(r.statusCode, 200);
      assert.equal(r.filled, body.length);
      assert.ok(into.equals(body), `request ${i}: bytes differ`);
    }
    assert.equal(server.connections.size, 1);
  });

  it('hands an error answer back with its body, and the Buffer untouched', async () => {
    const into = Buffer.alloc(body.length);
    const r = await get('/missing', into);
    assert.equal(r.statusCode, 404);
    assert.equal(r.filled, 0);
    assert.match(r.body!.toString(), /NoSuchKey/);
    assert.equal(into.indexOf(1), -1);
  });

  it('fails a body cut short as a connection reset (a retried fault)', async () => {
    await assert.rejects(get('/short', Buffer.alloc(body.length)), (err: NodeJS.ErrnoException) => err.code === 'ECONNRESET');
  });
});
