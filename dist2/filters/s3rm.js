#!/usr/bin/env node
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
require("../lib/cli/compile-cache");
const cli_1 = require("../lib/cli");
const options_1 = require("../lib/s3/options");
const generations_1 = require("../lib/s3/generations");
const lister_1 = require("../lib/s3/lister");
const remove_1 = require("../lib/s3/remove");
const spec = {
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
    summary: 'Remove keys (from arguments, or one per line on standard input) with one DeleteObjects request per 1000 keys. As with rm -f, a key that does not exist is not an error.',
    options: [
        { name: 'recursive', short: 'r', help: 'remove everything under each prefix; NAME means NAME and NAME/..., so a chunk set goes whole' },
        { name: 'bucket', help: 'remove the buckets named s3://BUCKET; they must be empty unless -r is given' },
        { name: 'all', help: 'remove every key of every bucket, then the buckets; needs --yes' },
        { name: 'yes', help: 'confirm --all, or -r of a whole bucket (s3://BUCKET)' },
        { name: 'generation', short: 'g', arg: 'REF', help: 'remove one generation of the chunk set NAME: a GEN id, or ~N, N before the current one' },
        { name: 'force', help: 'with --generation: the current one too (the newest remaining becomes current)' },
        { name: 'prune', help: 'remove the generations of NAME that the --keep flags do not keep (-n: print each decision)' },
        ...options_1.RETENTION_OPTIONS,
        { name: 'dry-run', short: 'n', help: "print 'would remove URL' for each key and bucket; remove nothing" },
        { name: 'verbose', short: 'v', help: 'print each key (and bucket) removed' },
        cli_1.NUL,
        (0, options_1.inBucketOption)('bare KEYs', false),
        (0, cli_1.jobsOption)('DeleteObjects requests', 4),
        ...options_1.S3_OPTIONS,
        ...cli_1.COMMON_OPTIONS,
    ],
};
void (0, cli_1.runFilter)(spec, async ({ flags, args, signal, warn }) => {
    const jobs = (0, cli_1.intFlag)(flags, 'jobs', 4);
    const dryRun = flags['dry-run'] === true;
    if (flags.all && !flags.yes && !dryRun)
        throw new cli_1.UsageError('--all removes every bucket and everything in it; add --yes to confirm');
    if (flags.all && args.length)
        throw new cli_1.UsageError('--all takes no arguments');
    const { client, configBucket } = (0, options_1.s3FromFlags)(flags, warn, jobs + 2);
    const ref = (0, options_1.generationRefFlag)(flags);
    const policy = (0, options_1.retentionFromFlags)(flags, undefined);
    if (policy && !flags.prune)
        throw new cli_1.UsageError('the --keep flags go with --prune');
    if (flags.prune || ref !== undefined) {
        if (flags.prune && ref !== undefined)
            throw new cli_1.UsageError('give --prune or --generation, not both');
        if (flags.prune && !policy)
            throw new cli_1.UsageError('--prune needs a policy: --keep, --keep-daily, --keep-weekly, --keep-monthly or --keep-within');
        const { bucket, key: name } = (0, options_1.targetFromArgs)(args, flags, undefined);
        if (ref !== undefined) {
            const generation = await (0, generations_1.resolveGeneration)(client, bucket, name, ref, signal);
            await (0, generations_1.removeGeneration)(client, bucket, name, generation, { force: flags.force === true, dryRun, signal });
            if (dryRun || flags.verbose)
                process.stdout.write(`remove ${generation}\n`);
            return 0;
        }
        for (const d of await (0, generations_1.pruneGenerations)(client, bucket, name, policy, { dryRun, signal })) {
            if (dryRun || flags.verbose)
                process.stdout.write(`${(0, generations_1.formatPruneDecision)(d)}\n`);
        }
        return 0;
    }
    let items;
    if (flags.all) {
        items = (await (0, lister_1.listBuckets)(client, signal)).map((b) => `s3://${b.name}/`);
    }
    else {
        items = await (0, cli_1.argsOrStdin)(args, flags.null === true, 'keys');
    }
    const mode = flags.all ? 'bucket' : flags.bucket ? 'bucket' : flags.recursive ? 'tree' : 'keys';
    const targets = (0, options_1.resolveTargets)(items, mode, flags['in-bucket'] ?? configBucket);
    // `-r s3://BUCKET` is `--all` for one bucket: a slip of the prefix away from `-r s3://BUCKET/dir`.
    const root = mode === 'tree' && !dryRun && !flags.yes && targets.find((t) => t.key === '');
    if (root)
        throw new cli_1.UsageError(`-r s3://${root.bucket}/ removes everything in the bucket; add --yes to confirm`);
    const end = flags.null ? '\0' : '\n';
    // A dry run reads as one ("would remove"), never as the -v record of what went.
    const print = dryRun || flags.verbose ? (url) => process.stdout.write(`${dryRun ? 'would remove ' : ''}${url}${end}`) : undefined;
    const failed = await (0, remove_1.removeAll)(targets, {
        client,
        jobs,
        dryRun,
        signal,
        mode,
        recursive: flags.recursive === true || flags.all === true,
        onDeleted: print && ((bucket, key) => print(`s3://${bucket}/${key}`)),
        onBucketRemoved: print && ((bucket) => print(`s3://${bucket}/`)),
        onFailure: (f) => warn(`cannot delete s3://${f.bucket}/${f.key}: ${f.code}${f.message ? ` (${f.message})` : ''}`),
        onError: (err) => warn(err.message),
    });
    return failed ? 1 : 0;
});
