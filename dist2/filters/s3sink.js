#!/usr/bin/env -S node --max-semi-space-size=2 --no-incremental-marking
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
// A small young generation: a stream's garbage dies young, and a smaller nursery keeps
// peak RSS near (jobs+1) × chunk size (measured on Node 24: 15 MiB less, same speed).
// No incremental marking: with it V8 started a full collection 80–140 times per GiB of
// Buffers passing through, a quarter to a third of the CPU of s3sink and s3source
// (measured: 1 GiB through s3sink 6.7 → 5.0 s of CPU, s3source 4.7 → 3.3 s); the heap
// is a few MiB, so the full collections that remain take milliseconds.
require("../lib/cli/compile-cache");
const promises_1 = require("node:stream/promises");
const cli_1 = require("../lib/cli");
const sink_1 = require("../lib/s3/sink");
const object_sink_1 = require("../lib/s3/object-sink");
const chunk_options_1 = require("../lib/s3/chunk-options");
const upload_sink_1 = require("../lib/s3/upload-sink");
const generations_1 = require("../lib/s3/generations");
const options_1 = require("../lib/s3/options");
const errors_1 = require("../lib/s3/errors");
const client_1 = require("../lib/s3/client");
const producer_1 = require("../lib/producer");
const buckets_1 = require("../lib/s3/buckets");
const units_1 = require("../lib/units");
const spec = {
    name: 's3sink',
    synopsis: ['[OPTION]... s3://BUCKET/NAME', '[OPTION]... s3://BUCKET/NAME -- COMMAND [ARG]...', '[OPTION]... -b BUCKET -t TAG'],
    summary: 'Store standard input, or the output of COMMAND, in S3 as a new generation of a chunk set (or one object with --object). ' +
        'Nothing is committed unless the stream is complete (and COMMAND exited 0); the previous generation stays readable until then.',
    options: [
        { name: 'chunk-size', short: 's', arg: 'SIZE', help: 'bytes per chunk, 5M to 5G (default 8M)' },
        (0, cli_1.jobsOption)('chunks uploaded', chunk_options_1.DEFAULT_JOBS, 'memory is about (N+1) × SIZE'),
        ...options_1.RETENTION_OPTIONS,
        { name: 'min-size', arg: 'SIZE', help: 'commit nothing when the stream is shorter than SIZE (default 1: an empty stream is a failed dump)' },
        { name: 'allow-empty', help: 'store an empty stream (an empty set or object) instead of refusing it' },
        { name: 'resume', help: 'continue the newest interrupted upload of NAME, sending only the chunks it lacks' },
        { name: 'object', help: 'store one plain object by multipart upload instead of a chunk set' },
        options_1.CREATE_BUCKET_OPTION,
        (0, options_1.inBucketOption)('-t TAG', true),
        options_1.TAG_OPTION,
        ...options_1.S3_OPTIONS,
        cli_1.PROGRESS,
        ...cli_1.COMMON_OPTIONS,
    ],
};
void (0, cli_1.runFilter)(spec, async ({ flags, args, dashed, signal, info, warn, progress, debug }) => {
    const chunkSize = (0, cli_1.sizeFlag)(flags, 'chunk-size', chunk_options_1.DEFAULT_CHUNK_SIZE, { min: 5 * 2 ** 20, max: 5 * 2 ** 30 });
    const jobs = (0, cli_1.intFlag)(flags, 'jobs', chunk_options_1.DEFAULT_JOBS);
    const retention = (0, options_1.retentionFromFlags)(flags, { last: 1 });
    if (flags['allow-empty'] && flags['min-size'] !== undefined)
        throw new cli_1.UsageError('give --allow-empty or --min-size, not both');
    const minSize = (0, cli_1.sizeFlag)(flags, 'min-size', flags['allow-empty'] ? 0 : 1, { min: 0 });
    if (dashed && !dashed.length)
        throw new cli_1.UsageError('-- needs a COMMAND to run');
    if (!dashed && process.stdin.isTTY)
        throw new cli_1.UsageError('standard input is a terminal: pipe the stream in, or give -- COMMAND');
    if (flags.object && (flags.resume || options_1.RETENTION_OPTIONS.some((o) => flags[o.name] !== undefined))) {
        throw new cli_1.UsageError('--object stores one plain object: it has no generations to keep or resume');
    }
    const { client, configBucket } = (0, options_1.s3FromFlags)(flags, warn, jobs + 2);
    const target = (0, options_1.targetFromArgs)(dashed ? args.slice(0, args.length - dashed.length) : args, flags, configBucket);
    if (flags['create-bucket'])
        await (0, buckets_1.ensureBucket)(client, target.bucket, { region: flags.region, signal });
    const resume = flags.resume ? await (0, generations_1.resumableGeneration)(client, target.bucket, target.key, signal) : undefined;
    const mismatch = resume && (0, generations_1.resumeMismatch)(resume, chunkSize);
    if (mismatch)
        throw new cli_1.UsageError(mismatch);
    const producer = dashed && (0, producer_1.startProducer)(dashed, signal);
    const input = producer ? producer.stdout : (0, cli_1.readableStdin)();
    const onRetry = (err) => debug && warn(`retrying after ${(0, errors_1.describeError)(err)}`);
    const common = { client, bucket: target.bucket, jobs, chunkSize, signal, onRetry, minSize, approve: producer ? () => producer.finished : undefined };
    const sink = flags.object
        ? new object_sink_1.MultipartObjectSink({ ...common, key: target.key })
        : new sink_1.ChunkSetSink({ ...common, name: target.key, retention, resume });
    const meter = new cli_1.Progress('s3sink', progress);
    const timer = setInterval(() => meter.update(sink.bytes, `${sink.uploaded} chunks, ${sink.inFlight} in flight`), 250);
    const started = Date.now();
    try {
        await (0, promises_1.pipeline)(input, sink);
    }
    catch (err) {
        // Three `ssh host tar … | s3sink --keep 3` runs whose ssh failed once rotated every good generation out.
        if (err instanceof upload_sink_1.TooShort && sink.bytes === 0 && flags['min-size'] === undefined)
            throw new cli_1.FilterError('empty input, not committed (--allow-empty to store it)');
        throw err;
    }
    finally {
        clearInterval(timer);
    }
    meter.done(sink.bytes, `${sink.uploaded} chunks`);
    if (resume)
        info(`resumed ${resume.generation}: ${sink.reused} of ${resume.chunks.size} chunks already stored`);
    if (sink instanceof sink_1.ChunkSetSink) {
        sink.warnings.forEach(warn);
        // Stood aside for a newer upload of the same name: the warning said so, nothing was stored.
        if (!sink.manifest)
            return;
    }
    const url = (0, client_1.formatS3Url)(target);
    info(`stored ${(0, units_1.humanSize)(sink.bytes)}B in ${sink.uploaded} chunks at ${url} (${(0, units_1.humanRate)(sink.bytes, Date.now() - started)}${sink.retries ? `, ${sink.retries} retries` : ''})`);
});
