import { type S3Client } from '@aws-sdk/client-s3';
import { type Manifest } from './layout';
import { type RetryOptions } from './retry';
/**
 * Object I/O for whole objects held in memory: digests, verified PUTs, reads, existence,
 * manifests. Every upload carries end-to-end checks: Content-MD5 (the server rejects a
 * body that does not match), the body's SHA-256 as the signed payload hash (computed
 * anyway for the manifest, so the signer does not hash the body a second time, and
 * servers that verify it do), and the returned ETag compared with the MD5.
 */
/** Size and hex digests of one body: MD5 for Content-MD5 and the ETag check, SHA-256 for manifests and signatures. */
export interface Digest {
    size: number;
    md5: string;
    sha256: string;
}
/** The digest of a body, hashed here (the upload sinks hash large chunks on worker threads). */
export declare function digestOf(body: Buffer): Digest;
/** The server's ETag says it stored other bytes than were sent; retried as transient. */
export declare class ChecksumMismatch extends Error {
    readonly name = "ChecksumMismatch";
}
/** One verified PutObject, no retry: for callers whose retry covers more than the request. */
export declare function putObjectOnce(client: S3Client, bucket: string, key: string, body: Buffer, digest: Digest, signal?: AbortSignal, contentType?: string): Promise<void>;
/** One verified UploadPart, no retry; resolves with the part's ETag. */
export declare function uploadPartOnce(client: S3Client, bucket: string, key: string, uploadId: string, partNumber: number, body: Buffer, digest: Digest, signal?: AbortSignal): Promise<string>;
export interface WriteObjectOptions extends RetryOptions {
    contentType?: string;
    /** The body's digest when the caller has it already. */
    digest?: Digest;
}
/** A verified PUT of a whole body, retried; fails as `cannot write s3://bucket/key: …`. */
export declare function writeObject(client: S3Client, bucket: string, key: string, body: Buffer, opts?: WriteObjectOptions): Promise<void>;
/**
 * A small object, whole. The body is read inside the retry: a body cut short is as
 * transient as a reset. Errors are the SDK's, so callers can tell a missing key apart.
 */
export declare function readObject(client: S3Client, bucket: string, key: string, opts?: RetryOptions): Promise<Buffer>;
/** HEAD: whether `key` exists; other failures as `cannot read s3://bucket/key: …`. */
export declare function objectExists(client: S3Client, bucket: string, key: string, opts?: RetryOptions): Promise<boolean>;
/**
 * A manifest, parsed and validated, or undefined when the key is not there. Throws
 * ManifestError for a body that is not a valid manifest, and the SDK's error otherwise.
 * Manifests are stored as JSON: an HTML page in their place is a web server, not S3
 * (the client lets HTML through for GETs only, since objects may be pages).
 */
export declare function readManifest(client: S3Client, bucket: string, key: string, opts?: RetryOptions): Promise<Manifest | undefined>;
