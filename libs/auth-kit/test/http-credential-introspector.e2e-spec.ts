import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { HttpCredentialIntrospector } from '#auth-kit';
import { fakeCredential, startFakeIntrospectionServer } from '#testing';

const KEY = 'internal-key-for-introspection-tests';

describe('HttpCredentialIntrospector (contract of POST /auth/v1/introspect)', () => {
  it('maps an active API key and an active personal token to principals', async () => {
    const server = await startFakeIntrospectionServer(KEY);
    try {
      const tenantId = randomUUID();
      const i = new HttpCredentialIntrospector(server.url, KEY);
      const key = server.register(fakeCredential.apiKey(), {
        token_type: 'api_key',
        sub: 'k1',
        client_id: 'k1',
        tenantId,
        roles: [],
        scope: 'notifications:send bogus:scope',
        planTier: 'professional',
      });
      expect(await i.introspect(key, 'api_key')).toEqual({
        kind: 'api_key',
        userId: null,
        tenantId,
        roles: [],
        scopes: ['notifications:send'],
        planTier: 'professional',
        credentialId: 'k1',
      });
      const sub = randomUUID();
      const exp = Math.floor(Date.now() / 1000) + 60;
      const pat = server.register(fakeCredential.personalToken(), {
        token_type: 'personal_token',
        sub,
        tenantId,
        roles: ['user', 'root'],
        exp,
        email: 'a@b.c',
      });
      expect(await i.introspect(pat, 'personal_token')).toMatchObject({
        kind: 'personal_token',
        userId: sub,
        roles: ['user'],
        expiresAt: exp,
        email: 'a@b.c',
        planTier: 'free',
      });
    } finally {
      await server.close();
    }
  });

  it('caches answers (negative ones too) and deduplicates concurrent calls', async () => {
    const server = await startFakeIntrospectionServer(KEY);
    try {
      const i = new HttpCredentialIntrospector(server.url, KEY);
      const unknown = fakeCredential.apiKey();
      await Promise.all(Array.from({ length: 10 }, () => i.introspect(unknown, 'api_key')));
      expect(await i.introspect(unknown, 'api_key')).toBeNull();
      expect(server.hits).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('answers 503 (not 401, not 500) when auth-svc is down or refuses the internal key, and caches nothing', async () => {
    const server = await startFakeIntrospectionServer(KEY);
    const wrongKey = new HttpCredentialIntrospector(server.url, 'wrong-key');
    await expect(wrongKey.introspect(fakeCredential.apiKey(), 'api_key')).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    const url = server.url;
    await server.close();
    const down = new HttpCredentialIntrospector(url, KEY, { timeoutMs: 500 });
    const k = fakeCredential.apiKey();
    await expect(down.introspect(k, 'api_key')).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    await expect(down.introspect(k, 'api_key')).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(down.callCount).toBe(2);
  });
});
