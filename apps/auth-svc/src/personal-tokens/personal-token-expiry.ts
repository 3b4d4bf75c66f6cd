import { AppException } from '#common';

const DAY_MS = 86_400_000;

/** A personal token's expiry: required, in the future, at most maxTtlDays ahead (422 otherwise). */
export function checkPersonalTokenExpiry(iso: string, maxTtlDays: number, now = Date.now()): Date {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw AppException.validation('Invalid expiresAt', [{ field: 'expiresAt', messages: ['must be a date'] }]);
  if (d.getTime() <= now) {
    throw AppException.unprocessable('expiresAt must be in the future', [{ field: 'expiresAt', messages: ['must be in the future'] }]);
  }
  if (d.getTime() > now + maxTtlDays * DAY_MS) {
    throw AppException.unprocessable(`expiresAt must be at most ${maxTtlDays} days ahead`, [
      { field: 'expiresAt', messages: [`must be at most ${maxTtlDays} days ahead (PAT_MAX_TTL_DAYS)`] },
    ]);
  }
  return d;
}

export function maxPersonalTokenExpiry(maxTtlDays: number, now = Date.now()): Date {
  return new Date(now + maxTtlDays * DAY_MS);
}
