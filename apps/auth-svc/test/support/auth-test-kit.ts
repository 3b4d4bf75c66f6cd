import { randomBytes } from 'node:crypto';
import { expect } from '@jest/globals';
import { createTestDatabase, startTestApp, type HttpClient, type TestApp, type TestDatabase } from '#testing';
import { AppModule } from '../../src/app.module.js';
import { loadAuthConfig, type AuthConfig } from '../../src/config/auth-config.js';

export const INTERNAL_KEY = 'test-internal-key-0123456789abcdef';

/** Test configuration: cheap bcrypt, generous rate limits; each test file overrides what it checks. */
export function authTestConfig(databaseUrl: string, overrides: Record<string, string> = {}): AuthConfig {
  return loadAuthConfig({
    NODE_ENV: 'test',
    AUTH_DATABASE_URL: databaseUrl,
    BCRYPT_COST: '4',
    INTERNAL_API_KEYS: INTERNAL_KEY,
    AUTH_ISSUER: 'http://auth.test',
    AUTH_AUDIENCE: 'notify-platform-test',
    RATE_LIMIT_SIGNUP: '10000/1m',
    RATE_LIMIT_LOGIN: '10000/1m',
    RATE_LIMIT_REFRESH: '10000/1m',
    LOGIN_IP_MAX_FAILURES: '10000/1m',
    ...overrides,
  });
}

export interface AuthTestEnv {
  db: TestDatabase;
  t: TestApp;
  http: HttpClient;
  config: AuthConfig;
  close(): Promise<void>;
}

/** A fresh database and a booted auth-svc on it. */
export async function startAuth(
  overrides: Record<string, string> = {},
  db?: TestDatabase,
  app: Parameters<typeof startTestApp>[1] = {},
): Promise<AuthTestEnv> {
  const database = db ?? (await createTestDatabase('auth'));
  const config = authTestConfig(database.url, overrides);
  const t = await startTestApp(AppModule.forRoot(config), app);
  return {
    db: database,
    t,
    http: t.http,
    config,
    close: async () => {
      await t.close();
      if (!db) await database.drop();
    },
  };
}

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}@example.com`;
}

export interface SignedUp {
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  userId: string;
  tenantId: string;
  body: any;
}

/** Signs up a new tenant owner (admin); returns its tokens and ids. */
export async function signup(http: HttpClient, overrides: Record<string, unknown> = {}): Promise<SignedUp> {
  const email = (overrides.email as string) ?? uniqueEmail();
  const password = (overrides.password as string) ?? 'correct horse battery';
  const res = await http.post('/auth/v1/signup', { name: 'Test Owner', ...overrides, email, password });
  expect(res.status).toBe(201);
  const d = res.body.data;
  return {
    email,
    password,
    accessToken: d.accessToken,
    refreshToken: d.refreshToken,
    expiresIn: d.expiresIn,
    userId: d.user.id,
    tenantId: d.tenant.id,
    body: res.body,
  };
}

export async function login(http: HttpClient, email: string, password: string) {
  return http.post('/auth/v1/login', { email, password });
}

/** An admin adds a member with the given roles; returns the member's login. */
export async function addMember(http: HttpClient, adminToken: string, roles: string[] = ['user'], password = 'member password 1') {
  const email = uniqueEmail('member');
  const res = await http.post('/auth/v1/users', { email, password, roles }, { token: adminToken });
  expect(res.status).toBe(201);
  const session = await login(http, email, password);
  expect(session.status).toBe(200);
  return {
    id: res.body.data.id as string,
    email,
    password,
    accessToken: session.body.data.accessToken as string,
    refreshToken: session.body.data.refreshToken as string,
  };
}

export function decodePayload(jwt: string): Record<string, any> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));
}

export function decodeHeader(jwt: string): Record<string, any> {
  return JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString('utf8'));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
