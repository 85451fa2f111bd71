import { type Digest } from './object-io';
import { ChunkedUploadSink, type UploadSinkOptions } from './upload-sink';
export interface MultipartObjectSinkOptions extends UploadSinkOptions {
    key: string;
}
/**
 * A Writable that stores its input as one plain object by multipart upload, for readers
 * that expect a single object. The object appears only at CompleteMultipartUpload, so a
 * failure leaves any previous object of that key untouched; destroy() aborts the upload.
 *
 * The stream length is unknown, so part sizes grow (doubling every 1000 parts, as
 * s3gof3r does): with 8 MiB parts, 10,000 parts cover ~8 TiB, where a fixed 5 MiB
 * part size stops at ~48 GiB. Memory stays (jobs + 1) × the current part size.
 */
export declare class MultipartObjectSink extends ChunkedUploadSink {
    readonly key: string;
    private uploadId?;
    private readonly etags;
    constructor(opts: MultipartObjectSinkOptions);
    protected sizeOfChunk(index: number): number;
    protected chunkUrl(index: number): string;
    private start;
    protected putChunk(index: number, chunk: Buffer, digest: Digest): Promise<void>;
    protected commit(): Promise<void>;
    protected discard(): Promise<void>;
}
