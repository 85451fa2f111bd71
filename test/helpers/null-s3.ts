import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * An S3 endpoint that throws bodies away: the upper limit for upload speed, and a way
 * to push gigabytes through s3sink without storing them. It keeps objects under 1 MiB
 * (manifests), answers listings as empty and deletes as done, and 404 for the rest.
 */
export class NullS3 {
  endpoint = '';
  /** Body bytes received. */
  bytes = 0;
  private readonly small = new Map<string, Buffer>();
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  private constructor() {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        this.bytes += c.length;
        if (size <= 1 << 20) chunks.push(c);
      });
      req.on('end', () => {
        const path = decodeURIComponent(url.pathname);
        const xml = (status: number, body: string) => {
          res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
          res.end(body);
        };
        if (req.method === 'PUT') {
          if (size <= 1 << 20) this.small.set(path, Buffer.concat(chunks));
          res.writeHead(200, { 'content-length': 0 });
          res.end();
        } else if (req.method === 'GET' && url.searchParams.has('list-type')) {
          xml(200, '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><IsTruncated>false</IsTruncated><KeyCount>0</KeyCount></ListBucketResult>');
        } else if (req.method === 'POST' && url.searchParams.has('delete')) {
          xml(200, '<?xml version="1.0" encoding="UTF-8"?><DeleteResult></DeleteResult>');
        } else if (req.method === 'GET' && this.small.has(path)) {
          const body = this.small.get(path)!;
          res.writeHead(200, { 'content-length': body.length });
          res.end(body);
        } else {
          xml(404, '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>none</Message></Error>');
        }
      });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  static async start(): Promise<NullS3> {
    const n = new NullS3();
    await new Promise<void>((resolve) => n.server.listen(0, '127.0.0.1', resolve));
    n.endpoint = `http://127.0.0.1:${(n.server.address() as AddressInfo).port}`;
    return n;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
