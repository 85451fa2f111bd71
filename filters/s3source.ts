#!/usr/bin/env node
// No V8 flags: the GC churn that --no-incremental-marking once hid (a third of the CPU)
// came from socket reads into fresh Buffers, and chunk GETs now read into reused ones
// (lib/s3/direct-get.ts), so a program embedding ChunkSetSource gets the same speed.
import '../lib/cli/compile-cache';
import { COMMON_OPTIONS, FilterError, PROGRESS, errorLine, Progress, UsageError, copyTo, intFlag, jobsOption, runFilter, sizeFlag, type CopyError, type FilterSpec } from '../lib/cli';
import { dedupChunkKeyIn, isDedupChunkKey } from '../lib/s3/layout';
import { DEFAULT_JOBS } from '../lib/s3/chunk-options';
import { BWLIMIT_OPTION, S3_OPTIONS, SSE_C_KEY_OPTION, TAG_OPTION, generationRefFlag, inBucketOption, s3FromFlags, targetFromArgs } from '../lib/s3/options';

const spec: FilterSpec = {
  name: 's3source',
  synopsis: ['[OPTION]... s3://BUCKET/NAME', '[OPTION]... -b BUCKET -t TAG', '--check [--generation REF | --all-generations] s3://BUCKET/NAME'],
  summary:
    'Write a chunk set (its current generation, or an older one), a plain object or an s3store tag to standard output, in order, verifying every chunk against its manifest. With --check, verify and write nothing.',
  options: [
    jobsOption('chunks fetched', DEFAULT_JOBS, 'they run ahead of the output'),
    { name: 'chunk-size', short: 's', arg: 'SIZE', help: 'range size for plain objects (default 8M)' },
    { name: 'generation', short: 'g', arg: 'REF', help: 'read this generation: a GEN id as s3ls --generations prints it, or ~N, N before the current one' },
    { name: 'check', help: 'read and verify every chunk, write nothing; one line per generation on stderr' },
    { name: 'all-generations', help: 'with --check: every committed generation, not one' },
    SSE_C_KEY_OPTION,
    BWLIMIT_OPTION,
    inBucketOption('-t TAG', true),
    TAG_OPTION,
    ...S3_OPTIONS,
    PROGRESS,
    ...COMMON_OPTIONS,
  ],
};

void runFilter(spec, async ({ flags, args, signal, warn, progress }) => {
  const jobs = intFlag(flags, 'jobs', DEFAULT_JOBS);
  const chunkSize = sizeFlag(flags, 'chunk-size', undefined);
  const ref = generationRefFlag(flags);
  if (flags['all-generations'] && !flags.check) throw new UsageError('--all-generations goes with --check');
  if (flags['all-generations'] && ref) throw new UsageError('give --generation or --all-generations, not both');
  const s3 = s3FromFlags(flags, warn, jobs + 2);
  const { bucket, key: name } = targetFromArgs(args, flags, s3.configBucket);
  // The SDK, and what reads chunks, load only now: --help, --version and a usage error
  // never load them (issue 16).
  const client = s3.createClient();
  const { ChunkSetSource, ChunkVerificationError } = require('../lib/s3/source') as typeof import('../lib/s3/source');
  const { checkGeneration, formatCheck, generationsUsing } = require('../lib/s3/check') as typeof import('../lib/s3/check');
  const { generationsToCheck, listGenerations, resolveGeneration } = require('../lib/s3/generations') as typeof import('../lib/s3/generations');
  // A bad chunk of a deduplicated set is every generation's that names it: say which.
  const sharedBy = async (key: string) => {
    const users = generationsUsing((await listGenerations(client, bucket, name, signal)).map((g) => g.manifest), key);
    warn(`s3://${bucket}/${key} is used by ${users.length} generation${users.length === 1 ? '' : 's'}: ${users.join(' ')}`);
  };
  if (flags.check) {
    const seen = new Map<string, string | null>();
    const badKeys = new Set<string>();
    for (const manifest of await generationsToCheck(client, bucket, name, { ref, all: flags['all-generations'] === true, signal })) {
      const result = await checkGeneration(client, bucket, manifest, { jobs, signal, seen });
      if (result.bad) badKeys.add(result.bad.key);
      process.stderr.write(`${formatCheck(result)}\n`);
    }
    for (const key of badKeys) if (isDedupChunkKey(name, key)) await sharedBy(key);
    return badKeys.size ? 1 : 0;
  }
  const generation = ref && (await resolveGeneration(client, bucket, name, ref, signal));
  const source = new ChunkSetSource({ client, bucket, name, generation, jobs, chunkSize, signal });
  const meter = new Progress('s3source', progress);
  const timer = setInterval(() => meter.update(source.bytes), 250);
  try {
    await copyTo(source, process.stdout, (chunk) => source.release(chunk));
  } catch (err) {
    const { bytes, cause } = err as CopyError;
    const key = cause instanceof ChunkVerificationError ? dedupChunkKeyIn(name, cause.message) : undefined;
    if (key) await sharedBy(key).catch(() => undefined);
    // One line says both what failed and how much of the stream the reader already has.
    if (bytes > 0 && (cause as NodeJS.ErrnoException).code !== 'EPIPE') {
      throw new FilterError(`${errorLine(cause)}; output is incomplete: only the first ${bytes} bytes were written`, (cause as { exitCode?: number }).exitCode, { cause });
    }
    throw cause;
  } finally {
    clearInterval(timer);
  }
  meter.done(source.bytes);
  return 0;
});
