/**
 * `--bwlimit`: the rate achieved against the limit asked for, up (s3sink into a null
 * sink, so the server never is the bottleneck) and down (s3source from s3rver), with one
 * connection and with eight sharing the one limit. Within 10% is the aim; the test suite
 * only checks the lower bound.
 */
import { freshBucket, s3Env, startS3rver, testClient } from '../test/helpers/s3';
import { NullS3 } from '../test/helpers/null-s3';
import { repeatingStream } from '../test/helpers/data';
import { runFilter } from '../test/helpers/run';

const MiB = 2 ** 20;
/** Seconds of transfer at each limit: enough that a process start-up (~0.3 s) is a few per cent. */
const SECONDS = 8;

async function measure(label: string, limit: string, size: number, run: () => ReturnType<typeof runFilter>): Promise<void> {
  const t0 = process.hrtime.bigint();
  const r = await run();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.code !== 0) throw new Error(`${label} failed (${r.code}): ${r.stderr.trim().split('\n').at(-1)}`);
  const limitBytes = Number(limit.replace(/M$/, '')) * MiB;
  const rate = size / seconds;
  const line = `  ${label.padEnd(36)} ${(rate / MiB).toFixed(2).padStart(6)} MiB/s of ${limit}  (${((rate / limitBytes) * 100).toFixed(1)}% of the limit, ${seconds.toFixed(2)} s incl. start-up)\n`;
  process.stdout.write(line);
}

async function main(): Promise<void> {
  const sink = await NullS3.start();
  const server = await startS3rver();
  try {
    const client = testClient(server);
    const bucket = await freshBucket(client, 'bw');
    client.destroy();
    for (const limit of ['8M', '32M']) {
      const size = SECONDS * Number(limit.replace(/M$/, '')) * MiB;
      const seed = await runFilter('s3sink', ['-q', `s3://${bucket}/src`], { env: s3Env(server), input: repeatingStream(size) });
      if (seed.code !== 0) throw new Error(seed.stderr);
      for (const jobs of ['1', '8']) {
        await measure(`s3sink -j ${jobs} --bwlimit ${limit} (null sink)`, limit, size, () =>
          runFilter('s3sink', ['-q', '-j', jobs, '--bwlimit', limit, 's3://null/set'], { env: s3Env(server, sink.endpoint), input: repeatingStream(size) }),
        );
        await measure(`s3source -j ${jobs} --bwlimit ${limit} (s3rver)`, limit, size, () =>
          runFilter('s3source', ['-j', jobs, '--bwlimit', limit, `s3://${bucket}/src`], { env: s3Env(server) }),
        );
      }
    }
  } finally {
    await sink.close();
    await server.stop();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`bench bwlimit: ${err.message}\n`);
  process.exit(1);
});
