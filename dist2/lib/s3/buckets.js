"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.locationConstraint = locationConstraint;
exports.createBucket = createBucket;
exports.ensureBucket = ensureBucket;
const client_s3_1 = require("@aws-sdk/client-s3");
const errors_1 = require("./errors");
const lister_1 = require("./lister");
const retry_1 = require("./retry");
/**
 * The LocationConstraint a bucket is created with: none for us-east-1, which AWS
 * refuses as a constraint (it is the region of a request without one).
 */
function locationConstraint(region) {
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
async function createBucket(client, bucket, opts = {}) {
    const { signal } = opts;
    const url = `s3://${bucket}/`;
    const constraint = locationConstraint(opts.region ?? (client.config.isCustomEndpoint ? undefined : await client.config.region()));
    const create = () => {
        const command = new client_s3_1.CreateBucketCommand({
            Bucket: bucket,
            ...(constraint ? { CreateBucketConfiguration: { LocationConstraint: constraint } } : {}),
        });
        // The SDK gives a request without a constraint the client's region as one; on a
        // custom endpoint, or for us-east-1, none has to mean none.
        command.middlewareStack.add((next) => async (args) => {
            if (!constraint)
                delete args.input.CreateBucketConfiguration;
            return next(args);
        }, { step: 'initialize', priority: 'low', name: 'pipekitExactLocationConstraint' });
        return client.send(command, { abortSignal: signal });
    };
    try {
        await (0, retry_1.withRetry)(create, { signal });
        return 'created';
    }
    catch (err) {
        if (signal?.aborted)
            throw signal.reason;
        const name = err.name;
        // A retry after an attempt that did create the bucket lands here too.
        if (name === 'BucketAlreadyOwnedByYou')
            return 'exists';
        if (name === 'BucketAlreadyExists') {
            const owned = await (0, lister_1.listBuckets)(client, signal).catch(() => []);
            if (owned.some((b) => b.name === bucket))
                return 'exists';
        }
        throw new errors_1.S3OperationError('cannot create bucket', url, err);
    }
}
/**
 * Make sure `bucket` exists before writing to it (`--create-bucket`): a bucket the
 * credentials can already reach (HeadBucket, s3:ListBucket) is used as it is, with no
 * CreateBucket: AWS answers that in us-east-1 by resetting the bucket's ACL, and a
 * policy that grants a bucket's use but not CreateBucket refuses it. Otherwise the
 * bucket is created as by {@link createBucket}.
 */
async function ensureBucket(client, bucket, opts = {}) {
    const { signal } = opts;
    try {
        await (0, retry_1.withRetry)(() => client.send(new client_s3_1.HeadBucketCommand({ Bucket: bucket }), { abortSignal: signal }), { signal });
        return 'exists';
    }
    catch (err) {
        if (signal?.aborted)
            throw signal.reason;
        // Still failing after the retries: the CreateBucket would fail the same way.
        if ((0, errors_1.isTransient)(err))
            throw new errors_1.S3OperationError('cannot create bucket', `s3://${bucket}/`, err);
        // Not only 404: a 403 (no right to list it, or another account's bucket) or a 301
        // (another region) is for CreateBucket's answer to explain.
    }
    return createBucket(client, bucket, opts);
}
