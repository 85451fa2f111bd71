#!/usr/bin/env node
import '../lib/cli/compile-cache';
import { text } from 'node:stream/consumers';
import { COMMON_OPTIONS, NUL, UsageError, argsOrStdin, intFlag, jobsOption, readableStdin, runFilter, type FilterSpec } from '../lib/cli';
import { RETENTION_OPTIONS, S3_OPTIONS, generationRefFlag, inBucketOption, resolveTargets, retentionFromFlags, s3FromFlags, targetFromArgs } from '../lib/s3/options';
import { readQuotedLines } from '../lib/xargs-quote';

const spec: FilterSpec = {
  name: 's3rm',
  synopsis: [
    '[OPTION]... s3://BUCKET/KEY...',
    '[OPTION]... -b BUCKET KEY...',
    '[OPTION]... -r s3://BUCKET/PREFIX...',
    '[OPTION]... --bucket [-r] s3://BUCKET...',
    '[OPTION]... --generation REF [--force] s3://BUCKET/NAME',
    '[OPTION]... --prune --keep... s3://BUCKET/NAME',
    '--all --yes',
  ],
  summary:
    'Remove keys (from arguments, or on standard input one per line, quoted as s3ls prints them) with one DeleteObjects request per 1000 keys. As with rm -f, a key that does not exist is not an error.',
  options: [
    { name: 'recursive', short: 'r', help: 'remove everything under each prefix; NAME means NAME and NAME/..., so a chunk set goes whole' },
    { name: 'bucket', help: 'remove the buckets named s3://BUCKET; they must be empty unless -r is given' },
    { name: 'all', help: 'remove every key of every bucket, then the buckets; needs --yes' },
    { name: 'yes', help: 'confirm --all, or -r of a whole bucket (s3://BUCKET)' },
    { name: 'generation', short: 'g', arg: 'REF', help: 'remove one generation of the chunk set NAME: a GEN id, or ~N, N before the current one' },
    { name: 'force', help: 'with --generation: the current one too (the newest remaining becomes current)' },
    { name: 'prune', help: 'remove the generations of NAME that the --keep flags do not keep (-n: print each decision)' },
    ...RETENTION_OPTIONS,
    { name: 'dry-run', short: 'n', help: "print 'would remove URL' for each key and bucket; remove nothing" },
    { name: 'verbose', short: 'v', help: 'print each key (and bucket) removed' },
    NUL,
    inBucketOption('bare KEYs', false),
    jobsOption('DeleteObjects requests', 4),
    ...S3_OPTIONS,
    ...COMMON_OPTIONS,
  ],
};

void runFilter(spec, async ({ flags, args, signal, warn }) => {
  const jobs = intFlag(flags, 'jobs', 4);
  const dryRun = flags['dry-run'] === true;
  if (flags.all && !flags.yes && !dryRun) throw new UsageError('--all removes every bucket and everything in it; add --yes to confirm');
  if (flags.all && args.length) throw new UsageError('--all takes no arguments');
  const ref = generationRefFlag(flags);
  const policy = retentionFromFlags(flags, undefined);
  if (policy && !flags.prune) throw new UsageError('the --keep flags go with --prune');
  if (flags.prune && ref !== undefined) throw new UsageError('give --prune or --generation, not both');
  if (flags.prune && !policy) throw new UsageError('--prune needs a policy: --keep, --keep-daily, --keep-weekly, --keep-monthly or --keep-within');
  // The client (and with it the SDK) comes after every check that needs no server:
  // --help, --version, usage errors and an empty list never need it, and it is most of a
  // batch's start-up in `s3ls | xargs s3rm` (issue 16).
  const s3 = s3FromFlags(flags, warn, jobs + 2);
  if (flags.prune || ref !== undefined) {
    const { bucket, key: name } = targetFromArgs(args, flags, undefined);
    const client = s3.createClient();
    const { formatPruneDecision, pruneGenerations, removeGeneration, resolveGeneration } = require('../lib/s3/generations') as typeof import('../lib/s3/generations');
    if (ref !== undefined) {
      const generation = await resolveGeneration(client, bucket, name, ref, signal);
      await removeGeneration(client, bucket, name, generation, { force: flags.force === true, dryRun, signal });
      if (dryRun || flags.verbose) process.stdout.write(`remove ${generation}\n`);
      return 0;
    }
    for (const d of await pruneGenerations(client, bucket, name, policy!, { dryRun, signal })) {
      if (dryRun || flags.verbose) process.stdout.write(`${formatPruneDecision(d)}\n`);
    }
    return 0;
  }
  let items: string[];
  if (flags.all) {
    const { listBuckets } = require('../lib/s3/lister') as typeof import('../lib/s3/lister');
    items = (await listBuckets(s3.createClient(), signal)).map((b) => `s3://${b.name}/`);
  } else if (args.length || flags.null || process.stdin.isTTY) {
    items = await argsOrStdin(args, flags.null === true, 'keys');
  } else {
    // s3ls quotes what xargs would split; the same lines on stdin mean the same keys.
    items = readQuotedLines(await text(readableStdin()), 'standard input');
  }
  const mode = flags.all ? 'bucket' : flags.bucket ? 'bucket' : flags.recursive ? 'tree' : 'keys';
  const targets = resolveTargets(items, mode, (flags['in-bucket'] as string | undefined) ?? s3.configBucket);
  // `-r s3://BUCKET` is `--all` for one bucket: a slip of the prefix away from `-r s3://BUCKET/dir`.
  const root = mode === 'tree' && !dryRun && !flags.yes && targets.find((t) => t.key === '');
  if (root) throw new UsageError(`-r s3://${root.bucket}/ removes everything in the bucket; add --yes to confirm`);
  if (!targets.length) return 0;
  const { removeAll } = require('../lib/s3/remove') as typeof import('../lib/s3/remove');
  const { listedUrl, oneLine } = require('../lib/s3/format') as typeof import('../lib/s3/format');
  const nul = flags.null === true;
  // A dry run reads as one ("would remove"), never as the -v record of what went.
  const print = dryRun || flags.verbose ? (url: string) => process.stdout.write(`${dryRun ? 'would remove ' : ''}${url}${nul ? '\0' : '\n'}`) : undefined;
  const failed = await removeAll(targets, {
    client: s3.createClient(),
    jobs,
    dryRun,
    signal,
    mode,
    recursive: flags.recursive === true || flags.all === true,
    onDeleted: print && ((bucket, key) => print(listedUrl(bucket, key, nul))),
    onBucketRemoved: print && ((bucket) => print(listedUrl(bucket, '', nul))),
    onFailure: (f) => warn(`cannot delete ${oneLine(`s3://${f.bucket}/${f.key}`)}: ${f.code}${f.message ? ` (${f.message})` : ''}`),
    onError: (err) => warn((err as Error).message),
  });
  return failed ? 1 : 0;
});
