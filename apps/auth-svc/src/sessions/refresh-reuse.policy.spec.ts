import { describe, expect, it } from '@jest/globals';
import { RefreshReusePolicy, type RefreshSessionState } from './refresh-reuse.policy.js';

const current = Buffer.from('current');
const retired = Buffer.from('retired');
const live: RefreshSessionState = { revoked_at: null, is_active: true, live: true, current_token_hash: current };

describe('RefreshReusePolicy.refusal', () => {
  it('an unknown or ended session has ended', () => {
    expect(RefreshReusePolicy.refusal(null, current)).toBe('ended');
    expect(RefreshReusePolicy.refusal({ ...live, revoked_at: new Date() }, retired)).toBe('ended');
  });

  it('a deactivated user comes before expiry, expiry before reuse', () => {
    expect(RefreshReusePolicy.refusal({ ...live, is_active: false, live: false }, retired)).toBe('deactivated');
    expect(RefreshReusePolicy.refusal({ ...live, live: false }, retired)).toBe('expired');
  });

  it('a token other than the current one of a live session is a reuse', () => {
    expect(RefreshReusePolicy.refusal(live, retired)).toBe('reused');
  });

  it('the current token refused anyway is only invalid', () => {
    expect(RefreshReusePolicy.refusal(live, Buffer.from('current'))).toBe('invalid');
  });
});

describe('RefreshReusePolicy.acceptsSql', () => {
  it('accepts the current token, or the replaced one within the grace when there is a grace', () => {
    const sql = RefreshReusePolicy.acceptsSql('s', '$2', '$5').replace(/\s+/g, ' ');
    expect(sql).toBe(
      '(s.current_token_hash = $2 OR ($5 > 0 AND s.previous_token_hash = $2 AND s.rotated_at > now() - make_interval(secs => $5)))',
    );
  });
});
