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
export * from './s3';
export * from './mail';
export * from './fuse';
