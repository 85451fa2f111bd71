"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.CREATE_BUCKET_OPTION = exports.RETENTION_OPTIONS = exports.TAG_OPTION = exports.S3_OPTIONS = void 0;
exports.inBucketOption = inBucketOption;
exports.s3FromFlags = s3FromFlags;
exports.s3Argument = s3Argument;
exports.targetFromArgs = targetFromArgs;
exports.resolveTargets = resolveTargets;
exports.retentionFromFlags = retentionFromFlags;
exports.generationRefFlag = generationRefFlag;
exports.bucketArgument = bucketArgument;
const node_fs_1 = require("node:fs");
const cli_1 = require("../cli");
const client_1 = require("./client");
const aws_config_1 = require("./aws-config");
const layout_1 = require("./layout");
const retention_1 = require("./retention");
/** The S3 filters' side of the CLI: shared flags, the client they build, their targets. */
/** Flags every S3 filter accepts, in one place so they mean the same everywhere. */
exports.S3_OPTIONS = [
    { name: 'endpoint', arg: 'URL', help: 'S3 endpoint, e.g. http://127.0.0.1:9000 (default: AWS_ENDPOINT_URL or AWS)' },
    { name: 'region', arg: 'REGION', help: 'region (default: AWS_REGION, or us-east-1)' },
    { name: 'profile', arg: 'NAME', help: 'credentials profile from ~/.aws/config' },
    { name: 'config', arg: 'FILE', help: "s3store INI file: [Credentials] aws_access_key_id, aws_secret_access_key; [Bucket] id" },
    { name: 'timeout', arg: 'DURATION', help: 'abandon and retry a request after this long with no byte sent or received, e.g. 10s (default 30s)' },
    { name: 'ca-bundle', arg: 'FILE', help: 'PEM file of CAs to trust for https endpoints (default: AWS_CA_BUNDLE)' },
];
/**
 * `-b BUCKET`, s3store style: the bucket of a bare name (a TAG, a KEY), in every filter
 * that takes bare names. `--bucket` was its long spelling in s3sink and s3source, and
 * still works there; s3rm's `--bucket` is the bucket-removal mode.
 */
function inBucketOption(what, oldSpelling) {
    return {
        name: 'in-bucket',
        short: 'b',
        arg: 'BUCKET',
        help: `bucket of ${what} (s3store style; also from --config)`,
        ...(oldSpelling ? { alias: 'bucket' } : {}),
    };
}
/** `-t TAG`: the chunk set's name, s3store style. */
exports.TAG_OPTION = { name: 'tag', short: 't', arg: 'TAG', help: 'name of the chunk set or s3store tag, with -b or --config' };
/** Build the client from the shared flags; `warn` receives the config-permission warning. */
function s3FromFlags(flags, warn, maxSockets) {
    let credentials;
    let configBucket;
    const configFile = flags.config;
    if (configFile) {
        let text;
        try {
            text = (0, node_fs_1.readFileSync)(configFile, 'utf8');
        }
        catch (err) {
            throw new cli_1.UsageError(`cannot read --config ${configFile}: ${err.code ?? err.message}`);
        }
        if ((0, node_fs_1.statSync)(configFile).mode & 0o004) {
            warn(`warning: ${configFile} is readable by everyone and holds a secret key; chmod 600 it`);
        }
        const cfg = (0, client_1.parseS3storeConfig)(text);
        if (cfg.accessKeyId && cfg.secretAccessKey) {
            credentials = { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey };
        }
        configBucket = cfg.bucket;
    }
    const env = process.env;
    const profileName = flags.profile ?? env.AWS_PROFILE;
    const profile = (0, aws_config_1.findProfile)(profileName ?? 'default', env);
    if (profileName !== undefined && !profile)
        throw new cli_1.UsageError(`profile ${profileName} not found in ~/.aws/config or ~/.aws/credentials`);
    // The aws cli's order: the flag, the service's variable, the global one, the profile.
    const [endpointFrom, endpoint] = [
        ['--endpoint', flags.endpoint],
        ['AWS_ENDPOINT_URL_S3', env.AWS_ENDPOINT_URL_S3],
        ['AWS_ENDPOINT_URL', env.AWS_ENDPOINT_URL],
        [`endpoint_url of profile ${profile?.name}`, profile?.endpointUrl],
    ].find(([, v]) => v) ?? [];
    if (endpoint && !/^https?:\/\/[^/]+/.test(endpoint))
        throw new cli_1.UsageError(`${endpointFrom} must be an http:// or https:// URL: ${endpoint}`);
    const [caFrom, caBundle] = [
        ['--ca-bundle', flags['ca-bundle']],
        ['AWS_CA_BUNDLE', env.AWS_CA_BUNDLE],
    ].find(([, v]) => v) ?? [];
    if (caBundle) {
        try {
            (0, node_fs_1.readFileSync)(caBundle);
        }
        catch (err) {
            throw new cli_1.UsageError(`cannot read ${caFrom} ${caBundle}: ${err.code ?? err.message}`);
        }
    }
    const client = (0, client_1.createS3Client)({
        requestTimeoutMs: (0, cli_1.durationFlag)(flags, 'timeout', undefined),
        endpoint,
        region: flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? profile?.region,
        profile: flags.profile,
        caBundle,
        credentials,
        maxSockets,
        onWarning: warn,
    });
    return { client, configBucket };
}
/** An `s3://bucket/key` argument, or a usage error. */
function s3Argument(text) {
    try {
        return (0, client_1.parseS3Url)(text);
    }
    catch (err) {
        throw new cli_1.UsageError(err.message);
    }
}
/**
 * The target of a filter that takes one `s3://bucket/name`, or the s3store style
 * `-b BUCKET -t TAG` (bucket also from --config).
 */
