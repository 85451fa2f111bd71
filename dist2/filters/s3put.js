#!/usr/bin/env node
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
require("../lib/cli/compile-cache");
const cli_1 = require("../lib/cli");
const options_1 = require("../lib/s3/options");
const buckets_1 = require("../lib/s3/buckets");
const chunk_options_1 = require("../lib/s3/chunk-options");
const uploader_1 = require("../lib/s3/uploader");
const units_1 = require("../lib/units");
const spec = {
    name: 's3put',
    synopsis: ['[OPTION]... s3://BUCKET/PREFIX/ PATH...', '[OPTION]... s3://BUCKET/PREFIX/ < LIST'],
    summary: 'Upload each regular file to s3://BUCKET/PREFIX/ + its path, several at once, printing each URL written. Paths come from arguments (directories are walked) or one per line on standard input (as find prints them); symbolic links, devices, sockets and FIFOs are reported and skipped.',
    options: [
        { name: 'timestamp', help: "put the run's UTC time (YYYYMMDD-HHMMSS) between PREFIX and the paths" },
        cli_1.NUL,
        (0, cli_1.jobsOption)('files uploaded', 4),
        { name: 'multipart-threshold', arg: 'SIZE', help: 'upload files larger than SIZE in parts (default 8M)' },
        { name: 'part-size', arg: 'SIZE', help: 'part size of multipart uploads, at least 5M (default 8M)' },
        options_1.CREATE_BUCKET_OPTION,
        ...options_1.S3_OPTIONS,
        ...cli_1.COMMON_OPTIONS,
    ],
};
void (0, cli_1.runFilter)(spec, async ({ flags, args, signal, warn, info }) => {
    const [target, ...paths] = args;
    if (!target)
        throw new cli_1.UsageError('missing s3://BUCKET/PREFIX/');
    const dest = (0, options_1.s3Argument)(target);
    if (!paths.length && process.stdin.isTTY)
        throw new cli_1.UsageError('no paths given (as arguments or on stdin)');
    const jobs = (0, cli_1.intFlag)(flags, 'jobs', 4);
    const partSize = (0, cli_1.sizeFlag)(flags, 'part-size', chunk_options_1.DEFAULT_CHUNK_SIZE, { min: 5 * 2 ** 20 });
    const multipartThreshold = (0, cli_1.sizeFlag)(flags, 'multipart-threshold', chunk_options_1.DEFAULT_CHUNK_SIZE);
    const { client } = (0, options_1.s3FromFlags)(flags, warn, jobs * 3);
    if (flags['create-bucket'])
        await (0, buckets_1.ensureBucket)(client, dest.bucket, { region: flags.region, signal });
    const prefix = (0, uploader_1.keyPrefixOf)(dest.key, flags.timestamp ? (0, uploader_1.runTimestamp)(new Date()) : undefined);
    const end = flags.null ? '\0' : '\n';
    const totals = await (0, uploader_1.uploadFiles)(paths.length ? paths : (0, cli_1.splitList)((0, cli_1.readableStdin)(), flags.null === true), {
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
    info(`${totals.uploaded} files, ${(0, units_1.humanSize)(totals.bytes)}B uploaded${totals.skipped ? `, ${totals.skipped} skipped` : ''}${totals.failed ? `, ${totals.failed} failed` : ''}`);
    return totals.failed ? 1 : 0;
});
