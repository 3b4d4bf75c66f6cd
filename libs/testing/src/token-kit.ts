import { generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** Signs a JWT with RS256 over node:crypto (tests craft every token themselves, good or bad). */
export function signRs256(header: Record<string, unknown>, payload: Record<string, unknown>, privateKey: KeyObject): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

export interface AccessTokenInput {
  sub?: string;
  tenantId?: string;
  roles?: string[];
  email?: string;
  planTier?: string;
  /** Seconds from now; negative for an expired token. Default 900. */
  expiresIn?: number;
  iss?: string;
  aud?: string;
  typ?: string;
  kid?: string;
  extra?: Record<string, unknown>;
  header?: Record<string, unknown>;
}

/** A real RSA key pair that signs access tokens the way auth-svc does. */
export class TestSigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;

  constructor(
    readonly issuer: string,
    readonly audience: string,
    kid?: string,
  ) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
    this.kid = kid ?? `test-${randomBytes(6).toString('hex')}`;
  }

  jwk(): Record<string, unknown> {
    return { ...(this.publicKey.export({ format: 'jwk' }) as object), kid: this.kid, alg: 'RS256', use: 'sig' };
  }

  accessToken(i: AccessTokenInput = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      iss: i.iss ?? this.issuer,
      aud: i.aud ?? this.audience,
      sub: i.sub ?? randomUUID(),
      tenantId: i.tenantId ?? randomUUID(),
      email: i.email ?? 'someone@example.com',
      roles: i.roles ?? ['user'],
      planTier: i.planTier ?? 'free',
      iat: now,
      exp: now + (i.expiresIn ?? 900),
      jti: randomUUID(),
      ...(i.extra ?? {}),
    };
    const header = { alg: 'RS256', typ: i.typ ?? 'at+jwt', kid: i.kid ?? this.kid, ...(i.header ?? {}) };
    return signRs256(header, payload, this.privateKey);
  }
}

export interface RunningServer {
  url: string;
  /** Requests received so far. */
  hits: number;
  close(): Promise<void>;
}

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => handler(req, res, body));
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A real JWKS endpoint serving whatever keys the test holds at the moment of each request. */
export async function startJwksServer(keys: () => TestSigningKey[]): Promise<RunningServer> {
  const state = { hits: 0 };
  const { server, url } = await listen((_req, res) => {
    state.hits++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: keys().map((k) => k.jwk()) }));
  });
  return {
    url: `${url}/.well-known/jwks.json`,
    get hits() {
      return state.hits;
    },
    close: () => closeServer(server),
  };
}

export interface IntrospectionAnswer {
  active: true;
  token_type: 'api_key' | 'personal_token';
  sub: string;
  tenantId: string;
  roles: string[];
  scope?: string;
  exp?: number;
  iat?: number;
  client_id?: string;
  planTier?: string;
  email?: string;
}

export interface FakeIntrospectionServer extends RunningServer {
  /** Registers an active credential; returns the credential string. */
  register(token: string, answer: Omit<IntrospectionAnswer, 'active'>): string;
  revoke(token: string): void;
}

/**
 * Follows the introspection contract of auth-svc (RFC 7662): POST with x-internal-api-key, JSON or
 * form body `token`, `token_type_hint`; `{active:false}` for anything unknown; 401 in the envelope
 * without the right internal key.
 */
export async function startFakeIntrospectionServer(internalKey: string): Promise<FakeIntrospectionServer> {
  const active = new Map<string, Omit<IntrospectionAnswer, 'active'>>();
  const state = { hits: 0 };
  const { server, url } = await listen((req, res, body) => {
    state.hits++;
    res.setHeader('content-type', 'application/json');
    if (req.method !== 'POST' || req.url !== '/auth/v1/introspect') {
      res.writeHead(404).end(JSON.stringify({ data: null, error: { code: 'NOT_FOUND', message: 'Not found' } }));
      return;
    }
    if (req.headers['x-internal-api-key'] !== internalKey) {
      res.writeHead(401).end(JSON.stringify({ data: null, error: { code: 'UNAUTHORIZED', message: 'Internal key required' } }));
      return;
    }
    let token: unknown;
    if ((req.headers['content-type'] ?? '').includes('application/json')) token = (JSON.parse(body || '{}') as { token?: unknown }).token;
    else token = new URLSearchParams(body).get('token');
    const answer = typeof token === 'string' ? active.get(token) : undefined;
    res.writeHead(200).end(JSON.stringify(answer ? { active: true, ...answer } : { active: false }));
  });
  return {
    url: `${url}/auth/v1/introspect`,
    get hits() {
      return state.hits;
    },
    register(token, answer) {
      active.set(token, { iat: Math.floor(Date.now() / 1000), ...answer });
      return token;
    },
    revoke(token) {
      active.delete(token);
    },
    close: () => closeServer(server),
  };
}

/** Credential strings in the formats auth-svc issues. */
export const fakeCredential = {
  apiKey: () => `nk_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`,
  personalToken: () => `pat_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`,
};
