"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.NullS3 = void 0;
const node_http_1 = require("node:http");
/**
 * An S3 endpoint that throws bodies away: the upper limit for upload speed, and a way
 * to push gigabytes through s3sink without storing them. It keeps objects under 1 MiB
 * (manifests), answers listings as empty and deletes as done, and 404 for the rest.
 */
class NullS3 {
    endpoint = '';
    /** Body bytes received. */
    bytes = 0;
    small = new Map();
    server;
    sockets = new Set();
    constructor() {
        this.server = (0, node_http_1.createServer)((req, res) => {
            const url = new URL(req.url ?? '/', 'http://x');
            const chunks = [];
            let size = 0;
            req.on('data', (c) => {
                size += c.length;
                this.bytes += c.length;
                if (size <= 1 << 20)
                    chunks.push(c);
            });
            req.on('end', () => {
                const path = decodeURIComponent(url.pathname);
                const xml = (status, body) => {
                    res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
                    res.end(body);
                };
                if (req.method === 'PUT') {
                    if (size <= 1 << 20)
                        this.small.set(path, Buffer.concat(chunks));
                    res.writeHead(200, { 'content-length': 0 });
                    res.end();
                }
                else if (req.method === 'GET' && url.searchParams.has('list-type')) {
                    xml(200, '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><IsTruncated>false</IsTruncated><KeyCount>0</KeyCount></ListBucketResult>');
                }
                else if (req.method === 'POST' && url.searchParams.has('delete')) {
                    xml(200, '<?xml version="1.0" encoding="UTF-8"?><DeleteResult></DeleteResult>');
                }
                else if (req.method === 'GET' && this.small.has(path)) {
                    const body = this.small.get(path);
                    res.writeHead(200, { 'content-length': body.length });
                    res.end(body);
                }
                else {
                    xml(404, '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>none</Message></Error>');
                }
            });
        });
        this.server.on('connection', (s) => {
            this.sockets.add(s);
            s.on('close', () => this.sockets.delete(s));
        });
    }
    static async start() {
        const n = new NullS3();
        await new Promise((resolve) => n.server.listen(0, '127.0.0.1', resolve));
        n.endpoint = `http://127.0.0.1:${n.server.address().port}`;
        return n;
    }
    async close() {
        for (const s of this.sockets)
            s.destroy();
        await new Promise((resolve) => this.server.close(resolve));
    }
}
exports.NullS3 = NullS3;
