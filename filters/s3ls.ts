#!/usr/bin/env node
import '../lib/cli/compile-cache';
import { once } from 'node:events';
import { COMMON_OPTIONS, HELP, NUL, UsageError, intFlag, runFilter, type FilterSpec } from '../lib/cli';
import { S3_OPTIONS, SSE_C_KEY_OPTION, s3Argument } from '../lib/s3/option-specs';

const spec: FilterSpec = {
  name: 's3ls',
  synopsis: ['[OPTION]...', '[OPTION]... s3://BUCKET[/PREFIX]...', '--generations [-h] [--json] s3://BUCKET/NAME'],
  summary:
    'List buckets, or the keys under each prefix as s3://BUCKET/KEY lines, in key order (one level unless -r; common prefixes end in /), quoted as xargs and s3rm read them (raw with -0).',
  options: [
    { name: 'recursive', short: 'r', help: 'list every key under the prefix, not one level' },
    { name: 'long', short: 'l', help: 'print size, modification time (UTC) and URL' },
    { name: 'human-readable', short: 'h', help: 'with -l, print sizes like 1.5K, 20M' },
    NUL,
    { name: 'json', help: 'print one JSON object per line' },
    { name: 'sets', help: 'list the chunk sets under the prefix (with -l: size, logical and stored bytes, date, generation)' },
    { name: 'generations', help: 'list the committed generations of the chunk set s3://BUCKET/NAME, newest first: GEN CREATED SIZE CHUNKS SHA256 current|- (-l: and NEW, the bytes it stored)' },
    { name: 'page-size', arg: 'N', help: 'keys per list request, 1 to 1000 (default 1000)' },
    SSE_C_KEY_OPTION,
    ...S3_OPTIONS,
    ...COMMON_OPTIONS.map((o) => (o === HELP ? { ...HELP, short: undefined } : o)),
  ],
};

void runFilter(spec, async ({ flags, args, signal, warn }) => {
  const pageSize = intFlag(flags, 'page-size', 1000, { max: 1000 });
  const fmt = { long: flags.long === true, human: flags['human-readable'] === true, json: flags.json === true, nul: flags.null === true };
  const end = flags.null ? '\0' : '\n';
  const targets = args.map(s3Argument);
  if (!targets.length && (flags.sets || flags.recursive)) throw new UsageError(`${flags.sets ? '--sets' : '-r'} needs s3://BUCKET[/PREFIX]`);
  if (flags.generations && (targets.length !== 1 || !targets[0].key)) throw new UsageError('--generations takes one s3://BUCKET/NAME');
  // The SDK and what sends requests load only now: --help, --version and a usage error
  // never need them, and they are most of a run's start-up (issue 16).
  const { s3FromFlags } = require('../lib/s3/options') as typeof import('../lib/s3/options');
  const s3 = s3FromFlags(flags, warn, 4);
  const { listBuckets, listEntryPages } = require('../lib/s3/lister') as typeof import('../lib/s3/lister');
  const { formatBucket, formatChunkSet, formatEntry, formatGeneration } = require('../lib/s3/format') as typeof import('../lib/s3/format');
  const client = s3.createClient();
  // Line by line, waiting for drain: a pipeline would destroy stdout on a listing
  // error and lose the lines listed before it.
  const write = async (text: string) => {
    if (!process.stdout.write(text)) await once(process.stdout, 'drain');
  };
  const out = (line: string) => write(line + end);
  let bad = 0;
  const listAll = async () => {
    if (!targets.length) {
      for (const b of await listBuckets(client, signal)) await out(formatBucket(b, fmt));
    }
    for (const { bucket, key: prefix } of targets) {
      const common = { client, bucket, prefix, pageSize, signal };
      if (flags.generations) {
        // Only here, as sets.ts below: what a plain listing never runs, it never loads (issue 16).
        const { GenerationNotFound, listGenerations } = require('../lib/s3/generations') as typeof import('../lib/s3/generations');
        const gens = await listGenerations(client, bucket, prefix.replace(/\/+$/, ''), signal);
        if (!gens.length) throw new GenerationNotFound(`s3://${bucket}/${prefix}: no committed generation`);
        for (const g of gens) await out(formatGeneration(g, fmt));
        continue;
      }
      if (flags.sets) {
        const { listChunkSets } = require('../lib/s3/sets') as typeof import('../lib/s3/sets');
        for await (const s of listChunkSets({ ...common, usage: fmt.long || fmt.json })) {
          if (s.error) {
            bad++;
            warn(`cannot read s3://${bucket}/${s.name}/MANIFEST: ${s.error}`);
          }
          if (!s.error || fmt.json) await out(formatChunkSet(bucket, s, fmt));
        }
        continue;
      }
      // One write per page, not per key: 20,000 keys were 20,000 write(2)s to the pipe.
      for await (const page of listEntryPages({ ...common, delimiter: flags.recursive ? undefined : '/' })) {
        if (page.length) await write(page.map((e) => formatEntry(bucket, e, fmt) + end).join(''));
      }
    }
  };
  await listAll();
  return bad ? 1 : 0;
});
