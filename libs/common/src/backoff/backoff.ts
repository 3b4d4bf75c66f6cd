/**
 * The one retry backoff of the platform: exponential from `baseMs` (step 0 waits about `baseMs`),
 * capped at `capMs`, with "equal jitter": half of the step fixed, half random, so the retries of a
 * burst spread out but none comes earlier than half its step. Used by delivery/job retries and by
 * the live bus's reconnects.
 */
export function jitteredBackoffMs(step: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const exp = Math.min(capMs, baseMs * 2 ** Math.max(0, step));
  return exp / 2 + random() * (exp / 2);
}
