import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, Post, type DynamicModule } from '@nestjs/common';
import { Public, Role, Scope, type Principal } from '#common';
import {
  AuthKitModule,
  CurrentTenant,
  CurrentUser,
  HttpCredentialIntrospector,
  InternalOnly,
  RemoteJwksKeyResolver,
  Roles,
  Scopes,
} from '#auth-kit';
import {
  fakeCredential,
  signRs256,
  startFakeIntrospectionServer,
  startJwksServer,
  startTestApp,
  TestSigningKey,
  type FakeIntrospectionServer,
  type RunningServer,
  type TestApp,
} from '#testing';
import { createHmac, randomUUID } from 'node:crypto';

const ISSUER = 'http://auth.test';
const AUDIENCE = 'notify-test';
const INTERNAL_KEYS = ['old-internal-key-0123456789abcdef', 'new-internal-key-0123456789abcdef'];

@Controller('t')
class ProbeController {
  @Get('me')
  me(@CurrentUser() p: Principal, @CurrentTenant() tenantId: string) {
    return { kind: p.kind, userId: p.userId, tenantId, roles: p.roles, scopes: p.scopes };
  }

  @Public()
  @Get('open')
  open() {
    return { open: true };
  }

  @Post('send')
  @Roles(Role.Organizer, Role.Admin)
  @Scopes(Scope.NotificationsSend)
  send() {
    return { sent: true };
  }

  @Get('admin')
  @Roles(Role.Admin)
  admin() {
    return { admin: true };
  }

  @Post('job')
  @InternalOnly()
  job(@CurrentUser() p: Principal) {
    return { kind: p.kind };
  }
}

@Module({})
class ProbeModule {}

