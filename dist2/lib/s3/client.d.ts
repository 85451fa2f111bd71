import { S3Client } from '@aws-sdk/client-s3';
/**
 * The one place that knows S3 server quirks (the rclone "provider quirks" idea):
 * filters describe what they want, this file makes it work on AWS, s3rver and Ceph RGW.
 */
export interface S3ClientOptions {
    /** `http://127.0.0.1:4568`; implies path-style addressing (custom servers rarely have wildcard DNS). */
    endpoint?: string;
    region?: string;
    /** A named profile from ~/.aws/config; otherwise the SDK default chain. */
    profile?: string;
    credentials?: {
        accessKeyId: string;
        secretAccessKey: string;
        sessionToken?: string;
    };
    forcePathStyle?: boolean;
    /** PEM file of extra CAs to trust for https endpoints (as AWS_CA_BUNDLE). */
    caBundle?: string;
    /** Sockets per host; at least the number of requests run at once. */
    maxSockets?: number;
    /** A request whose connection moves no byte for this long is abandoned and retried. */
    requestTimeoutMs?: number;
    /** Receives the SDK's warnings, each as one line (the SDK's own are up to ten lines on stderr). */
    onWarning?: (line: string) => void;
}
/**
 * An S3Client that works on AWS, s3rver and Ceph RGW alike: the settings below are the
 * quirks each needs. Endpoint, region and credentials default to the SDK's chain
 * (`AWS_ENDPOINT_URL`, `AWS_REGION`, env keys, ~/.aws, IMDS).
 */
export declare function createS3Client(opts?: S3ClientOptions): S3Client;
/** A server that is not S3 (a web page, a captive portal, a proxy's login form). */
export declare class NotS3Error extends Error {
    readonly name = "NotS3Error";
}
/** `s3://bucket/key/prefix` split into bucket and key (key may be empty). */
export interface S3Address {
    bucket: string;
    key: string;
}
/** Split `s3://bucket/key`; throws for anything else. */
export declare function parseS3Url(url: string): S3Address;
/** `s3://bucket/key`, as every filter prints it. */
export declare function formatS3Url(addr: S3Address): string;
/** The seed's s3store INI file: `[Credentials] aws_access_key_id/aws_secret_access_key`, `[Bucket] id`. */
export interface S3storeConfig {
    accessKeyId?: string;
    secretAccessKey?: string;
    bucket?: string;
}
/** The s3store INI file's credentials and bucket; unknown sections and keys are ignored. */
export declare function parseS3storeConfig(text: string): S3storeConfig;
