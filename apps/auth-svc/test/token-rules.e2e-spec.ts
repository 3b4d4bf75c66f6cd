import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, type DynamicModule } from '@nestjs/common';
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { type Principal } from '#common';
import { AuthKitModule, CurrentUser, RemoteJwksKeyResolver } from '#auth-kit';
import { signRs256, startTestApp, type TestApp } from '#testing';
import { SigningKeyStore } from '../src/keys/signing-key.store.js';
import { TokenService } from '../src/tokens/token.service.js';
import { decodeHeader, decodePayload, INTERNAL_KEY, signup, startAuth, type AuthTestEnv, type SignedUp } from './support/auth-test-kit.js';

@Controller('t')
class ProbeController {
  @Get('me')
  me(@CurrentUser() p: Principal) {
    return { kind: p.kind };
  }
}
@Module({})
class ProbeModule {}

type Verdict = 'accepted' | 'refused';
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/**
 * One set of token rules: every forged or edge-case token gets the same verdict from the kit's
 * guard (auth-svc's own routes, and a resource service verifying against the remote JWKS), from
 * auth-svc's introspection, and, for refresh tokens, from the refresh path's verification.
 */
describe('the same token rules on every path', () => {
  let auth: AuthTestEnv;
  let resource: TestApp;
  let owner: SignedUp;
  let kid: string;
  let privateKey: KeyObject;
  let publicKey: KeyObject;
  let access: Record<string, unknown>;
  let refresh: Record<string, unknown>;
  const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 });

  beforeAll(async () => {
    auth = await startAuth();
    owner = await signup(auth.http);
    const active = auth.t.app.get(SigningKeyStore).signingKey();
    kid = active.kid;
    privateKey = active.privateKey;
    publicKey = (await auth.t.app.get(SigningKeyStore).getKey(kid))!;
    expect(decodeHeader(owner.accessToken).kid).toBe(kid);
    access = decodePayload(owner.accessToken);
    refresh = decodePayload(owner.refreshToken);
    const resolver = new RemoteJwksKeyResolver(`${auth.t.baseUrl}/.well-known/jwks.json`);
    const module: DynamicModule = {
      module: ProbeModule,
      imports: [
        AuthKitModule.forRootAsync({
          useFactory: () => ({
            issuer: auth.config.AUTH_ISSUER,
            audience: auth.config.AUTH_AUDIENCE,
            internalApiKeys: [],
            keyResolver: resolver,
          }),
        }),
      ],
      controllers: [ProbeController],
    };
    resource = await startTestApp(module);
  });
  afterAll(async () => {
    await resource?.close();
    await auth?.close();
  });

  // The real session's claims, re-signed with changes: only the change under test can make a difference.
  const accessWith = (over: Record<string, unknown> = {}, header: Record<string, unknown> = {}, key = privateKey) =>
    signRs256({ alg: 'RS256', typ: 'at+jwt', kid, ...header }, { ...access, iat: now(), exp: now() + 600, ...over }, key);
  const refreshWith = (over: Record<string, unknown> = {}, header: Record<string, unknown> = {}, key = privateKey) =>
    signRs256({ alg: 'RS256', typ: 'refresh+jwt', kid, ...header }, { ...refresh, ...over }, key);
  const nonCanonical = (token: string) => {
    const sig = token.slice(token.lastIndexOf('.') + 1);
    const bytes = Buffer.from(sig, 'base64url');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (const c of alphabet) {
      const other = sig.slice(0, -1) + c;
      if (other !== sig && Buffer.from(other, 'base64url').equals(bytes)) return token.slice(0, token.length - 1) + c;
    }
    throw new Error('the signature has no unused bits');
  };
  const hs256 = (payload: Record<string, unknown>) => {
    const input = `${b64({ alg: 'HS256', typ: 'at+jwt', kid })}.${b64(payload)}`;
    const pem = publicKey.export({ type: 'spki', format: 'pem' });
    return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
  };

  const asAccess = async (token: string): Promise<Verdict[]> => {
    const own = await auth.http.get('/auth/v1/tenant', { token });
    const remote = await resource.http.get('/t/me', { token });
    const intro = await auth.http.post('/auth/v1/introspect', { token }, { headers: { 'x-internal-api-key': INTERNAL_KEY } });
    for (const r of [own, remote]) expect([200, 401]).toContain(r.status);
    expect(intro.status).toBe(200);
    return [
      own.status === 200 ? 'accepted' : 'refused',
      remote.status === 200 ? 'accepted' : 'refused',
      intro.body.active === true && intro.body.token_type === 'access_token' ? 'accepted' : 'refused',
    ];
  };
  const asRefresh = async (token: string): Promise<Verdict[]> => {
    const verified = await auth.t.app
      .get(TokenService)
      .verifyRefreshToken(token)
      .then(
        () => 'accepted' as const,
        () => 'refused' as const,
      );
    const intro = await auth.http.post(
      '/auth/v1/introspect',
      { token, token_type_hint: 'refresh_token' },
      { headers: { 'x-internal-api-key': INTERNAL_KEY } },
    );
    return [verified, intro.body.active === true && intro.body.token_type === 'refresh_token' ? 'accepted' : 'refused'];
  };

  const accessCases: Array<[string, () => string, Verdict]> = [
    ['the genuine access token', () => owner.accessToken, 'accepted'],
    ['its claims re-signed with the real key', () => accessWith(), 'accepted'],
    ['typ application/at+jwt', () => accessWith({}, { typ: 'application/at+jwt' }), 'accepted'],
    ['typ JWT', () => accessWith({}, { typ: 'JWT' }), 'refused'],
    ['alg none', () => `${b64({ alg: 'none', typ: 'at+jwt', kid })}.${b64({ ...access, exp: now() + 600 })}.`, 'refused'],
    ['HS256 signed with the public key', () => hs256({ ...access, exp: now() + 600 }), 'refused'],
    ['a foreign key under the real kid', () => accessWith({}, {}, foreign.privateKey), 'refused'],
    ['a jku header', () => accessWith({}, { jku: 'http://127.0.0.1:1/jwks.json' }), 'refused'],
    ['an x5u header', () => accessWith({}, { x5u: 'http://127.0.0.1:1/cert.pem' }), 'refused'],
    [
      'an embedded jwk of a foreign key',
      () => accessWith({}, { jwk: foreign.publicKey.export({ format: 'jwk' }) }, foreign.privateKey),
      'refused',
    ],
    ['an embedded jwk of the real key', () => accessWith({}, { jwk: publicKey.export({ format: 'jwk' }) }), 'refused'],
    // 25 s, not 29: the three paths are checked one after another, which took over a second once under a full parallel run.
    ['expired 25 s ago (within the tolerance)', () => accessWith({ exp: now() - 25 }), 'accepted'],
    ['expired 31 s ago', () => accessWith({ exp: now() - 31 }), 'refused'],
    ['nbf 10 s ahead (within the tolerance)', () => accessWith({ nbf: now() + 10 }), 'accepted'],
    ['nbf 120 s ahead', () => accessWith({ nbf: now() + 120 }), 'refused'],
    ['a wrong audience', () => accessWith({ aud: 'someone-else' }), 'refused'],
    ['a wrong issuer', () => accessWith({ iss: 'http://evil.test' }), 'refused'],
    ['no exp', () => accessWith({ exp: undefined }), 'refused'],
    ['the refresh token as an access token', () => owner.refreshToken, 'refused'],
    ['refresh claims under typ at+jwt', () => accessWith({ ...refresh, roles: undefined }), 'refused'],
    ['a non-canonical signature encoding', () => nonCanonical(owner.accessToken), 'refused'],
  ];

  it.each(accessCases)('access: %s', async (_name, make, expected) => {
    expect(await asAccess(make())).toEqual([expected, expected, expected]);
  });

  const refreshCases: Array<[string, () => string, Verdict]> = [
    ['the genuine refresh token', () => owner.refreshToken, 'accepted'],
    ['the access token as a refresh token', () => owner.accessToken, 'refused'],
    ['alg none', () => `${b64({ alg: 'none', typ: 'refresh+jwt', kid })}.${b64(refresh)}.`, 'refused'],
    ['a foreign key under the real kid', () => refreshWith({}, {}, foreign.privateKey), 'refused'],
    ['a jku header', () => refreshWith({}, { jku: 'http://127.0.0.1:1/jwks.json' }), 'refused'],
    ['expired 31 s ago', () => refreshWith({ exp: now() - 31 }), 'refused'],
    ['nbf 120 s ahead', () => refreshWith({ nbf: now() + 120 }), 'refused'],
    ['a wrong audience', () => refreshWith({ aud: 'someone-else' }), 'refused'],
    ['a non-canonical signature encoding', () => nonCanonical(owner.refreshToken), 'refused'],
  ];

  it.each(refreshCases)('refresh: %s', async (_name, make, expected) => {
    expect(await asRefresh(make())).toEqual([expected, expected]);
  });

  it('refuses a non-canonical refresh token on /refresh itself, and the genuine one still works after', async () => {
    const res = await auth.http.post('/auth/v1/refresh', { refreshToken: nonCanonical(owner.refreshToken) });
    expect(res.status).toBe(401);
    expect((await auth.http.post('/auth/v1/refresh', { refreshToken: owner.refreshToken })).status).toBe(200);
  });
});
