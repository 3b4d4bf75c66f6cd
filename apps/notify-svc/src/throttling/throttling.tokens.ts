/** The LeasedRateLimiter shared by request rate limits and daily quotas. */
export const RATE_LIMITER = Symbol('RATE_LIMITER');
