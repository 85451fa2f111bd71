/**
 * One-line descriptions of S3 and network failures, and the rule for which of them are
 * worth another attempt. Messages never include request headers (they carry signatures).
 */
export declare function httpStatus(err: unknown): number | undefined;
/** A key that is not there (GET NoSuchKey, HEAD 404), as opposed to a missing bucket. */
export declare function isNotFound(err: unknown): boolean;
/** Whether another attempt may succeed: 5xx, SlowDown, timeouts, resets, bad bodies; never other 4xx. */
export declare function isTransient(err: unknown): boolean;
/** `AccessDenied (403)`, `connection refused`, `NoSuchBucket (404)`: the reason part of an error line. */
export declare function describeError(err: unknown): string;
/** An error carrying a user-facing line, the SDK error kept as cause for --debug. */
export declare class S3OperationError extends Error {
    readonly exitCode: number;
    constructor(action: string, url: string, cause: unknown, exitCode?: number);
}