describe('auth-kit (real JWKS server, real RSA keys, fake introspection server)', () => {
  let key: TestSigningKey;
  let rotated: TestSigningKey;
  let stranger: TestSigningKey;
  let published: TestSigningKey[];
  let jwks: RunningServer;
  let introspection: FakeIntrospectionServer;
  let resolver: RemoteJwksKeyResolver;
  let introspector: HttpCredentialIntrospector;
  let t: TestApp;
  const tenantId = randomUUID();

  beforeAll(async () => {
    key = new TestSigningKey(ISSUER, AUDIENCE);
    rotated = new TestSigningKey(ISSUER, AUDIENCE);
    stranger = new TestSigningKey(ISSUER, AUDIENCE);
    published = [key];
    jwks = await startJwksServer(() => published);
    introspection = await startFakeIntrospectionServer(INTERNAL_KEYS[1]!);
    resolver = new RemoteJwksKeyResolver(jwks.url, { minRefetchIntervalSeconds: 2 });
    introspector = new HttpCredentialIntrospector(introspection.url, INTERNAL_KEYS[1]!, { cacheTtlSeconds: 1, negativeCacheTtlSeconds: 1 });
    const module: DynamicModule = {
      module: ProbeModule,
      imports: [
        AuthKitModule.forRootAsync({
          useFactory: () => ({ issuer: ISSUER, audience: AUDIENCE, internalApiKeys: INTERNAL_KEYS, keyResolver: resolver, introspector }),
        }),
      ],
      controllers: [ProbeController],
    };
    t = await startTestApp(module);
  });
  afterAll(async () => {
    await t?.close();
    await jwks?.close();
    await introspection?.close();
  });

  const token = (over: Parameters<TestSigningKey['accessToken']>[0] = {}) => key.accessToken({ tenantId, ...over });

  describe('access tokens', () => {
    it('accepts a valid token and exposes the principal and tenant', async () => {
      const sub = randomUUID();
      const res = await t.http.get('/t/me', { token: token({ sub, roles: ['user', 'organizer'] }) });
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ kind: 'access_token', userId: sub, tenantId, roles: ['user', 'organizer'], scopes: [] });
      expect(res.body.meta.tenant_id).toBe(tenantId);
    });

    it('serves a repeated token from the verified-token cache with the same answer', async () => {
      const tok = token();
      const first = await t.http.get('/t/me', { token: tok });
      const second = await t.http.get('/t/me', { token: tok });
      expect(first.status).toBe(200);
      expect(second.body.data).toEqual(first.body.data);
    });

    it('ignores x-tenant-id from the client', async () => {
      const res = await t.http.get('/t/me', { token: token(), headers: { 'x-tenant-id': randomUUID() } });
      expect(res.body.data.tenantId).toBe(tenantId);
    });

    const header = (h: object) => Buffer.from(JSON.stringify(h)).toString('base64url');
    const payloadOf = (tok: string) => tok.split('.')[1]!;

    const rejected: Array<[string, () => { headers?: Record<string, string>; token?: string }, string]> = [
      ['no credential', () => ({}), 'UNAUTHORIZED'],
      ['a garbage token', () => ({ token: 'garbage' }), 'UNAUTHORIZED'],
      ['three garbage segments', () => ({ token: 'a.b.c' }), 'UNAUTHORIZED'],
      ['a non-Bearer scheme', () => ({ headers: { authorization: `Basic ${token()}` } }), 'UNAUTHORIZED'],
      ['an expired token', () => ({ token: token({ expiresIn: -60 }) }), 'TOKEN_EXPIRED'],
      ['a token not valid before later', () => ({ token: token({ extra: { nbf: Math.floor(Date.now() / 1000) + 600 } }) }), 'UNAUTHORIZED'],
      ['a wrong issuer', () => ({ token: token({ iss: 'http://evil.test' }) }), 'UNAUTHORIZED'],
      ['a wrong audience', () => ({ token: token({ aud: 'other-service' }) }), 'UNAUTHORIZED'],
      ['a refresh token', () => ({ token: token({ typ: 'refresh+jwt', extra: { sid: randomUUID() } }) }), 'UNAUTHORIZED'],
      ['a token without typ', () => ({ token: token({ header: { typ: undefined } }) }), 'UNAUTHORIZED'],
      ['a token signed by an unknown key', () => ({ token: stranger.accessToken({ tenantId }) }), 'UNAUTHORIZED'],
      ['a known kid but a foreign signature', () => ({ token: stranger.accessToken({ tenantId, kid: key.kid }) }), 'UNAUTHORIZED'],
      [
        'a tampered payload',
        () => {
          const good = token({ roles: ['user'] });
          const [h, , s] = good.split('.');
          const forged = payloadOf(token({ roles: ['admin'] }));
          return { token: `${h}.${forged}.${s}` };
        },
        'UNAUTHORIZED',
      ],
      [
        'alg none',
        () => {
          const p = payloadOf(token());
          return { token: `${header({ alg: 'none', typ: 'at+jwt', kid: key.kid })}.${p}.` };
        },
        'UNAUTHORIZED',
      ],
      [
        'HS256 signed with the public key',
        () => {
          const pem = key.publicKey.export({ type: 'spki', format: 'pem' });
          const input = `${header({ alg: 'HS256', typ: 'at+jwt', kid: key.kid })}.${payloadOf(token())}`;
          return { token: `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}` };
        },
        'UNAUTHORIZED',
      ],
      [
        'an embedded jwk header with its own key',
        () => {
          const jwk = stranger.jwk();
          return { token: stranger.accessToken({ tenantId, kid: 'nonexistent', header: { jwk, jku: `${jwks.url}?evil` } }) };
        },
        'UNAUTHORIZED',
      ],
      [
        'a token missing the tenant claim',
        () => ({
          token: signRs256(
            { alg: 'RS256', typ: 'at+jwt', kid: key.kid },
            {
              iss: ISSUER,
              aud: AUDIENCE,
              sub: randomUUID(),
              roles: ['user'],
              exp: Math.floor(Date.now() / 1000) + 60,
            },
            key.privateKey,
          ),
        }),
        'UNAUTHORIZED',
      ],
      ['the internal key on an ordinary route', () => ({ headers: { 'x-internal-api-key': INTERNAL_KEYS[0]! } }), 'UNAUTHORIZED'],
    ];

    it.each(rejected)('refuses %s with 401', async (_name, make, code) => {
      const { token: tok, headers } = make();
      const res = await t.http.get('/t/me', { token: tok, headers });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ data: null, error: { code } });
    });

    it('lets @Public routes through without a credential', async () => {
      const res = await t.http.get('/t/open');
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ open: true });
    });

    it('accepts a token within the 30 s clock tolerance but not beyond', async () => {
      expect((await t.http.get('/t/me', { token: token({ expiresIn: -10 }) })).status).toBe(200);
      expect((await t.http.get('/t/me', { token: token({ expiresIn: -45 }) })).status).toBe(401);
    });
  });

  describe('roles and scopes', () => {
    it('a user cannot send (403), an organizer can, only an admin reaches admin routes', async () => {
      const user = await t.http.post('/t/send', {}, { token: token({ roles: ['user'] }) });
      expect(user.status).toBe(403);
      expect(user.body.error.code).toBe('FORBIDDEN');
      expect((await t.http.post('/t/send', {}, { token: token({ roles: ['organizer'] }) })).status).toBe(201);
      expect((await t.http.get('/t/admin', { token: token({ roles: ['organizer'] }) })).status).toBe(403);
      expect((await t.http.get('/t/admin', { token: token({ roles: ['admin'] }) })).status).toBe(200);
    });
  });

  describe('API keys and personal tokens through introspection', () => {
    it('accepts an API key with the scope and refuses one without it', async () => {
      const sender = introspection.register(fakeCredential.apiKey(), {
        token_type: 'api_key',
        sub: 'key1',
        tenantId,
        roles: [],
        scope: 'notifications:send notifications:read',
      });
      const reader = introspection.register(fakeCredential.apiKey(), {
        token_type: 'api_key',
        sub: 'key2',
        tenantId,
        roles: [],
        scope: 'notifications:read',
      });
      const ok = await t.http.post('/t/send', {}, { headers: { 'x-api-key': sender } });
      expect(ok.status).toBe(201);
      const me = await t.http.get('/t/me', { headers: { 'x-api-key': sender } });
      expect(me.body.data).toMatchObject({ kind: 'api_key', userId: null, tenantId, scopes: ['notifications:send', 'notifications:read'] });
      const no = await t.http.post('/t/send', {}, { headers: { 'x-api-key': reader } });
      expect(no.status).toBe(403);
      // Roles-only routes are closed to API keys.
      expect((await t.http.get('/t/admin', { headers: { 'x-api-key': sender } })).status).toBe(403);
    });

    it('accepts a personal token as its user, with the user roles', async () => {
      const sub = randomUUID();
      const pat = introspection.register(fakeCredential.personalToken(), {
        token_type: 'personal_token',
        sub,
        tenantId,
        roles: ['user', 'organizer'],
        exp: Math.floor(Date.now() / 1000) + 3600,
      });
      const me = await t.http.get('/t/me', { token: pat });
      expect(me.status).toBe(200);
      expect(me.body.data).toMatchObject({ kind: 'personal_token', userId: sub, tenantId, roles: ['user', 'organizer'] });
      expect((await t.http.post('/t/send', {}, { token: pat })).status).toBe(201);
    });

    it('refuses unknown keys, malformed keys and a credential of the wrong kind', async () => {
      expect((await t.http.get('/t/me', { headers: { 'x-api-key': fakeCredential.apiKey() } })).status).toBe(401);
      expect((await t.http.get('/t/me', { headers: { 'x-api-key': 'not-a-key' } })).status).toBe(401);
      expect((await t.http.get('/t/me', { token: fakeCredential.personalToken() })).status).toBe(401);
      // A personal token presented as an API key.
      const pat = introspection.register(fakeCredential.personalToken(), {
        token_type: 'personal_token',
        sub: randomUUID(),
        tenantId,
        roles: ['user'],
      });
      expect((await t.http.get('/t/me', { headers: { 'x-api-key': `nk_${pat}` } })).status).toBe(401);
    });

    it('caches answers, and a revoked key stops working once the cache expires', async () => {
      const k = introspection.register(fakeCredential.apiKey(), {
        token_type: 'api_key',
        sub: 'k3',
        tenantId,
        roles: [],
        scope: 'notifications:read',
      });
      const before = introspection.hits;
      expect((await t.http.get('/t/me', { headers: { 'x-api-key': k } })).status).toBe(200);
      expect((await t.http.get('/t/me', { headers: { 'x-api-key': k } })).status).toBe(200);
      expect(introspection.hits - before).toBe(1);
      introspection.revoke(k);
      expect((await t.http.get('/t/me', { headers: { 'x-api-key': k } })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1100));
      const after = await t.http.get('/t/me', { headers: { 'x-api-key': k } });
      expect(after.status).toBe(401);
      expect(after.body.error.code).toBe('UNAUTHORIZED');
    });
  });

  describe('internal key', () => {
    it('opens @InternalOnly routes with any configured key', async () => {
      for (const k of INTERNAL_KEYS) {
        const res = await t.http.post('/t/job', {}, { headers: { 'x-internal-api-key': k } });
        expect(res.status).toBe(201);
        expect(res.body.data).toEqual({ kind: 'internal' });
      }
    });

    it('refuses a missing or wrong key, and a JWT in its place', async () => {
      const admin = token({ roles: ['admin', 'organizer', 'user'] });
      const cases = [
        {},
        { headers: { 'x-internal-api-key': 'wrong' } },
        { headers: { 'x-internal-api-key': `${INTERNAL_KEYS[0]}x` } },
        { token: admin },
        { headers: { 'x-internal-api-key': admin } },
      ];
      for (const c of cases) {
        const res = await t.http.post('/t/job', {}, c);
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('UNAUTHORIZED');
      }
    });
  });

  describe('remote JWKS', () => {
    it('picks up a rotated key, and rate-limits re-fetches for unknown kids', async () => {
      await new Promise((r) => setTimeout(r, 2100)); // let the refetch window open
      published = [key, rotated];
      const before = jwks.hits;
      expect((await t.http.get('/t/me', { token: rotated.accessToken({ tenantId }) })).status).toBe(200);
      expect(jwks.hits - before).toBe(1);
      // A burst of unknown kids: at most one more fetch in the window, all refused.
      for (let i = 0; i < 10; i++) {
        const res = await t.http.get('/t/me', { token: stranger.accessToken({ tenantId, kid: `garbage-${i}` }) });
        expect(res.status).toBe(401);
      }
      expect(jwks.hits - before).toBeLessThanOrEqual(2);
    });

    it('keeps verifying from cached keys when auth-svc is down', async () => {
      const local = new RemoteJwksKeyResolver(jwks.url, { refreshIntervalSeconds: 0, minRefetchIntervalSeconds: 0 });
      expect(await local.getKey(key.kid)).not.toBeNull();
      await jwks.close();
      // Both the background refresh and an unknown-kid fetch fail; the known key still resolves.
      expect(await local.getKey('unknown')).toBeNull();
      expect(await local.getKey(key.kid)).not.toBeNull();
      // And the app keeps accepting fresh tokens signed with the cached key.
      const res = await t.http.get('/t/me', { token: token() });
      expect(res.status).toBe(200);
    });
  });
});
