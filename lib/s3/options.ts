import { statSync, readFileSync } from 'node:fs';
import type { S3Client } from '@aws-sdk/client-s3';
import { durationFlag, intFlag, invalidFlag, sizeFlag, UsageError, type Flags, type OptionSpec } from '../cli';
import { createS3Client, formatS3Url, parseS3Url, parseS3storeConfig, type Addressing, type S3Address, type S3ClientOptions } from './client';
import type { BandwidthLimiter } from './bandwidth';
import { parseBandwidth, type BandwidthSchedule } from './bandwidth-schedule';
import { CUSTOMER_KEY_BYTES, type Encryption } from './encryption';
import { SSE_C_KEY_OPTION, s3Argument } from './option-specs';
import { findProfile } from './aws-config';
import { ManifestError, isGeneration, type DedupInfo, type Manifest } from './layout';
import { DEFAULT_CHUNK_SIZE } from './chunk-options';
import { CDC_NORMALIZATION, DEFAULT_CDC_AVERAGE, cdcParams } from './cdc';
import { S3OperationError } from './errors';
import type { RemoveMode } from './remove';
import { hasRules, type RetentionPolicy } from './retention';

/** The S3 filters' side of the CLI: shared flags, the client they build, their targets. */

export { S3_OPTIONS, SSE_C_KEY_OPTION, s3Argument } from './option-specs';

/** The encryption flags of the filters that write. */
export const ENCRYPTION_OPTIONS: OptionSpec[] = [
  { name: 'sse', arg: 'ALGORITHM', help: 'server-side encryption of the objects written: AES256 or aws:kms' },
  { name: 'sse-kms-key-id', arg: 'ID', help: "with --sse aws:kms, this KMS key instead of the bucket's default" },
  SSE_C_KEY_OPTION,
];

/** `--storage-class`, for the filters that write. */
export const STORAGE_CLASS_OPTION: OptionSpec = {
  name: 'storage-class',
  arg: 'CLASS',
  help: 'storage class of the objects written, as the server names it: STANDARD_IA, GLACIER_IR, DEEP_ARCHIVE, COLD... (default: the bucket\'s)',
};

/** `--bwlimit RATE`, for the filters that move data. */
export const BWLIMIT_OPTION: OptionSpec = {
  name: 'bwlimit',
  arg: 'RATE',
  help: 'at most RATE bytes per second in total over all connections, e.g. 10M, or a timetable such as "08:00,2M 19:00,off"',
};

/** The `--storage-class` value, checked only for a form a header can carry: servers define their own classes. */
export function storageClassFlag(flags: Flags): string | undefined {
  const cls = flags['storage-class'] as string | undefined;
  if (cls !== undefined && !/^[\w.-]+$/.test(cls)) throw new UsageError(`invalid --storage-class '${cls}' (a class name such as STANDARD_IA or COLD)`);
  return cls;
}

/**
 * `-b BUCKET`, s3store style: the bucket of a bare name (a TAG, a KEY), in every filter
 * that takes bare names. `--bucket` was its long spelling in s3sink and s3source, and
 * still works there; s3rm's `--bucket` is the bucket-removal mode.
 */
export function inBucketOption(what: string, oldSpelling: boolean): OptionSpec {
  return {
    name: 'in-bucket',
    short: 'b',
    arg: 'BUCKET',
    help: `bucket of ${what} (s3store style; also from --config)`,
    ...(oldSpelling ? { alias: 'bucket' } : {}),
  };
}

/** `-t TAG`: the chunk set's name, s3store style. */
export const TAG_OPTION: OptionSpec = { name: 'tag', short: 't', arg: 'TAG', help: 'name of the chunk set or s3store tag, with -b or --config' };

export interface S3Setup {
  /** The bucket from `--config`'s [Bucket] id, when there is one. */
  configBucket?: string;
  /**
   * The client the flags describe, built on the first call (later calls return it). That
   * loads the SDK, 0.2 s of CPU: call it once every usage check that needs no server has
   * passed, the target's included (issue 16).
   */
  createClient(): S3Client;
}

/**
 * Check the shared flags (and the files and variables they name) and say how to build
 * the client; loads no SDK. `warn` receives the config-permission warning.
 */
