import { channel } from 'node:diagnostics_channel';

/**
 * A request about to be sent again. The one retry policy (lib/s3/retry.ts) publishes it
 * on a diagnostics channel rather than taking a callback: every command says what it is
 * retrying without each caller threading a hook through, the filters print it
 * (lib/cli/run.ts), a library user may subscribe, and with no subscriber it costs nothing.
 */
export interface RetryNotice {
  /** What the request was for, e.g. `s3://b/set/GEN/000003`. */
  what: string;
  error: unknown;
  /** The failure in words (describeError). */
  reason: string;
  /** The attempt about to start, from 2. */
  attempt: number;
  attempts: number;
}

export const retryChannel = channel('pipekit:retry');

export function retryLine(n: RetryNotice): string {
  return `retrying ${n.what} after ${n.reason} (${n.attempt} of ${n.attempts})`;
}