function targetFromArgs(args, flags, configBucket) {
    const tag = flags.tag;
    if (tag !== undefined) {
        if (args.length)
            throw new cli_1.UsageError('give either s3://BUCKET/NAME or -t TAG, not both');
        const bucket = flags['in-bucket'] ?? configBucket;
        if (!bucket)
            throw new cli_1.UsageError('-t TAG needs a bucket: -b BUCKET or --config FILE with [Bucket] id');
        return { bucket, key: tag };
    }
    if (args.length !== 1)
        throw new cli_1.UsageError(args.length ? 'too many arguments' : 'missing s3://BUCKET/NAME');
    const addr = s3Argument(args[0]);
    if (!addr.key.replace(/\/+$/, ''))
        throw new cli_1.UsageError(`missing NAME after the bucket: ${args[0]}`);
    return addr;
}
/**
 * Turn s3rm's list (`s3://bucket/key`, or bare keys with a default bucket) into targets,
 * checking every item before anything is removed: one bad item (a key split at a blank
 * by plain `xargs`, say) refuses the whole list rather than removing part of it.
 */
function resolveTargets(items, mode, defaultBucket) {
    return items.map((item) => {
        let t;
        if (item.startsWith('s3://')) {
            t = s3Argument(item);
        }
        else if (defaultBucket) {
            t = { bucket: defaultBucket, key: item };
        }
        else {
            throw new cli_1.UsageError(`not an s3:// address: ${JSON.stringify(item)} (give s3://BUCKET/KEY, or -b BUCKET for bare keys)`);
        }
        if (mode === 'keys' && t.key === '') {
            throw new cli_1.UsageError(`${(0, client_1.formatS3Url)(t)} names no key; use -r to remove everything under it, --bucket to remove the bucket`);
        }
        if (mode === 'bucket' && t.key !== '')
            throw new cli_1.UsageError(`--bucket takes s3://BUCKET, not a key: ${item}`);
        return t;
    });
}
/** The retention flags of `s3sink` (at commit) and `s3rm --prune`, as `restic forget` spells them. */
exports.RETENTION_OPTIONS = [
    { name: 'keep', arg: 'N', help: 'keep the N newest committed generations (the current one counts)' },
    { name: 'keep-daily', arg: 'N', help: "keep each of the last N days' newest generation (UTC)" },
    { name: 'keep-weekly', arg: 'N', help: "keep each of the last N ISO weeks' newest generation" },
    { name: 'keep-monthly', arg: 'N', help: "keep each of the last N months' newest generation" },
    { name: 'keep-within', arg: 'DURATION', help: "keep every generation newer than the newest one's time minus DURATION, e.g. 30d" },
];
/** The policy the retention flags give; `fallback` when none is given. */
function retentionFromFlags(flags, fallback) {
    const policy = {
        last: (0, cli_1.intFlag)(flags, 'keep', undefined),
        daily: (0, cli_1.intFlag)(flags, 'keep-daily', undefined),
        weekly: (0, cli_1.intFlag)(flags, 'keep-weekly', undefined),
        monthly: (0, cli_1.intFlag)(flags, 'keep-monthly', undefined),
        withinMs: (0, cli_1.durationFlag)(flags, 'keep-within', undefined),
    };
    return (0, retention_1.hasRules)(policy) ? policy : fallback;
}
/** `--generation REF`: a GEN id as s3ls --generations prints it, or `~N`. */
function generationRefFlag(flags) {
    const ref = flags.generation;
    if (ref !== undefined && !/^~\d+$/.test(ref) && !(0, layout_1.isGeneration)(ref)) {
        throw new cli_1.UsageError(`invalid --generation '${ref}' (a GEN id as s3ls --generations prints it, or ~N: N before the current one)`);
    }
    return ref;
}
/** `--create-bucket`, the same in every filter that writes. */
exports.CREATE_BUCKET_OPTION = {
    name: 'create-bucket',
    help: 'create the bucket first if it does not exist (in --region on AWS)',
};
/** The bucket of an `s3://BUCKET` or `s3://BUCKET/` argument; a usage error for anything else. */
function bucketArgument(text) {
    let addr;
    try {
        addr = (0, client_1.parseS3Url)(text);
    }
    catch {
        throw new cli_1.UsageError(`not an s3:// address: ${JSON.stringify(text)} (give s3://BUCKET)`);
    }
    if (addr.key !== '')
        throw new cli_1.UsageError(`give s3://BUCKET, not a key: ${text}`);
    return addr.bucket;
}
