#!/usr/bin/env node
import { COMMON_OPTIONS, UsageError, readableStdin, runFilter, type FilterSpec } from '../lib/cli';
import { S3_OPTIONS, intFlag, s3FromFlags } from '../lib/s3/options';
import { parseS3Url } from '../lib/s3/client';
import { keyPrefixOf, runTimestamp, splitList, uploadFiles } from '../lib/s3/uploader';
import { humanSize, parseSize } from '../lib/units';

const spec: FilterSpec = {
  name: 's3put',
  synopsis: ['[OPTION]... s3://BUCKET/PREFIX/ PATH...', '[OPTION]... s3://BUCKET/PREFIX/ < LIST'],
  summary:
    'Upload each regular file to s3://BUCKET/PREFIX/ + its path, several at once, printing each URL written. Paths come from arguments (directories are walked) or one per line on standard input (as find prints them); symbolic links, devices, sockets and FIFOs are reported and skipped.',
  options: [
    { name: 'timestamp', help: "put the run's UTC time (YYYYMMDD-HHMMSS) between PREFIX and the paths" },
    { name: 'null', short: '0', help: 'read and print NUL-separated lists (for find -print0, xargs -0)' },
    { name: 'jobs', short: 'j', arg: 'N', help: 'files uploaded at once (default 4)' },
    { name: 'multipart-threshold', arg: 'SIZE', help: 'upload files larger than SIZE in parts (default 8M)' },
    { name: 'part-size', arg: 'SIZE', help: 'part size of multipart uploads, at least 5M (default 8M)' },
    ...S3_OPTIONS,
    ...COMMON_OPTIONS,
  ],
};

function sizeFlag(value: unknown, fallback: number, min: number, name: string): number {
  if (value === undefined) return fallback;
  const n = parseSize(value as string);
  if (!(n >= min)) throw new UsageError(`--${name} must be a size of at least ${humanSize(min)}: ${String(value)}`);
  return n;
}

void runFilter(spec, async ({ flags, args, signal, warn, info }) => {
  const [target, ...paths] = args;
  if (!target) throw new UsageError('missing s3://BUCKET/PREFIX/');
  let dest: { bucket: string; key: string };
  try {
    dest = parseS3Url(target);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (!paths.length && process.stdin.isTTY) throw new UsageError('no paths given (as arguments or on stdin)');
  const jobs = intFlag(flags, 'jobs', 4);
  const partSize = sizeFlag(flags['part-size'], 8 * 2 ** 20, 5 * 2 ** 20, 'part-size');
  const multipartThreshold = sizeFlag(flags['multipart-threshold'], 8 * 2 ** 20, 1, 'multipart-threshold');
  const { client } = s3FromFlags(flags, warn, jobs * 3);
  const prefix = keyPrefixOf(dest.key, flags.timestamp ? runTimestamp(new Date()) : undefined);
  const end = flags.null ? '\0' : '\n';
  const totals = await uploadFiles(paths.length ? paths : splitList(readableStdin(), flags.null === true), {
    client,
    bucket: dest.bucket,
    prefix,
    walkDirectories: paths.length > 0,
    jobs,
    partSize,
    multipartThreshold,
    signal,
    onUploaded: (key) => process.stdout.write(`s3://${dest.bucket}/${key}${end}`),
    onSkipped: (path, kind) => warn(`skipping ${kind} ${path}`),
    onFailure: (_path, err) => warn(err.message),
  });
  info(`${totals.uploaded} files, ${humanSize(totals.bytes)}B uploaded${totals.skipped ? `, ${totals.skipped} skipped` : ''}${totals.failed ? `, ${totals.failed} failed` : ''}`);
  return totals.failed ? 1 : 0;
});
