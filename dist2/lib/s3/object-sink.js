"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MultipartObjectSink = void 0;
const client_s3_1 = require("@aws-sdk/client-s3");
const object_io_1 = require("./object-io");
const retry_1 = require("./retry");
const upload_sink_1 = require("./upload-sink");
const errors_1 = require("./errors");
/** S3 allows 10,000 parts of at most 5 GiB. */
const MAX_PART = 5 * 2 ** 30;
const PARTS_PER_STEP = 1000;
/**
 * A Writable that stores its input as one plain object by multipart upload, for readers
 * that expect a single object. The object appears only at CompleteMultipartUpload, so a
 * failure leaves any previous object of that key untouched; destroy() aborts the upload.
 *
 * The stream length is unknown, so part sizes grow (doubling every 1000 parts, as
 * s3gof3r does): with 8 MiB parts, 10,000 parts cover ~8 TiB, where a fixed 5 MiB
 * part size stops at ~48 GiB. Memory stays (jobs + 1) × the current part size.
 */
class MultipartObjectSink extends upload_sink_1.ChunkedUploadSink {
    key;
    uploadId;
    etags = [];
    constructor(opts) {
        super(opts);
        this.key = opts.key;
    }
    sizeOfChunk(index) {
        return Math.min(MAX_PART, this.chunkSize * 2 ** Math.floor(index / PARTS_PER_STEP));
    }
    chunkUrl(index) {
        return `s3://${this.bucket}/${this.key} (part ${index + 1})`;
    }
    start() {
        this.uploadId ??= (0, retry_1.withRetry)(async () => {
            const out = await this.client.send(new client_s3_1.CreateMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, ContentType: 'application/octet-stream' }), { abortSignal: this.abort.signal });
            return out.UploadId;
        }, { attempts: this.attempts, signal: this.abort.signal });
        return this.uploadId;
    }
    async putChunk(index, chunk, digest) {
        const id = await this.start();
        this.etags[index] = await (0, object_io_1.uploadPartOnce)(this.client, this.bucket, this.key, id, index + 1, chunk, digest, this.abort.signal);
    }
    async commit() {
        if (!this.uploadId) {
            // An empty stream: multipart uploads need at least one part, a plain PUT does not.
            await (0, object_io_1.writeObject)(this.client, this.bucket, this.key, Buffer.alloc(0), { attempts: this.attempts, signal: this.abort.signal });
            return;
        }
        const url = `s3://${this.bucket}/${this.key}`;
        try {
            const id = await this.uploadId;
            await (0, retry_1.withRetry)(() => this.client.send(new client_s3_1.CompleteMultipartUploadCommand({
                Bucket: this.bucket,
                Key: this.key,
                UploadId: id,
                MultipartUpload: { Parts: this.etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
            }), { abortSignal: this.abort.signal }), { attempts: this.attempts, signal: this.abort.signal });
        }
        catch (err) {
            throw new errors_1.S3OperationError('cannot write', url, err);
        }
    }
    async discard() {
        const id = await this.uploadId?.catch(() => undefined);
        if (!id)
            return;
        await this.client
            .send(new client_s3_1.AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, UploadId: id }), {
            abortSignal: AbortSignal.timeout(5000),
        })
            .catch(() => undefined);
    }
}
exports.MultipartObjectSink = MultipartObjectSink;
