// Runs a throwaway Ceph RGW for `SERVER=rgw make demo` and the benchmarks, creating the
// buckets named on the command line, and prints `PORT ACCESS_KEY SECRET_KEY` once it
// serves. Stops the cluster when stdin closes or on SIGTERM/SIGINT.
// Usage: rgw-main.js [BUCKET...]
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { startRgw } from './rgw';
import { testClient } from './s3';

async function main(): Promise<void> {
  const rgw = await startRgw();
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= rgw.stop().then(() => process.exit(0)));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const client = testClient(rgw);
  for (const name of process.argv.slice(2)) await client.send(new CreateBucketCommand({ Bucket: name }));
  process.stdout.write(`${new URL(rgw.endpoint).port} ${rgw.accessKeyId} ${rgw.secretAccessKey}\n`);
  process.stdin.resume();
  process.stdin.on('end', stop);
}

main().catch((err: Error) => {
  process.stderr.write(`rgw: ${err.message}\n`);
  process.exit(1);
});
