import { setTimeout as delay } from 'node:timers/promises';

/** How often a condition is asked again unless the caller says otherwise. */
const POLL_MS = 25;

/**
 * Poll `check` every `everyMs` until it is true or `timeoutMs` has passed; whether it came
 * true. For conditions outside the test's control: a child's progress, a process's exit.
 */
export async function pollUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = POLL_MS): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await delay(everyMs);
  }
}

/** Poll `check` until it is true; reject naming `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = POLL_MS): Promise<void> {
  if (!(await pollUntil(check, timeoutMs, everyMs))) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
