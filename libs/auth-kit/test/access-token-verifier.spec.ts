import { describe, expect, it } from '@jest/globals';
import type { KeyObject } from 'node:crypto';
import { AccessTokenVerifier, type VerificationKeyResolver } from '#auth-kit';
import { TestSigningKey } from '#testing';

class CountingResolver implements VerificationKeyResolver {
  calls = 0;
  constructor(private readonly key: TestSigningKey) {}
  async getKey(kid: string): Promise<KeyObject | null> {
    this.calls++;
    return kid === this.key.kid ? this.key.publicKey : null;
  }
}

describe('AccessTokenVerifier', () => {
  const key = new TestSigningKey('iss', 'aud');

  it('verifies a token once and answers repeats from the cache', async () => {
    const resolver = new CountingResolver(key);
    const v = new AccessTokenVerifier({ issuer: 'iss', audience: 'aud', internalApiKeys: [], keyResolver: resolver });
    const tok = key.accessToken({ roles: ['admin'] });
    const a = await v.verify(tok);
    const b = await v.verify(tok);
    expect(b).toBe(a);
    expect(resolver.calls).toBe(1);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('does not serve a cached token past its exp', async () => {
    const resolver = new CountingResolver(key);
    const v = new AccessTokenVerifier({
      issuer: 'iss',
      audience: 'aud',
      internalApiKeys: [],
      keyResolver: resolver,
      clockToleranceSeconds: 0,
    });
    const tok = key.accessToken({ expiresIn: 1 });
    await v.verify(tok);
    await new Promise((r) => setTimeout(r, 1100));
    await expect(v.verify(tok)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
  });

  it('keeps the cache bounded', async () => {
    const resolver = new CountingResolver(key);
    const v = new AccessTokenVerifier({ issuer: 'iss', audience: 'aud', internalApiKeys: [], keyResolver: resolver, tokenCacheSize: 2 });
    const toks = [key.accessToken(), key.accessToken(), key.accessToken()];
    for (const t of toks) await v.verify(t);
    await v.verify(toks[0]!); // evicted: verified again
    expect(resolver.calls).toBe(4);
  });
});
