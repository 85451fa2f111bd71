#!/usr/bin/env node
import '../lib/cli/compile-cache';
import { COMMON_OPTIONS, NUL, argsOrStdin, runFilter, type FilterSpec } from '../lib/cli';
import { bucketArgument, S3_OPTIONS, s3FromFlags } from '../lib/s3/options';

const spec: FilterSpec = {
  name: 's3mb',
  synopsis: ['[OPTION]... s3://BUCKET...', '[OPTION]... < LIST'],
  summary:
    'Make each bucket (from arguments, or one per line on standard input), in --region on AWS. As with mkdir -p, a bucket that is already yours is not an error; one that belongs to someone else is.',
  options: [
    { name: 'verbose', short: 'v', help: 'print the URL of each bucket, made now or already yours' },
    NUL,
    ...S3_OPTIONS,
    ...COMMON_OPTIONS,
  ],
};

void runFilter(spec, async ({ flags, args, signal, warn }) => {
  const buckets = (await argsOrStdin(args, flags.null === true, 'buckets')).map(bucketArgument);
  const s3 = s3FromFlags(flags, warn);
  if (!buckets.length) return 0;
  const client = s3.createClient();
  // Loaded once the arguments are good: --help, --version and a usage error never send a request (issue 16).
  const { createBucket } = require('../lib/s3/buckets') as typeof import('../lib/s3/buckets');
  const region = flags.region as string | undefined;
  let failed = 0;
  for (const bucket of buckets) {
    try {
      await createBucket(client, bucket, { region, signal });
      if (flags.verbose) process.stdout.write(`s3://${bucket}/${flags.null ? '\0' : '\n'}`);
    } catch (err) {
      if (signal.aborted) throw err;
      failed++;
      warn((err as Error).message);
    }
  }
  return failed ? 1 : 0;
});
