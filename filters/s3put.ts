#!/usr/bin/env node
import '../lib/cli/compile-cache';
import { COMMON_OPTIONS, NUL, UsageError, intFlag, jobsOption, readableStdin, runFilter, sizeFlag, splitList, type FilterSpec } from '../lib/cli';
import { BWLIMIT_OPTION, CREATE_BUCKET_OPTION, ENCRYPTION_OPTIONS, S3_OPTIONS, STORAGE_CLASS_OPTION, s3Argument, s3FromFlags, storageClassFlag } from '../lib/s3/options';
import { DEFAULT_CHUNK_SIZE } from '../lib/s3/chunk-options';
import { humanBytes, plural } from '../lib/units';

const spec: FilterSpec = {
  name: 's3put',
  synopsis: ['[OPTION]... s3://BUCKET/PREFIX/ PATH...', '[OPTION]... s3://BUCKET/PREFIX/ < LIST'],
  summary:
    'Upload each regular file to s3://BUCKET/PREFIX/ + its path, several at once, printing each URL written. Paths come from arguments (directories are walked) or one per line on standard input (as find prints them); symbolic links, devices, sockets and FIFOs are reported and skipped.',
  options: [
    { name: 'timestamp', help: "put the run's UTC time (YYYYMMDD-HHMMSS) between PREFIX and the paths" },
    NUL,
    jobsOption('files uploaded', 4),
    { name: 'multipart-threshold', arg: 'SIZE', help: 'upload files larger than SIZE in parts (default 8M)' },
    { name: 'part-size', arg: 'SIZE', help: 'part size of multipart uploads, at least 5M (default 8M)' },
    STORAGE_CLASS_OPTION,
    ...ENCRYPTION_OPTIONS,
    BWLIMIT_OPTION,
    CREATE_BUCKET_OPTION,
    ...S3_OPTIONS,
    ...COMMON_OPTIONS,
  ],
};

void runFilter(spec, async ({ flags, args, signal, warn, info }) => {
  const [target, ...paths] = args;
  if (!target) throw new UsageError('missing s3://BUCKET/PREFIX/');
  const dest = s3Argument(target);
  if (!paths.length && process.stdin.isTTY) throw new UsageError('no paths given (as arguments or on stdin)');
  const jobs = intFlag(flags, 'jobs', 4);
  const partSize = sizeFlag(flags, 'part-size', DEFAULT_CHUNK_SIZE, { min: 5 * 2 ** 20 });
  const multipartThreshold = sizeFlag(flags, 'multipart-threshold', DEFAULT_CHUNK_SIZE);
  const storageClass = storageClassFlag(flags);
  const client = s3FromFlags(flags, warn, jobs * 3).createClient();
  // Loaded once the arguments are good: --help, --version and a usage error never send a request (issue 16).
  const { ensureBucket } = require('../lib/s3/buckets') as typeof import('../lib/s3/buckets');
  const { keyPrefixOf, runTimestamp, uploadFiles } = require('../lib/s3/uploader') as typeof import('../lib/s3/uploader');
  const { listedUrl } = require('../lib/s3/format') as typeof import('../lib/s3/format');
  if (flags['create-bucket']) await ensureBucket(client, dest.bucket, { region: flags.region as string | undefined, signal });
  const prefix = keyPrefixOf(dest.key, flags.timestamp ? runTimestamp(new Date()) : undefined);
  const nul = flags.null === true;
  const totals = await uploadFiles(paths.length ? paths : splitList(readableStdin(), flags.null === true), {
    client,
    bucket: dest.bucket,
    prefix,
    walkDirectories: paths.length > 0,
    jobs,
    partSize,
    multipartThreshold,
    storageClass,
    signal,
    onUploaded: (key) => process.stdout.write(`${listedUrl(dest.bucket, key, nul)}${nul ? '\0' : '\n'}`),
    onSkipped: (path, kind) => warn(`skipping ${kind} ${path}`),
    onFailure: (_path, err) => warn(err.message),
  });
  info(`${plural(totals.uploaded, 'file')}, ${humanBytes(totals.bytes)} uploaded${totals.skipped ? `, ${totals.skipped} skipped` : ''}${totals.failed ? `, ${totals.failed} failed` : ''}`);
  return totals.failed ? 1 : 0;
});
