import retry from 'async-retry';
import { retryChannel, type RetryNotice } from '../retry-channel';
import { describeError, isTransient } from './errors';

export interface RetryOptions {
  attempts?: number;
  signal?: AbortSignal;
  minDelayMs?: number;
  maxDelayMs?: number;
  onRetry?: (err: unknown, attempt: number) => void;
  /** What the request is for, in retry notices: a URL, or `listing s3://b/prefix`. */
  what?: string;
}

export const DEFAULT_ATTEMPTS = 6;

/**
 * The one retry policy for every S3 request: exponential backoff with jitter, only on
 * transient faults. The SDK's own retry layer is off (client.ts), so `attempts` is the
 * true number of requests a fault can cost. Each retry is announced on retryChannel.
 */
export function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? DEFAULT_ATTEMPTS;
  return retry(
    async (bail, attempt) => {
      if (opts.signal?.aborted) {
        bail(opts.signal.reason);
        return undefined as T;
      }
      try {
        return await fn(attempt);
      } catch (err) {
        // async-retry schedules another attempt for anything thrown, even after bail():
        // bail and return instead, so a permanent error costs exactly one request.
        if (opts.signal?.aborted || !isTransient(err)) {
          bail((opts.signal?.aborted ? opts.signal.reason : err) as Error);
          return undefined as T;
        }
        throw err;
      }
    },
    {
      retries: attempts - 1,
      factor: 2,
      minTimeout: opts.minDelayMs ?? 100,
      maxTimeout: opts.maxDelayMs ?? 3000,
      randomize: true,
      onRetry: (err, attempt) => {
        opts.onRetry?.(err, attempt);
        if (retryChannel.hasSubscribers) {
          const notice: RetryNotice = { what: opts.what ?? 'a request', error: err, reason: describeError(err), attempt: attempt + 1, attempts };
          retryChannel.publish(notice);
        }
      },
    },
  );
}
