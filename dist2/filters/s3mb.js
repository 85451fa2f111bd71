#!/usr/bin/env node
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
require("../lib/cli/compile-cache");
const cli_1 = require("../lib/cli");
const options_1 = require("../lib/s3/options");
const buckets_1 = require("../lib/s3/buckets");
const spec = {
    name: 's3mb',
    synopsis: ['[OPTION]... s3://BUCKET...', '[OPTION]... < LIST'],
    summary: 'Make each bucket (from arguments, or one per line on standard input), in --region on AWS. As with mkdir -p, a bucket that is already yours is not an error; one that belongs to someone else is.',
    options: [
        { name: 'verbose', short: 'v', help: 'print the URL of each bucket, made now or already yours' },
        cli_1.NUL,
        ...options_1.S3_OPTIONS,
        ...cli_1.COMMON_OPTIONS,
    ],
};
void (0, cli_1.runFilter)(spec, async ({ flags, args, signal, warn }) => {
    const buckets = (await (0, cli_1.argsOrStdin)(args, flags.null === true, 'buckets')).map(options_1.bucketArgument);
    const { client } = (0, options_1.s3FromFlags)(flags, warn);
    const region = flags.region;
    let failed = 0;
    for (const bucket of buckets) {
        try {
            await (0, buckets_1.createBucket)(client, bucket, { region, signal });
            if (flags.verbose)
                process.stdout.write(`s3://${bucket}/${flags.null ? '\0' : '\n'}`);
        }
        catch (err) {
            if (signal.aborted)
                throw err;
            failed++;
            warn(err.message);
        }
    }
    return failed ? 1 : 0;
});
