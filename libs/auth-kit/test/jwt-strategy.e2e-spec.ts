import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, type DynamicModule } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import type { Principal } from '#common';
import { AuthKitModule, CurrentUser, RevocationSet, type RevocationList, type VerificationKeyResolver } from '#auth-kit';
import { startTestApp, TestSigningKey, type TestApp } from '#testing';

class CountingResolver implements VerificationKeyResolver {
  calls = 0;
  constructor(private readonly key: TestSigningKey) {}
  async getKey(kid: string): Promise<KeyObject | null> {
    this.calls++;
    return kid === this.key.kid ? this.key.publicKey : null;
  }
}

class ManualRevocations extends RevocationSet implements RevocationList {}

@Controller('t')
class ProbeController {
  @Get('me')
  me(@CurrentUser() p: Principal) {
    return { userId: p.userId };
  }
}
@Module({})
class ProbeModule {}

describe('JwtStrategy: verified-token cache and revocation list', () => {
  const key = new TestSigningKey('iss', 'aud');
  const resolver = new CountingResolver(key);
  const revocations = new ManualRevocations();
  let t: TestApp;

  beforeAll(async () => {
    const module: DynamicModule = {
      module: ProbeModule,
      imports: [
        AuthKitModule.forRootAsync({
          useFactory: () => ({
            issuer: 'iss',
            audience: 'aud',
            internalApiKeys: [],
            keyResolver: resolver,
            tokenCacheSize: 2,
            revocations,
          }),
        }),
      ],
      controllers: [ProbeController],
    };
    t = await startTestApp(module);
  });
  afterAll(async () => {
    await t?.close();
  });

  const token = (extra: Record<string, unknown> = {}, sub = randomUUID()) =>
    key.accessToken({ sub, tenantId: randomUUID(), extra: { sid: randomUUID(), ...extra } });
  const me = (tok: string) => t.http.get('/t/me', { token: tok });

  it('verifies a token once and answers repeats from the cache', async () => {
    const tok = token();
    const before = resolver.calls;
    expect((await me(tok)).status).toBe(200);
    expect((await me(tok)).status).toBe(200);
    expect(resolver.calls - before).toBe(1);
  });

  it('keeps the cache bounded', async () => {
    const toks = [token(), token(), token()];
    const before = resolver.calls;
    for (const tok of toks) expect((await me(tok)).status).toBe(200);
    expect((await me(toks[0]!)).status).toBe(200); // evicted: verified again
    expect(resolver.calls - before).toBe(4);
  });

  it('refuses a cached token once its session is on the revocation list, and a deactivated user’s older tokens', async () => {
    const sid = randomUUID();
    const tok = token({ sid });
    expect((await me(tok)).status).toBe(200);
    revocations.apply({ sessions: [sid], users: [], retainSeconds: 60 });
    const refused = await me(tok);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('UNAUTHORIZED');

    const sub = randomUUID();
    const older = token({ iat: Math.floor(Date.now() / 1000) - 5 }, sub);
    const newer = token({ iat: Math.floor(Date.now() / 1000) + 5 }, sub);
    revocations.apply({ sessions: [], users: [{ id: sub, before: Math.floor(Date.now() / 1000) }], retainSeconds: 60 });
    expect((await me(older)).status).toBe(401);
    expect((await me(newer)).status).toBe(200);
  });
});
