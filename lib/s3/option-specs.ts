import { UsageError, type OptionSpec } from '../cli';
import { parseS3Url, type S3Address } from './client';
import { CUSTOMER_KEY_BYTES } from './encryption';

/**
 * The S3 filters' shared flags and their s3:// arguments, apart from options.ts: what a
 * filter needs for --help, --version and its usage errors, which load no SDK (issue 16).
 */

/** Flags every S3 filter accepts, in one place so they mean the same everywhere. */
export const S3_OPTIONS: OptionSpec[] = [
  { name: 'endpoint', arg: 'URL', help: 'S3 endpoint, e.g. http://127.0.0.1:9000 (default: AWS_ENDPOINT_URL or AWS)' },
  { name: 'region', arg: 'REGION', help: 'region (default: AWS_REGION, or us-east-1)' },
  { name: 'profile', arg: 'NAME', help: 'credentials profile from ~/.aws/config' },
  { name: 'config', arg: 'FILE', help: "s3store INI file: [Credentials] aws_access_key_id, aws_secret_access_key; [Bucket] id" },
  { name: 'timeout', arg: 'DURATION', help: 'abandon and retry a request after this long with no byte sent or received, e.g. 10s (default 30s)' },
  { name: 'ca-bundle', arg: 'FILE', help: 'PEM file of CAs to trust for https endpoints (default: AWS_CA_BUNDLE)' },
  { name: 'addressing', arg: 'STYLE', help: 'auto, path (https://HOST/BUCKET/KEY) or virtual (https://BUCKET.HOST/KEY); auto: path with --endpoint, virtual on AWS' },
];

/** `--sse-c-key-file`: what every filter that reads or writes objects of an SSE-C set needs. */
export const SSE_C_KEY_OPTION: OptionSpec = {
  name: 'sse-c-key-file',
  arg: 'FILE',
  help: `SSE-C: encrypt and read every object with the ${CUSTOMER_KEY_BYTES}-byte key in FILE (raw, or base64)`,
};

/** An `s3://bucket/key` argument, or a usage error. */
export function s3Argument(text: string): S3Address {
  try {
    return parseS3Url(text);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
