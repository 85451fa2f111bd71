import { CreateBucketCommand, HeadBucketCommand, type BucketLocationConstraint, type S3Client } from '@aws-sdk/client-s3';
import { S3OperationError, isTransient } from './errors';
import { listBuckets } from './lister';
import { withRetry } from './retry';

/**
 * Making buckets (s3mb, and `--create-bucket` of the filters that write), with the
 * semantics of `mkdir -p`: a bucket that is already yours is not an error.
 */

/** What became of a bucket asked for: made now, or there already and yours. */
export type BucketOutcome = 'created' | 'exists';

export interface CreateBucketOptions {
  /**
   * The region to make the bucket in (its LocationConstraint). Default: the client's
   * region on AWS; none on a custom endpoint, whose region is usually a placeholder its
   * server does not know (RGW refuses any constraint but its zonegroup's name).
   */
  region?: string;
  signal?: AbortSignal;
}

/**
 * The LocationConstraint a bucket is created with: none for us-east-1, which AWS
 * refuses as a constraint (it is the region of a request without one).
 */
export function locationConstraint(region: string | undefined): string | undefined {
  return region && region !== 'us-east-1' ? region : undefined;
}

/**
 * Create `bucket`, as `aws s3 mb` does, and say whether it was made now or was already
 * yours. Someone else's bucket fails: `cannot create bucket s3://b/: BucketAlreadyExists
 * (409)`, as does a name the server refuses (`InvalidBucketName (400)`).
 *
 * Servers answer a bucket you own in three ways: BucketAlreadyOwnedByYou (AWS outside
 * us-east-1), 200 as if created (AWS in us-east-1, Ceph RGW: there `created` includes a
 * bucket that was already yours), and 409 BucketAlreadyExists (s3rver, which has no
 * owners; AWS sends it only for another account's bucket). That last answer is settled by
 * the bucket list, which holds only the buckets the credentials own.
 */
export async function createBucket(client: S3Client, bucket: string, opts: CreateBucketOptions = {}): Promise<BucketOutcome> {
  const { signal } = opts;
  const url = `s3://${bucket}/`;
  const constraint = locationConstraint(opts.region ?? (client.config.isCustomEndpoint ? undefined : await client.config.region()));
  const create = () => {
    const command = new CreateBucketCommand({
      Bucket: bucket,
      ...(constraint ? { CreateBucketConfiguration: { LocationConstraint: constraint as BucketLocationConstraint } } : {}),
    });
    // The SDK gives a request without a constraint the client's region as one; on a
    // custom endpoint, or for us-east-1, none has to mean none.
    command.middlewareStack.add(
      (next) => async (args) => {
        if (!constraint) delete (args.input as { CreateBucketConfiguration?: unknown }).CreateBucketConfiguration;
        return next(args);
      },
      { step: 'initialize', priority: 'low', name: 'pipekitExactLocationConstraint' },
    );
    return client.send(command, { abortSignal: signal });
  };
  try {
    await withRetry(create, { signal, what: `s3://${bucket}` });
    return 'created';
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    const name = (err as { name?: string }).name;
    // A retry after an attempt that did create the bucket lands here too.
    if (name === 'BucketAlreadyOwnedByYou') return 'exists';
    if (name === 'BucketAlreadyExists') {
      const owned = await listBuckets(client, signal).catch(() => []);
      if (owned.some((b) => b.name === bucket)) return 'exists';
    }
    throw new S3OperationError('cannot create bucket', url, err);
  }
}

/**
 * Make sure `bucket` exists before writing to it (`--create-bucket`): a bucket the
 * credentials can already reach (HeadBucket, s3:ListBucket) is used as it is, with no
 * CreateBucket: AWS answers that in us-east-1 by resetting the bucket's ACL, and a
 * policy that grants a bucket's use but not CreateBucket refuses it. Otherwise the
 * bucket is created as by {@link createBucket}.
 */
export async function ensureBucket(client: S3Client, bucket: string, opts: CreateBucketOptions = {}): Promise<BucketOutcome> {
  const { signal } = opts;
  try {
    await withRetry(() => client.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: signal }), { signal, what: `s3://${bucket}` });
    return 'exists';
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    // Still failing after the retries: the CreateBucket would fail the same way.
    if (isTransient(err)) throw new S3OperationError('cannot create bucket', `s3://${bucket}/`, err);
    // Not only 404: a 403 (no right to list it, or another account's bucket) or a 301
    // (another region) is for CreateBucket's answer to explain.
  }
  return createBucket(client, bucket, opts);
}
