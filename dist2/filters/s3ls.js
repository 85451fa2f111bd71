#!/usr/bin/env node
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
require("../lib/cli/compile-cache");
const node_events_1 = require("node:events");
const cli_1 = require("../lib/cli");
const options_1 = require("../lib/s3/options");
const lister_1 = require("../lib/s3/lister");
const format_1 = require("../lib/s3/format");
const generations_1 = require("../lib/s3/generations");
const sets_1 = require("../lib/s3/sets");
const spec = {
    name: 's3ls',
    synopsis: ['[OPTION]...', '[OPTION]... s3://BUCKET[/PREFIX]...', '--generations [-h] [--json] s3://BUCKET/NAME'],
    summary: 'List buckets, or the keys under each prefix as s3://BUCKET/KEY lines, in key order (one level unless -r; common prefixes end in /).',
    options: [
        { name: 'recursive', short: 'r', help: 'list every key under the prefix, not one level' },
        { name: 'long', short: 'l', help: 'print size, modification time (UTC) and URL' },
        { name: 'human-readable', short: 'h', help: 'with -l, print sizes like 1.5K, 20M' },
        cli_1.NUL,
        { name: 'json', help: 'print one JSON object per line' },
        { name: 'sets', help: 'list the chunk sets under the prefix (with -l: size, date, generation)' },
        { name: 'generations', help: 'list the committed generations of the chunk set s3://BUCKET/NAME, newest first: GEN CREATED SIZE CHUNKS SHA256 current|-' },
        { name: 'page-size', arg: 'N', help: 'keys per list request, 1 to 1000 (default 1000)' },
        ...options_1.S3_OPTIONS,
        ...cli_1.COMMON_OPTIONS.map((o) => (o === cli_1.HELP ? { ...cli_1.HELP, short: undefined } : o)),
    ],
};
void (0, cli_1.runFilter)(spec, async ({ flags, args, signal, warn }) => {
    const pageSize = (0, cli_1.intFlag)(flags, 'page-size', 1000, { max: 1000 });
    const fmt = { long: flags.long === true, human: flags['human-readable'] === true, json: flags.json === true };
    const end = flags.null ? '\0' : '\n';
    const targets = args.map(options_1.s3Argument);
    if (!targets.length && (flags.sets || flags.recursive))
        throw new cli_1.UsageError(`${flags.sets ? '--sets' : '-r'} needs s3://BUCKET[/PREFIX]`);
    if (flags.generations && (targets.length !== 1 || !targets[0].key))
        throw new cli_1.UsageError('--generations takes one s3://BUCKET/NAME');
    const { client } = (0, options_1.s3FromFlags)(flags, warn, 4);
    // Line by line, waiting for drain: a pipeline would destroy stdout on a listing
    // error and lose the lines listed before it.
    const out = async (line) => {
        if (!process.stdout.write(line + end))
            await (0, node_events_1.once)(process.stdout, 'drain');
    };
    let bad = 0;
    const listAll = async () => {
        if (!targets.length) {
            for (const b of await (0, lister_1.listBuckets)(client, signal))
                await out((0, format_1.formatBucket)(b, fmt));
        }
        for (const { bucket, key: prefix } of targets) {
            const common = { client, bucket, prefix, pageSize, signal };
            if (flags.generations) {
                const gens = await (0, generations_1.listGenerations)(client, bucket, prefix.replace(/\/+$/, ''), signal);
                if (!gens.length)
                    throw new generations_1.GenerationNotFound(`s3://${bucket}/${prefix}: no committed generation`);
                for (const g of gens)
                    await out((0, format_1.formatGeneration)(g, fmt));
                continue;
            }
            if (flags.sets) {
                for await (const s of (0, sets_1.listChunkSets)(common)) {
                    if (s.error) {
                        bad++;
                        warn(`cannot read s3://${bucket}/${s.name}/MANIFEST: ${s.error}`);
                    }
                    if (!s.error || fmt.json)
                        await out((0, format_1.formatChunkSet)(bucket, s, fmt));
                }
                continue;
            }
            for await (const e of (0, lister_1.listObjects)({ ...common, delimiter: flags.recursive ? undefined : '/' })) {
                const line = (0, format_1.formatEntry)(bucket, e, fmt);
                if (!flags.null && !fmt.json && line.includes('\n'))
                    warn(`a key contains a newline; use -0 to list it safely: ${JSON.stringify(line)}`);
                await out(line);
            }
        }
    };
    await listAll();
    return bad ? 1 : 0;
});
