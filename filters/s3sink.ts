#!/usr/bin/env node
// No V8 flags: --max-semi-space-size=2 --no-incremental-marking once saved a quarter of
// the CPU, and now change nothing measurable (512 MiB into s3rver, Node 22, 2-3 runs
// each: 3.5-3.8 CPU s and 131-135 MiB peak RSS with or without them). So a program
// embedding ChunkSetSink gets the same speed, and tests, which run `node s3sink.js`,
// run what users run.
import '../lib/cli/compile-cache';
import { pipeline } from 'node:stream/promises';
import { COMMON_OPTIONS, FilterError, PROGRESS, Progress, UsageError, intFlag, jobsOption, readableStdin, runFilter, sizeFlag, stdinFile, type FilterSpec } from '../lib/cli';
import { DEFAULT_JOBS } from '../lib/s3/chunk-options';
import { CREATE_BUCKET_OPTION, RETENTION_OPTIONS, S3_OPTIONS, TAG_OPTION, inBucketOption, retentionFromFlags, s3FromFlags, targetFromArgs, dedupFromFlags, checkChunkSize, plainChunkSize, BWLIMIT_OPTION, ENCRYPTION_OPTIONS, STORAGE_CLASS_OPTION, storageClassFlag } from '../lib/s3/options';
import { formatS3Url } from '../lib/s3/client';
import { humanBytes, humanRate, plural } from '../lib/units';
import { dedupSummary } from '../lib/s3/dedup-summary';

const spec: FilterSpec = {
  name: 's3sink',
  synopsis: ['[OPTION]... s3://BUCKET/NAME', '[OPTION]... s3://BUCKET/NAME -- COMMAND [ARG]...', '[OPTION]... -b BUCKET -t TAG'],
  summary:
    'Store standard input, or the output of COMMAND, in S3 as a new generation of a chunk set (or one object with --object). ' +
    'Nothing is committed unless the stream is complete (and COMMAND exited 0); the previous generation stays readable until then.',
  options: [
    { name: 'chunk-size', short: 's', arg: 'SIZE', help: 'bytes per chunk, 5M to 5G (default 8M); with --dedup the average, a power of two from 1K to 64M (default 256K)' },
    { name: 'dedup', help: 'store content-defined chunks once each, shared by the generations (a deduplicated set stays one)' },
    { name: 'compress', help: 'store each new chunk compressed (zstd, or deflate on a Node without it) when that shrinks it; implies --dedup; a compressed set stays one' },
    { name: 'lease', arg: 'DURATION', help: "with --dedup: how long an upload's lease holds unrenewed, and the collector's grace period (default 10m)" },
    jobsOption('chunks uploaded', DEFAULT_JOBS, 'memory is about (N+1) × SIZE'),
    ...RETENTION_OPTIONS,
    { name: 'min-size', arg: 'SIZE', help: 'commit nothing when the stream is shorter than SIZE (default 1: an empty stream is a failed dump)' },
    { name: 'allow-empty', help: 'store an empty stream (an empty set or object) instead of refusing it' },
    { name: 'resume', help: 'continue the newest interrupted upload of NAME, sending only the chunks it lacks' },
    { name: 'object', help: 'store one plain object by multipart upload instead of a chunk set' },
    STORAGE_CLASS_OPTION,
    ...ENCRYPTION_OPTIONS,
    BWLIMIT_OPTION,
    CREATE_BUCKET_OPTION,
    inBucketOption('-t TAG', true),
    TAG_OPTION,
    ...S3_OPTIONS,
    PROGRESS,
    ...COMMON_OPTIONS,
  ],
};

