export interface RetryOptions {
    attempts?: number;
    signal?: AbortSignal;
    minDelayMs?: number;
    maxDelayMs?: number;
    onRetry?: (err: unknown, attempt: number) => void;
}
export declare const DEFAULT_ATTEMPTS = 6;
/**
 * The one retry policy for every S3 request: exponential backoff with jitter, only on
 * transient faults. The SDK's own retry layer is off (client.ts), so `attempts` is the
 * true number of requests a fault can cost.
 */
export declare function withRetry<T>(fn: (attempt: number) => Promise<T>, opts?: RetryOptions): Promise<T>;
