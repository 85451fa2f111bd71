import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';

/**
 * Server-side encryption, set once on the client so that every object of a set is
 * treated alike, manifests included: the aws cli's `--sse`, `--sse-kms-key-id` and
 * `--sse-c`. With SSE-C the server keeps no key, so every read needs it again.
 */
export interface Encryption {
  /** `AES256` (keys the server manages) or `aws:kms` (a KMS key: the bucket's, or `kmsKeyId`). */
  sse?: 'AES256' | 'aws:kms';
  kmsKeyId?: string;
  /** SSE-C: the customer's 32-byte AES-256 key, sent with every PUT, GET and HEAD. */
  customerKey?: Buffer;
}

/** SSE-C keys are AES-256 keys. */
export const CUSTOMER_KEY_BYTES = 32;

/** Requests that write an object: they carry `--sse`. */
const WRITES = new Set(['PutObjectCommand', 'CreateMultipartUploadCommand']);
/** Requests that touch an object's bytes or metadata: with SSE-C they need the key. */
const CUSTOMER_KEY_USERS = new Set([...WRITES, 'UploadPartCommand', 'CompleteMultipartUploadCommand', 'GetObjectCommand', 'HeadObjectCommand']);

/** Add the encryption parameters to every request that takes them. */
export function addEncryption(client: S3Client, encryption: Encryption): void {
  const { sse, kmsKeyId, customerKey } = encryption;
  if (customerKey && customerKey.length !== CUSTOMER_KEY_BYTES) throw new RangeError(`an SSE-C key is ${CUSTOMER_KEY_BYTES} bytes, not ${customerKey.length}`);
  const keyParams = customerKey && {
    SSECustomerAlgorithm: 'AES256',
    SSECustomerKey: customerKey.toString('base64'),
    SSECustomerKeyMD5: createHash('md5').update(customerKey).digest('base64'),
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? '';
      const extra: Record<string, string> = {};
      if (sse && WRITES.has(name)) {
        extra.ServerSideEncryption = sse;
        if (kmsKeyId) extra.SSEKMSKeyId = kmsKeyId;
      }
      if (keyParams && CUSTOMER_KEY_USERS.has(name)) Object.assign(extra, keyParams);
      return next({ ...args, input: { ...(args.input as object), ...extra } });
    },
    // Before the SDK's own SSE-C step, which checks the key's MD5.
    { step: 'initialize', name: 'pipekitEncryption', priority: 'high' },
  );
}
