import { Inject, Injectable } from '@nestjs/common';
import { jitteredBackoffMs } from '#common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../config/notify-config.js';

/**
 * When a temporary failure is tried again: exponential backoff from DELIVERY_RETRY_BASE_MS with
 * "equal jitter" (half fixed, half random, so retries of a burst spread out but never come early),
 * capped at DELIVERY_RETRY_MAX_DELAY; a provider's Retry-After is a floor. After
 * DELIVERY_MAX_ATTEMPTS attempts (counted since the last replay) the failure is final.
 */
@Injectable()
export class RetryPolicy {
  constructor(@Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig) {}

  /** Milliseconds until the next attempt, or null when this was the last one. */
  nextDelayMs(attemptsSinceReplay: number, retryAfterMs?: number, random = Math.random): number | null {
    if (attemptsSinceReplay >= this.config.DELIVERY_MAX_ATTEMPTS) return null;
    const cap = this.config.DELIVERY_RETRY_MAX_DELAY * 1000;
    const jittered = jitteredBackoffMs(attemptsSinceReplay - 1, this.config.DELIVERY_RETRY_BASE_MS, cap, random);
    return Math.min(cap, Math.max(jittered, retryAfterMs ?? 0));
  }
}
