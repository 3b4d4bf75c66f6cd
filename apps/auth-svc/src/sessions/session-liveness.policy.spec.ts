import { describe, expect, it } from '@jest/globals';
import { SessionLiveness } from './session-liveness.policy.js';

describe('SessionLiveness', () => {
  it('unexpired: before both the idle and the absolute expiry', () => {
    expect(SessionLiveness.unexpired('s')).toBe('s.expires_at > now() AND s.absolute_expires_at > now()');
  });

  it('live: not ended and unexpired', () => {
    expect(SessionLiveness.live('x')).toBe('x.revoked_at IS NULL AND x.expires_at > now() AND x.absolute_expires_at > now()');
  });
});
