#!/usr/bin/env node
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
// No V8 flags: the GC churn that --no-incremental-marking once hid (a third of the CPU)
// came from socket reads into fresh Buffers, and chunk GETs now read into reused ones
// (lib/s3/direct-get.ts), so a program embedding ChunkSetSource gets the same speed.
require("../lib/cli/compile-cache");
const cli_1 = require("../lib/cli");
const source_1 = require("../lib/s3/source");
const chunk_options_1 = require("../lib/s3/chunk-options");
const check_1 = require("../lib/s3/check");
const generations_1 = require("../lib/s3/generations");
const options_1 = require("../lib/s3/options");
const spec = {
    name: 's3source',
    synopsis: ['[OPTION]... s3://BUCKET/NAME', '[OPTION]... -b BUCKET -t TAG', '--check [--generation REF | --all-generations] s3://BUCKET/NAME'],
    summary: 'Write a chunk set (its current generation, or an older one), a plain object or an s3store tag to standard output, in order, verifying every chunk against its manifest. With --check, verify and write nothing.',
    options: [
        (0, cli_1.jobsOption)('chunks fetched', chunk_options_1.DEFAULT_JOBS, 'they run ahead of the output'),
        { name: 'chunk-size', short: 's', arg: 'SIZE', help: 'range size for plain objects (default 8M)' },
        { name: 'generation', short: 'g', arg: 'REF', help: 'read this generation: a GEN id as s3ls --generations prints it, or ~N, N before the current one' },
        { name: 'check', help: 'read and verify every chunk, write nothing; one line per generation on stderr' },
        { name: 'all-generations', help: 'with --check: every committed generation, not one' },
        (0, options_1.inBucketOption)('-t TAG', true),
        options_1.TAG_OPTION,
        ...options_1.S3_OPTIONS,
        cli_1.PROGRESS,
        ...cli_1.COMMON_OPTIONS,
    ],
};
void (0, cli_1.runFilter)(spec, async ({ flags, args, signal, warn, progress }) => {
    const jobs = (0, cli_1.intFlag)(flags, 'jobs', chunk_options_1.DEFAULT_JOBS);
    const chunkSize = (0, cli_1.sizeFlag)(flags, 'chunk-size', undefined);
    const ref = (0, options_1.generationRefFlag)(flags);
    if (flags['all-generations'] && !flags.check)
        throw new cli_1.UsageError('--all-generations goes with --check');
    if (flags['all-generations'] && ref)
        throw new cli_1.UsageError('give --generation or --all-generations, not both');
    const { client, configBucket } = (0, options_1.s3FromFlags)(flags, warn, jobs + 2);
    const { bucket, key: name } = (0, options_1.targetFromArgs)(args, flags, configBucket);
    if (flags.check) {
        let bad = 0;
        for (const manifest of await (0, generations_1.generationsToCheck)(client, bucket, name, { ref, all: flags['all-generations'] === true, signal })) {
            const result = await (0, check_1.checkGeneration)(client, bucket, manifest, { jobs, signal });
            if (result.bad)
                bad++;
            process.stderr.write(`${(0, check_1.formatCheck)(result)}\n`);
        }
        return bad ? 1 : 0;
    }
    const generation = ref && (await (0, generations_1.resolveGeneration)(client, bucket, name, ref, signal));
    const source = new source_1.ChunkSetSource({ client, bucket, name, generation, jobs, chunkSize, signal });
    const meter = new cli_1.Progress('s3source', progress);
    const timer = setInterval(() => meter.update(source.bytes), 250);
    try {
        await (0, cli_1.copyTo)(source, process.stdout, (chunk) => source.release(chunk));
    }
    catch (err) {
        const { bytes, cause } = err;
        if (bytes > 0)
            warn(`output is incomplete: only the first ${bytes} bytes were written`);
        throw cause;
    }
    finally {
        clearInterval(timer);
    }
    meter.done(source.bytes);
    return 0;
});
