import { type S3Client } from '@aws-sdk/client-s3';
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
export declare function locationConstraint(region: string | undefined): string | undefined;
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
export declare function createBucket(client: S3Client, bucket: string, opts?: CreateBucketOptions): Promise<BucketOutcome>;
/**
 * Make sure `bucket` exists before writing to it (`--create-bucket`): a bucket the
 * credentials can already reach (HeadBucket, s3:ListBucket) is used as it is, with no
 * CreateBucket: AWS answers that in us-east-1 by resetting the bucket's ACL, and a
 * policy that grants a bucket's use but not CreateBucket refuses it. Otherwise the
 * bucket is created as by {@link createBucket}.
 */
export declare function ensureBucket(client: S3Client, bucket: string, opts?: CreateBucketOptions): Promise<BucketOutcome>;
