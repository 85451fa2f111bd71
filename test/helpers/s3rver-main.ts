// Runs s3rver on a random loopback port in its own process (it needs
// `node --openssl-legacy-provider`: its list continuation tokens use DES), printing
// the port on stdout once it listens. Exits when stdin closes, so it never outlives
// whoever started it. Usage: s3rver-main.js DIR [BUCKET...]
import S3rver from 's3rver';
import { makeS3rverReplaceWhole } from './s3rver-atomic';

makeS3rverReplaceWhole();

const [directory, ...buckets] = process.argv.slice(2);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  directory,
  silent: true,
  configureBuckets: buckets.map((name) => ({ name })),
});
server.run().then(
  (addr) => {
    process.stdout.write(`${addr.port}\n`);
    process.stdin.resume();
    process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
  },
  (err: Error) => {
    process.stderr.write(`s3rver: ${err.message}\n`);
    process.exit(1);
  },
);