void runFilter(spec, async ({ flags, args, dashed, signal, info, warn, progress }) => {
  const jobs = intFlag(flags, 'jobs', DEFAULT_JOBS);
  const retention = retentionFromFlags(flags, { last: 1 });
  if (flags['allow-empty'] && flags['min-size'] !== undefined) throw new UsageError('give --allow-empty or --min-size, not both');
  const minSize = sizeFlag(flags, 'min-size', flags['allow-empty'] ? 0 : 1, { min: 0 });
  if (dashed && !dashed.length) throw new UsageError('-- needs a COMMAND to run');
  if (!dashed && process.stdin.isTTY) throw new UsageError('standard input is a terminal: pipe the stream in, or give -- COMMAND');
  if (flags.object && (flags.resume || flags.dedup || flags.compress || RETENTION_OPTIONS.some((o) => flags[o.name] !== undefined))) {
    throw new UsageError('--object stores one plain object: it has no generations to keep, resume or deduplicate');
  }
  if (flags.lease !== undefined && !flags.dedup && !flags.compress) throw new UsageError('--lease goes with --dedup');
  const s3 = s3FromFlags(flags, warn, jobs + 2);
  const target = targetFromArgs(dashed ? args.slice(0, args.length - dashed.length) : args, flags, s3.configBucket);
  const storageClass = storageClassFlag(flags);
  checkChunkSize(flags);
  // The SDK, and what writes chunks, load only now: --help, --version and a usage error
  // that needs no server never load them (issue 16).
  const client = s3.createClient();
  const { ChunkSetSink } = require('../lib/s3/sink') as typeof import('../lib/s3/sink');
  const { MultipartObjectSink } = require('../lib/s3/object-sink') as typeof import('../lib/s3/object-sink');
  const { TooShort } = require('../lib/s3/upload-sink') as typeof import('../lib/s3/upload-sink');
  const { resumableGeneration, resumeMismatch } = require('../lib/s3/generations') as typeof import('../lib/s3/generations');
  const { startProducer } = require('../lib/producer') as typeof import('../lib/producer');
  const { ensureBucket } = require('../lib/s3/buckets') as typeof import('../lib/s3/buckets');
  if (flags['create-bucket']) await ensureBucket(client, target.bucket, { region: flags.region as string | undefined, signal });
  const dedup = flags.object ? undefined : await dedupFromFlags(flags, client, target.bucket, target.key, signal);
  const chunkSize = dedup ? dedup.avg : plainChunkSize(flags);
  const resume = flags.resume && !dedup ? await resumableGeneration(client, target.bucket, target.key, signal) : undefined;
  const mismatch = resume && resumeMismatch(resume, chunkSize);
  if (mismatch) throw new UsageError(mismatch);
  const producer = dashed && startProducer(dashed, signal);
  // A file on standard input is read straight into the chunks; pipes are streams.
  const file = producer ? undefined : stdinFile();
  const common = { client, bucket: target.bucket, jobs, chunkSize, signal, minSize, storageClass, approve: producer ? () => producer.finished : undefined };
  const sink = flags.object
    ? new MultipartObjectSink({ ...common, key: target.key })
    : new ChunkSetSink({ ...common, name: target.key, retention, resume, dedup, resumeStored: flags.resume === true });
  const meter = new Progress('s3sink', progress);
  // A multipart upload is made of parts; "chunk" is a piece of a chunk set.
  const piece = flags.object ? 'part' : 'chunk';
  const timer = setInterval(() => meter.update(sink.bytes, `${plural(sink.uploaded, piece)}, ${sink.inFlight} in flight`), 250);
  const started = Date.now();
  try {
    if (file === undefined) await pipeline(producer ? producer.stdout : readableStdin(), sink);
    else await sink.uploadFrom(file);
  } catch (err) {
    // Three `ssh host tar … | s3sink --keep 3` runs whose ssh failed once rotated every good generation out.
    if (err instanceof TooShort && sink.bytes === 0 && flags['min-size'] === undefined) throw new FilterError('empty input, not committed (--allow-empty to store it)');
    throw err;
  } finally {
    clearInterval(timer);
  }
  meter.done(sink.bytes, plural(sink.uploaded, piece));
  if (resume) info(`resumed ${resume.generation}: ${sink.reused} of ${resume.chunks.size} chunks already stored`);
  if (sink instanceof ChunkSetSink) {
    if (dedup && flags.resume) info(`resumed: ${sink.resumed} chunks an interrupted upload stored were not sent again`);
    sink.warnings.forEach(warn);
    // Stood aside for a newer upload of the same name: the warning said so, nothing was stored.
    if (!sink.manifest) return;
  }
  const url = formatS3Url(target);
  const how = `${plural(sink.uploaded, piece)} at ${url} (${humanRate(sink.bytes, Date.now() - started)}${sink.retries ? `, ${sink.retries} retries` : ''})`;
  if (dedup && sink instanceof ChunkSetSink) info(`stored ${dedupSummary(sink.bytes, sink.newContentBytes, dedup.compress ? sink.newBytes : undefined)} in ${how}`);
  else info(`stored ${humanBytes(sink.bytes)} in ${how}`);
});
