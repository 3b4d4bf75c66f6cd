import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  createTestDatabase,
  eventually,
  fakeCredential,
  startFakeIntrospectionServer,
  startJwksServer,
  startTestApp,
  TestSigningKey,
  type FakeIntrospectionServer,
  type RunningServer,
  type TestApp,
  type TestDatabase,
} from '#testing';
import type { TestingModuleBuilder } from '@nestjs/testing';
import { AppModule } from '../../src/app.module.js';
import { loadNotifyConfig, type NotifyConfig } from '../../src/config/notify-config.js';

export const ISSUER = 'http://auth.test';
export const AUDIENCE = 'notify-e2e';
export const INTERNAL_KEY = 'internal-key-for-tests-0123456789abcdef';

export interface TestTenant {
  tenantId: string;
  adminId: string;
  organizerId: string;
  userId: string;
  /** Access tokens for this tenant's admin (all roles), organizer, and plain user. */
  admin: string;
  organizer: string;
  user: string;
  token(roles: string[], opts?: { sub?: string; email?: string; planTier?: string }): string;
  apiKey(scopes: string[], planTier?: string): string;
  pat(sub: string, roles: string[]): string;
}

/**
 * One notify-svc on a fresh database, with a real JWKS server (tokens signed in the test with a
 * real RSA key) and a fake introspection server that follows auth-svc's contract.
 */
export class NotifyTestEnv {
  private constructor(
    readonly t: TestApp,
    readonly db: TestDatabase,
    readonly key: TestSigningKey,
    readonly jwks: RunningServer,
    readonly introspection: FakeIntrospectionServer,
    readonly config: NotifyConfig,
  ) {}

  /** `override` swaps providers through Nest DI (e.g. a port another feature implements later). */
  static async start(
    env: Record<string, string> = {},
    override?: (b: TestingModuleBuilder) => TestingModuleBuilder,
  ): Promise<NotifyTestEnv> {
    const db = await createTestDatabase('notify');
    const key = new TestSigningKey(ISSUER, AUDIENCE);
    const jwks = await startJwksServer(() => [key]);
    const introspection = await startFakeIntrospectionServer(INTERNAL_KEY);
    const config = loadNotifyConfig({
      NOTIFY_DATABASE_URL: db.url,
      AUTH_JWKS_URL: jwks.url,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_INTROSPECTION_URL: introspection.url,
      INTERNAL_API_KEYS: `other-rotated-key-0123456789abcdef,${INTERNAL_KEY}`,
      AUTH_INTROSPECTION_KEY: INTERNAL_KEY,
      INTROSPECTION_CACHE_TTL: '1',
      // No revocation feed behind the fake introspection server: not polled.
      AUTH_REVOCATION_POLL: '0',
      DB_POOL_SIZE: '5',
      // Suites about the API see deliveries as accepted; the pipeline suites turn the workers on.
      WORKERS_ENABLED: 'false',
      ...env,
    });
    const t = await startTestApp(AppModule.forRoot(config), { override });
    return new NotifyTestEnv(t, db, key, jwks, introspection, config);
  }

  get http() {
    return this.t.http;
  }

  /** Reopens the app on the same database (a restart). */
  async restart(): Promise<void> {
    await this.t.close();
    (this as { t: TestApp }).t = await startTestApp(AppModule.forRoot(this.config));
  }

  tenant(planTier = 'enterprise'): TestTenant {
    const tenantId = randomUUID();
    const adminId = randomUUID();
    const organizerId = randomUUID();
    const userId = randomUUID();
    const token = (roles: string[], o: { sub?: string; email?: string; planTier?: string } = {}) =>
      this.key.accessToken({ tenantId, roles, sub: o.sub ?? randomUUID(), email: o.email, planTier: o.planTier ?? planTier });
    return {
      tenantId,
      adminId,
      organizerId,
      userId,
      admin: token(['user', 'organizer', 'admin'], { sub: adminId, email: `admin-${adminId}@example.com` }),
      organizer: token(['user', 'organizer'], { sub: organizerId, email: `org-${organizerId}@example.com` }),
      user: token(['user'], { sub: userId, email: `user-${userId}@example.com` }),
      token,
      apiKey: (scopes, tier = planTier) =>
        this.introspection.register(fakeCredential.apiKey(), {
          token_type: 'api_key',
          sub: `key-${randomUUID().slice(0, 8)}`,
          tenantId,
          roles: [],
          scope: scopes.join(' '),
          planTier: tier,
        }),
      pat: (sub, roles) =>
        this.introspection.register(fakeCredential.personalToken(), {
          token_type: 'personal_token',
          sub,
          tenantId,
          roles,
          planTier,
          exp: Math.floor(Date.now() / 1000) + 3600,
        }),
    };
  }

  /** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
  eventually<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
    return eventually(probe, timeoutMs, what);
  }

  /** The queue jobs (graphile-worker) waiting for these deliveries. */
  jobsFor(deliveryIds: string[], withRunAt = false): Promise<Array<Record<string, unknown>>> {
    return this.systemQuery(
      `SELECT j.key, t.identifier AS task_identifier, j.priority, j.payload${withRunAt ? ', j.run_at' : ''}
       FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE j.key = ANY($1) ORDER BY j.key`,
      [deliveryIds],
    );
  }

  /** A direct connection as the test login (a superuser: it sees every tenant), for assertions. */
  systemQuery<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return queryOnce<T>(this.db.url, sql, params);
  }

  async close(): Promise<void> {
    await this.t?.close();
    await this.jwks?.close();
    await this.introspection?.close();
    await this.db?.drop();
  }
}

/** One statement on its own connection to `url` (the test login there: a superuser), for setup and assertions. */
export async function queryOnce<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
