"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __exportStar = (this && this.__exportStar) || function(m, exports) {
    for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p);
};
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * pipekit: Node streams for S3 chunk sets, listings and deletions, MX probing and
 * ETRN, and an infinite deterministic FUSE filesystem; the filters in `filters/` are
 * thin shells over these.
 *
 * @example
 * import { pipeline } from 'node:stream/promises';
 * import { createReadStream } from 'node:fs';
 * import { createS3Client, ChunkSetSink } from 'pipekit';
 * const client = createS3Client({ endpoint: 'http://127.0.0.1:9000' });
 * await pipeline(createReadStream('db.dump'), new ChunkSetSink({ client, bucket: 'backup', name: 'db' }));
 */
__exportStar(require("./s3"), exports);
__exportStar(require("./mail"), exports);
__exportStar(require("./fuse"), exports);