export function s3FromFlags(flags: Flags, warn: (line: string) => void, maxSockets?: number): S3Setup {
  let credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  let configBucket: string | undefined;
  const configFile = flags.config as string | undefined;
  if (configFile) {
    let text: string;
    try {
      text = readFileSync(configFile, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read --config ${configFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (statSync(configFile).mode & 0o004) {
      warn(`warning: ${configFile} is readable by everyone and holds a secret key; chmod 600 it`);
    }
    const cfg = parseS3storeConfig(text);
    if (cfg.accessKeyId && cfg.secretAccessKey) {
      credentials = { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey };
    }
    configBucket = cfg.bucket;
  }
  const env = process.env;
  const profileName = (flags.profile as string | undefined) ?? env.AWS_PROFILE;
  const profile = findProfile(profileName ?? 'default', env);
  if (profileName !== undefined && !profile) throw new UsageError(`profile ${profileName} not found in ~/.aws/config or ~/.aws/credentials`);
  // The aws cli's order: the flag, the service's variable, the global one, the profile.
  const [endpointFrom, endpoint] = ([
    ['--endpoint', flags.endpoint as string | undefined],
    ['AWS_ENDPOINT_URL_S3', env.AWS_ENDPOINT_URL_S3],
    ['AWS_ENDPOINT_URL', env.AWS_ENDPOINT_URL],
    [`endpoint_url of profile ${profile?.name}`, profile?.endpointUrl],
  ] as const).find(([, v]) => v) ?? [];
  if (endpoint && !/^https?:\/\/[^/]+/.test(endpoint)) throw new UsageError(`${endpointFrom} must be an http:// or https:// URL: ${endpoint}`);
  const [caFrom, caBundle] = ([
    ['--ca-bundle', flags['ca-bundle'] as string | undefined],
    ['AWS_CA_BUNDLE', env.AWS_CA_BUNDLE],
  ] as const).find(([, v]) => v) ?? [];
  if (caBundle) {
    try {
      readFileSync(caBundle);
    } catch (err) {
      throw new UsageError(`cannot read ${caFrom} ${caBundle}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  const options: S3ClientOptions = {
    requestTimeoutMs: durationFlag(flags, 'timeout', undefined),
    endpoint,
    region: (flags.region as string | undefined) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? profile?.region,
    profile: flags.profile as string | undefined,
    caBundle,
    credentials,
    maxSockets,
    onWarning: warn,
    addressing: addressingFlag(flags),
    encryption: encryptionFromFlags(flags, warn),
  };
  const bandwidth = bandwidthFromFlags(flags);
  let client: S3Client | undefined;
  return {
    configBucket,
    createClient: () => (client ??= createS3Client({ ...options, bandwidth: bandwidth && newLimiter(bandwidth) })),
  };
}

function addressingFlag(flags: Flags): Addressing | undefined {
  const style = flags.addressing as string | undefined;
  if (style !== undefined && style !== 'auto' && style !== 'path' && style !== 'virtual') {
    throw new UsageError(`invalid --addressing '${style}' (auto, path or virtual)`);
  }
  return style;
}

function bandwidthFromFlags(flags: Flags): BandwidthSchedule | undefined {
  const text = flags.bwlimit as string | undefined;
  if (text === undefined) return undefined;
  try {
    return parseBandwidth(text);
  } catch (err) {
    throw new UsageError(`invalid --bwlimit '${text}': ${(err as Error).message}`);
  }
}

function newLimiter(schedule: BandwidthSchedule): BandwidthLimiter {
  // Here, not on import: bandwidth.ts loads the SDK's HTTP handler, which a filter's
  // --help, --version and usage errors never need (issue 16).
  const { BandwidthLimiter } = require('./bandwidth') as typeof import('./bandwidth');
  return new BandwidthLimiter(schedule);
}

function encryptionFromFlags(flags: Flags, warn: (line: string) => void): Encryption | undefined {
  const sseFlag = flags.sse as string | undefined;
  const kmsKeyId = flags['sse-kms-key-id'] as string | undefined;
  const keyFile = flags['sse-c-key-file'] as string | undefined;
  if (sseFlag !== undefined && sseFlag !== 'AES256' && sseFlag !== 'aws:kms') throw new UsageError(`invalid --sse '${sseFlag}' (AES256 or aws:kms)`);
  // As the aws cli: a KMS key id means KMS.
  const sse = sseFlag ?? (kmsKeyId !== undefined ? 'aws:kms' : undefined);
  if (kmsKeyId !== undefined && sse !== 'aws:kms') throw new UsageError('--sse-kms-key-id goes with --sse aws:kms');
  if (keyFile !== undefined && sse) throw new UsageError('give --sse or --sse-c-key-file, not both: an object has one kind of server-side encryption');
  const customerKey = keyFile === undefined ? undefined : readCustomerKey(keyFile, warn);
  return sse || customerKey ? { sse, kmsKeyId, customerKey } : undefined;
}

/** The SSE-C key in FILE: 32 raw bytes, or their base64 on one line (`openssl rand -base64 32`). */
function readCustomerKey(file: string, warn: (line: string) => void): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new UsageError(`cannot read --sse-c-key-file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const text = bytes.toString('latin1').trim();
  const key = bytes.length !== CUSTOMER_KEY_BYTES && /^[A-Za-z0-9+/]{43}=$/.test(text) ? Buffer.from(text, 'base64') : bytes;
  if (key.length !== CUSTOMER_KEY_BYTES) {
    throw new UsageError(`--sse-c-key-file ${file} holds ${bytes.length} bytes; an SSE-C key is ${CUSTOMER_KEY_BYTES} bytes (openssl rand 32 > FILE)`);
  }
  if (statSync(file).mode & 0o004) warn(`warning: ${file} is readable by everyone and holds an encryption key; chmod 600 it`);
  return key;
}

/**
 * The target of a filter that takes one `s3://bucket/name`, or the s3store style
 * `-b BUCKET -t TAG` (bucket also from --config).
 */
export function targetFromArgs(args: string[], flags: Flags, configBucket: string | undefined): S3Address {
  const tag = flags.tag as string | undefined;
  if (tag !== undefined) {
    if (args.length) throw new UsageError('give either s3://BUCKET/NAME or -t TAG, not both');
    const bucket = (flags['in-bucket'] as string | undefined) ?? configBucket;
    if (!bucket) throw new UsageError('-t TAG needs a bucket: -b BUCKET or --config FILE with [Bucket] id');
    return { bucket, key: tag };
  }
  if (args.length !== 1) throw new UsageError(args.length ? 'too many arguments' : 'missing s3://BUCKET/NAME');
  const addr = s3Argument(args[0]);
  if (!addr.key.replace(/\/+$/, '')) throw new UsageError(`missing NAME after the bucket: ${args[0]}`);
  return addr;
}

/**
 * Turn s3rm's list (`s3://bucket/key`, or bare keys with a default bucket) into targets,
 * checking every item before anything is removed: one bad item (a key split at a blank
 * by plain `xargs`, say) refuses the whole list rather than removing part of it.
 */
export function resolveTargets(items: string[], mode: RemoveMode, defaultBucket?: string): S3Address[] {
  return items.map((item) => {
    let t: S3Address;
    if (item.startsWith('s3://')) {
      t = s3Argument(item);
    } else if (defaultBucket) {
      t = { bucket: defaultBucket, key: item };
    } else {
      throw new UsageError(`not an s3:// address: ${JSON.stringify(item)} (give s3://BUCKET/KEY, or -b BUCKET for bare keys)`);
    }
    if (mode === 'keys' && t.key === '') {
      throw new UsageError(`${formatS3Url(t)} names no key; use -r to remove everything under it, --bucket to remove the bucket`);
    }
    if (mode === 'bucket' && t.key !== '') throw new UsageError(`--bucket takes s3://BUCKET, not a key: ${item}`);
    return t;
  });
}

/** The retention flags of `s3sink` (at commit) and `s3rm --prune`, as `restic forget` spells them. */
export const RETENTION_OPTIONS: OptionSpec[] = [
  { name: 'keep', arg: 'N', help: 'keep the N newest committed generations (the current one counts)' },
  { name: 'keep-daily', arg: 'N', help: "keep each of the last N days' newest generation (UTC)" },
  { name: 'keep-weekly', arg: 'N', help: "keep each of the last N ISO weeks' newest generation" },
  { name: 'keep-monthly', arg: 'N', help: "keep each of the last N months' newest generation" },
  { name: 'keep-within', arg: 'DURATION', help: "keep every generation newer than the newest one's time minus DURATION, e.g. 30d" },
];

/** The policy the retention flags give; `fallback` when none is given. */
export function retentionFromFlags(flags: Flags, fallback: RetentionPolicy | undefined): RetentionPolicy | undefined {
  const policy: RetentionPolicy = {
    last: intFlag(flags, 'keep', undefined),
    daily: intFlag(flags, 'keep-daily', undefined),
    weekly: intFlag(flags, 'keep-weekly', undefined),
    monthly: intFlag(flags, 'keep-monthly', undefined),
    withinMs: durationFlag(flags, 'keep-within', undefined),
  };
  return hasRules(policy) ? policy : fallback;
}

/** `--generation REF`: a GEN id as s3ls --generations prints it, or `~N`. */
export function generationRefFlag(flags: Flags): string | undefined {
  const ref = flags.generation as string | undefined;
  if (ref !== undefined && !/^~\d+$/.test(ref) && !isGeneration(ref)) {
    throw new UsageError(`invalid --generation '${ref}' (a GEN id as s3ls --generations prints it, or ~N: N before the current one)`);
  }
  return ref;
}

/** `--create-bucket`, the same in every filter that writes. */
export const CREATE_BUCKET_OPTION: OptionSpec = {
  name: 'create-bucket',
  help: 'create the bucket first if it does not exist (in --region on AWS)',
};

/** The bucket of an `s3://BUCKET` or `s3://BUCKET/` argument; a usage error for anything else. */
export function bucketArgument(text: string): string {
  let addr;
  try {
    addr = parseS3Url(text);
  } catch {
    throw new UsageError(`not an s3:// address: ${JSON.stringify(text)} (give s3://BUCKET)`);
  }
  if (addr.key !== '') throw new UsageError(`give s3://BUCKET, not a key: ${text}`);
  return addr.bucket;
}

/** `--chunk-size` of a plain chunk set, and of an `--object` upload's parts. */
export function plainChunkSize(flags: Flags): number {
  return sizeFlag(flags, 'chunk-size', DEFAULT_CHUNK_SIZE, { min: 5 * 2 ** 20, max: 5 * 2 ** 30 });
}

/**
 * s3sink's `--chunk-size`, checked before any request as far as the flags alone decide
 * it. With `--dedup` or `--object` they do. Without either, the set's manifest decides
 * what the size means (a deduplicated set takes it as its average), so only a size no
 * kind of set takes is refused here; one only a deduplicated set takes (a power of two
 * below 5M) waits for the manifest, and a plain set refuses it then.
 */
export function checkChunkSize(flags: Flags): void {
  if (flags.object) plainChunkSize(flags);
  else if (flags.dedup || flags.compress) dedupInfo(flags, undefined);
  else if (flags['chunk-size'] !== undefined && !takes(() => plainChunkSize(flags)) && !takes(() => dedupInfo({ ...flags, dedup: true }, undefined))) {
    throw invalidFlag('chunk-size', flags['chunk-size'], 'a size from 5M to 5G, such as 8M; for a deduplicated set, a power of two from 1K to 64M');
  }
}

function takes(check: () => unknown): boolean {
  try {
    check();
    return true;
  } catch (err) {
    if (err instanceof UsageError) return false;
    throw err;
  }
}

/**
 * Whether and how s3sink deduplicates `NAME`: with `--dedup`, or because its current
 * manifest says it is deduplicated (a deduplicated set stays one). See dedupInfo.
 */
export async function dedupFromFlags(flags: Flags, client: S3Client, bucket: string, name: string, signal?: AbortSignal): Promise<DedupInfo | undefined> {
  const { currentGeneration } = require('./generations') as typeof import('./generations');
  let current: Manifest | undefined;
  try {
    current = await currentGeneration(client, bucket, name.replace(/\/+$/, ''), signal);
  } catch (err) {
    // A MANIFEST that does not parse is the sink's to report, as for a plain set.
    if (!(err instanceof ManifestError)) throw new S3OperationError('cannot write', `s3://${bucket}/${name}/`, err);
  }
  return dedupInfo(flags, current);
}

/**
 * The dedup settings of an upload given the set's current manifest: the chunk bounds and
 * lease time come from `--chunk-size` (the average) and `--lease`, else from that
 * manifest, else the defaults; undefined for a plain upload. While the average stays,
 * so do the set's recorded bounds and normalization level: new defaults must not re-cut
 * (and re-send) a set. A new average re-cuts it anyway, with today's, and so does a
 * level this version does not cut at (a later version's): that upload sends its chunks
 * again, once, rather than fail a nightly backup.
 */
export function dedupInfo(flags: Flags, current: Pick<Manifest, 'dedup'> | undefined): DedupInfo | undefined {
  // --compress implies --dedup: compression is per chunk, and only a deduplicated set has
  // chunks of its own (as restic and borg compress their chunks). It sticks as --dedup does.
  const compress = flags.compress === true || current?.dedup?.compress === true;
  if (!flags.dedup && !compress && !current?.dedup) return undefined;
  const avg = sizeFlag(flags, 'chunk-size', current?.dedup?.avg ?? DEFAULT_CDC_AVERAGE, { min: 1024, max: 64 * 2 ** 20 });
  if (!Number.isInteger(Math.log2(avg))) throw invalidFlag('chunk-size', flags['chunk-size'], 'with --dedup, a power of two such as 512K or 1M');
  const leaseMs = durationFlag(flags, 'lease', current?.dedup?.leaseMs ?? DEFAULT_LEASE_MS);
  const recorded = current?.dedup;
  const cut = recorded?.avg === avg && recorded.normalization === CDC_NORMALIZATION ? { min: recorded.min, avg, max: recorded.max, normalization: recorded.normalization } : { ...cdcParams(avg), normalization: CDC_NORMALIZATION };
  return compress ? { ...cut, leaseMs, compress } : { ...cut, leaseMs };
}

/** An upload's lease, and the collector's grace period: long beside any stall of a live upload. */
const DEFAULT_LEASE_MS = 10 * 60_000;
