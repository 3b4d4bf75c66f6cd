import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, HttpClient, startTestApp, type TestApp, type TestDatabase } from '#testing';
import { INTERNAL_KEY, startAuth, type AuthTestEnv } from '../../../auth-svc/test/support/auth-test-kit.js';
import { AppModule as NotifyModule } from '../../../notify-svc/src/app.module.js';
import { loadNotifyConfig } from '../../../notify-svc/src/config/notify-config.js';
import { buildGateway } from '../../src/gateway.js';

/** auth-svc, notify-svc (trusting that auth-svc) and the gateway in front of both, on free ports. */
export interface PlatformStack {
  auth: AuthTestEnv;
  notify: TestApp;
  gateway: FastifyInstance;
  gatewayUrl: string;
  /** Clients for the three entry points, so a case can run directly and through the gateway. */
  direct: { auth: HttpClient; notify: HttpClient };
  viaGateway: HttpClient;
  close(): Promise<void>;
}

/** `notifyEnv`: more notify-svc settings (e.g. AUTH_REVOCATION_POLL, how often it polls auth-svc's revocation feed). */
export async function startPlatformStack(
  opts: { corsOrigins?: string[]; notifyEnv?: Record<string, string> } = {},
): Promise<PlatformStack> {
  const auth = await startAuth({}, undefined, { corsOrigins: opts.corsOrigins });
  let db: TestDatabase | undefined;
  let notify: TestApp | undefined;
  try {
    db = await createTestDatabase('notify_stack');
    notify = await startTestApp(
      NotifyModule.forRoot(
        loadNotifyConfig({
          NOTIFY_DATABASE_URL: db.url,
          AUTH_JWKS_URL: `${auth.t.baseUrl}/.well-known/jwks.json`,
          AUTH_INTROSPECTION_URL: `${auth.t.baseUrl}/auth/v1/introspect`,
          AUTH_REVOCATIONS_URL: `${auth.t.baseUrl}/auth/v1/revocations`,
          AUTH_ISSUER: auth.config.AUTH_ISSUER,
          AUTH_AUDIENCE: auth.config.AUTH_AUDIENCE,
          INTERNAL_API_KEYS: INTERNAL_KEY,
          ...opts.notifyEnv,
        }),
      ),
      { corsOrigins: opts.corsOrigins },
    );
    const gateway = await buildGateway({ AUTH_UPSTREAM_URL: auth.t.baseUrl, NOTIFY_UPSTREAM_URL: notify.baseUrl });
    await gateway.listen({ port: 0, host: '127.0.0.1' });
    const gatewayUrl = `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`;
    const n = notify;
    const d = db;
    return {
      auth,
      notify: n,
      gateway,
      gatewayUrl,
      direct: { auth: auth.http, notify: n.http },
      viaGateway: new HttpClient(gatewayUrl),
      close: async () => {
        await gateway.close();
        await n.close();
        await d.drop();
        await auth.close();
      },
    };
  } catch (err) {
    await notify?.close();
    await db?.drop();
    await auth.close();
    throw err;
  }
}
