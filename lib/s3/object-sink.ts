import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type StorageClass,
} from '@aws-sdk/client-s3';
import { uploadPartOnce, writeError, writeObject, type Digest } from './object-io';
import { withRetry } from './retry';
import { ChunkedUploadSink, type UploadSinkOptions } from './upload-sink';

export interface MultipartObjectSinkOptions extends UploadSinkOptions {
  key: string;
}

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
export class MultipartObjectSink extends ChunkedUploadSink {
  readonly key: string;
  private uploadId?: Promise<string>;
  private readonly etags: string[] = [];

  constructor(opts: MultipartObjectSinkOptions) {
    super(opts);
    this.key = opts.key;
  }

  protected override sizeOfChunk(index: number): number {
    return Math.min(MAX_PART, this.chunkSize * 2 ** Math.floor(index / PARTS_PER_STEP));
  }

  protected chunkUrl(index: number): string {
    return `s3://${this.bucket}/${this.key} (part ${index + 1})`;
  }

  private start(): Promise<string> {
    this.uploadId ??= withRetry(
      async () => {
        const out = await this.client.send(
          new CreateMultipartUploadCommand({
            Bucket: this.bucket,
            Key: this.key,
            ContentType: 'application/octet-stream',
            StorageClass: this.storageClass as StorageClass | undefined,
          }),
          { abortSignal: this.abort.signal },
        );
        return out.UploadId!;
      },
      { attempts: this.attempts, signal: this.abort.signal, what: `s3://${this.bucket}/${this.key} (start of upload)` },
    );
    return this.uploadId;
  }

  protected async putChunk(index: number, chunk: Buffer, digest: Digest): Promise<void> {
    const id = await this.start();
    this.etags[index] = await uploadPartOnce(this.client, this.bucket, this.key, id, index + 1, chunk, digest, this.abort.signal);
  }

  protected async commit(): Promise<void> {
    if (!this.uploadId) {
      // An empty stream: multipart uploads need at least one part, a plain PUT does not.
      await writeObject(this.client, this.bucket, this.key, Buffer.alloc(0), { storageClass: this.storageClass, attempts: this.attempts, signal: this.abort.signal });
      return;
    }
    const url = `s3://${this.bucket}/${this.key}`;
    try {
      const id = await this.uploadId;
      await withRetry(
        () =>
          this.client.send(
            new CompleteMultipartUploadCommand({
              Bucket: this.bucket,
              Key: this.key,
              UploadId: id,
              MultipartUpload: { Parts: this.etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
            }),
            { abortSignal: this.abort.signal },
          ),
        { attempts: this.attempts, signal: this.abort.signal, what: `${url} (end of upload)` },
      );
    } catch (err) {
      throw writeError(url, err, this.storageClass);
    }
  }

  protected async discard(): Promise<void> {
    const id = await this.uploadId?.catch(() => undefined);
    if (!id) return;
    await this.client
      .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, UploadId: id }), {
        abortSignal: AbortSignal.timeout(5000),
      })
      .catch(() => undefined);
  }
}
