import { statSync, readFileSync } from 'node:fs';
import type { S3Client } from '@aws-sdk/client-s3';
import { UsageError, type Flags, type OptionSpec } from '../cli';
import { parseDuration } from '../units';
import { createS3Client, parseS3Url, parseS3storeConfig, type S3Address } from './client';

/** Flags every S3 filter accepts, in one place so they mean the same everywhere. */
export const S3_OPTIONS: OptionSpec[] = [
  { name: 'endpoint', arg: 'URL', help: 'S3 endpoint, e.g. http://127.0.0.1:9000 (default: AWS_ENDPOINT_URL or AWS)' },
  { name: 'region', arg: 'REGION', help: 'region (default: AWS_REGION, or us-east-1)' },
  { name: 'profile', arg: 'NAME', help: 'credentials profile from ~/.aws/config' },
  { name: 'config', arg: 'FILE', help: "s3store INI file: [Credentials] aws_access_key_id, aws_secret_access_key; [Bucket] id" },
  { name: 'timeout', arg: 'DURATION', help: 'abandon and retry a request after this long with no byte sent or received, e.g. 10s (default 30s)' },
  { name: 'ca-bundle', arg: 'FILE', help: 'PEM file of CAs to trust for https endpoints (default: AWS_CA_BUNDLE)' },
];

export interface S3Setup {
  client: S3Client;
  /** The bucket from `--config`'s [Bucket] id, when there is one. */
  configBucket?: string;
}

/** Build the client from the shared flags; `warn` receives the config-permission warning. */
export function s3FromFlags(flags: Flags, warn: (line: string) => void, maxSockets?: number): S3Setup {
  // The pinned SDK runs on Node 20; its warning is about SDK releases we do not use,
  // and a multi-line warning would break the one-line stderr every filter promises.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
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
  const endpoint = flags.endpoint as string | undefined;
  if (endpoint && !/^https?:\/\/[^/]+/.test(endpoint)) throw new UsageError(`--endpoint must be an http:// or https:// URL: ${endpoint}`);
  let requestTimeoutMs: number | undefined;
  if (flags.timeout !== undefined) {
    requestTimeoutMs = parseDuration(flags.timeout as string);
    if (!(requestTimeoutMs > 0)) throw new UsageError(`bad --timeout: ${String(flags.timeout)} (e.g. 30s, 500ms, 2m)`);
  }
  const client = createS3Client({
    requestTimeoutMs,
    endpoint,
    region: flags.region as string | undefined,
    profile: flags.profile as string | undefined,
    caBundle: flags['ca-bundle'] as string | undefined,
    credentials,
    maxSockets,
  });
  return { client, configBucket };
}

/**
 * The target of a filter that takes one `s3://bucket/name`, or the s3store style
 * `-b BUCKET -t TAG` (bucket also from --config).
 */
export function targetFromArgs(args: string[], flags: Flags, configBucket: string | undefined): S3Address {
  const tag = flags.tag as string | undefined;
  if (tag !== undefined) {
    if (args.length) throw new UsageError('give either s3://BUCKET/NAME or -t TAG, not both');
    const bucket = (flags.bucket as string | undefined) ?? configBucket;
    if (!bucket) throw new UsageError('-t TAG needs a bucket: -b BUCKET or --config FILE with [Bucket] id');
    return { bucket, key: tag };
  }
  if (args.length !== 1) throw new UsageError(args.length ? 'too many arguments' : 'missing s3://BUCKET/NAME');
  let addr: S3Address;
  try {
    addr = parseS3Url(args[0]);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (!addr.key.replace(/\/+$/, '')) throw new UsageError(`missing NAME after the bucket: ${args[0]}`);
  return addr;
}

/** A positive integer flag, or a usage error naming it. */
export function intFlag(flags: Flags, name: string, fallback: number, min = 1): number {
  const v = flags[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}: ${String(v)}`);
  return n;
}
