import { type S3Client } from '@aws-sdk/client-s3';
/** A real S3 server the tests talk to over loopback. */
export interface S3TestServer {
    kind: string;
    endpoint: string;
    accessKeyId: string;
    secretAccessKey: string;
    stop(): Promise<void>;
}
/** Start s3rver in a child process on a random port with a fresh data directory. */
export declare function startS3rver(): Promise<S3TestServer>;
/** The environment a filter child process gets: these credentials and endpoint, nothing from the host. */
export declare function s3Env(server: S3TestServer, endpoint?: string, extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export declare function testClient(server: S3TestServer, endpoint?: string): S3Client;
/** A fresh bucket with a unique name (3–63 lowercase characters, as every server accepts). */
export declare function freshBucket(client: S3Client, hint?: string): Promise<string>;
export declare function getObjectBytes(client: S3Client, bucket: string, key: string): Promise<Buffer>;
