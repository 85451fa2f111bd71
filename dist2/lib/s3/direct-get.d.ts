import type { S3Client } from '@aws-sdk/client-s3';
/**
 * GETs whose body is read by the kernel straight into the caller's Buffer: plain-HTTP
 * sockets with `onread` pointed at the unfilled rest of that Buffer. Through node:http
 * every body byte was read into a fresh 64 KiB Buffer, copied again by the HTTP parser
 * (node_http_parser's on_body uses Buffer::Copy) and once more into the chunk: measured,
 * that and the garbage it made were most of s3source's CPU besides SHA-256. rclone cat
 * does one copy; so does this.
 *
 * The SDK still builds, signs and retries-classifies the request and parses any error
 * answer: a middleware at the end of the stack sends the signed request here instead of
 * to the SDK's HTTP handler. TLS endpoints keep the SDK's path (a TLS socket decrypts
 * into its own buffers, so there is no copy to save at this layer).
 */
/** The client's timeouts, which these connections keep: idle time and connect time. */
export interface Timeouts {
    socketTimeout: number;
    connectionTimeout: number;
}
interface SignedRequest {
    protocol: string;
    hostname: string;
    port?: number;
    method: string;
    path: string;
    query?: Record<string, string | string[] | null>;
    headers: Record<string, string>;
}
export interface DirectResponse {
    statusCode: number;
    headers: Record<string, string>;
    /** The answer's body when it did not go into the Buffer (error documents). */
    body?: Buffer;
    /** Bytes of the body read into the Buffer. */
    filled: number;
}
/** Send a signed request and read a body of `into.length` bytes into `into`. */
export declare function directRequest(req: SignedRequest, into: Buffer, timeouts: Timeouts, signal?: AbortSignal): Promise<DirectResponse>;
/** The timeouts `client`'s HTTP handler was made with (createS3Client's), for connections made here. */
export declare function clientTimeouts(client: S3Client): Timeouts;
/**
 * Make `cmd` (a GetObjectCommand) read its body into `into` over plain HTTP. The
 * returned `filled()` gives the bytes read there once sent, or undefined when the
 * request took the SDK's path (https) and the body is the output's stream as usual.
 */
export declare function readBodyInto<C extends {
    middlewareStack: unknown;
}>(cmd: C, into: Buffer, timeouts: Timeouts, signal?: AbortSignal): {
    cmd: C;
    filled: () => number | undefined;
};
export {};
