import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { DatabaseModule, HealthModule, IdempotencyModule, RateLimitModule } from '#common';
import { AuthKitModule, HttpCredentialIntrospector, RemoteJwksKeyResolver, RevocationFeedClient } from '#auth-kit';
import { NOTIFY_CONFIG, type NotifyConfig } from './config/notify-config.js';
import { notifyEntities } from './database/entities.js';
import { notifyMigrations } from './database/migrations/index.js';
import { AdminModule } from './admin/admin.module.js';
import { DeliveriesModule } from './deliveries/deliveries.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { MeModule } from './me/me.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { PreferencesModule } from './preferences/preferences.module.js';
import { QuotasModule } from './quotas/quotas.module.js';
import { SuppressionsModule } from './suppressions/suppressions.module.js';
import { TemplatesModule } from './templates/templates.module.js';
import { TenancyModule } from './tenancy/tenancy.module.js';
import { TenantDb } from './tenancy/tenant-db.js';
import { ThrottlingModule } from './throttling/throttling.module.js';

@Module({})
export class AppModule {
  static forRoot(config: NotifyConfig): DynamicModule {
    const introspectionKey = config.AUTH_INTROSPECTION_KEY ?? config.INTERNAL_API_KEYS[0];
    const authLog = new Logger('auth-kit');
    const keyResolver = new RemoteJwksKeyResolver(config.AUTH_JWKS_URL, {
      refreshIntervalSeconds: config.AUTH_JWKS_REFRESH,
      minRefetchIntervalSeconds: config.AUTH_JWKS_MIN_REFETCH,
      onError: (err) => authLog.warn(`JWKS fetch from ${config.AUTH_JWKS_URL} failed (cached keys stay in use): ${String(err)}`),
    });
    return {
      module: AppModule,
      global: true,
      imports: [
        DatabaseModule.forRoot({
          url: config.NOTIFY_DATABASE_URL,
          poolSize: config.DB_POOL_SIZE,
          entities: notifyEntities,
          migrations: notifyMigrations,
          applicationName: 'notify-svc',
          runMigrations: config.MIGRATIONS_RUN,
        }),
        HealthModule.forRoot({
          inject: [TenantDb],
          // The queue is the outbox table: ready means workers and senders can reach it.
          useFactory: (db: TenantDb) => [
            { name: 'queue', check: () => db.system((sql) => sql.exec('SELECT 1 FROM delivery_outbox LIMIT 1')).then(() => undefined) },
          ],
        }),
        AuthKitModule.forRootAsync({
          useFactory: () => {
            // Warm the key cache so the first request does not wait for auth-svc.
            void keyResolver.refresh();
            return {
              issuer: config.AUTH_ISSUER,
              audience: config.AUTH_AUDIENCE,
              internalApiKeys: config.INTERNAL_API_KEYS,
              tokenCacheSize: config.TOKEN_CACHE_SIZE,
              keyResolver,
              introspector: introspectionKey
                ? new HttpCredentialIntrospector(config.AUTH_INTROSPECTION_URL, introspectionKey, {
                    cacheTtlSeconds: config.INTROSPECTION_CACHE_TTL,
                    negativeCacheTtlSeconds: config.INTROSPECTION_NEGATIVE_CACHE_TTL,
                  })
                : undefined,
              revocations: introspectionKey
                ? new RevocationFeedClient(config.AUTH_REVOCATIONS_URL, introspectionKey, {
                    intervalSeconds: config.AUTH_REVOCATION_POLL,
                    onError: (err) => authLog.warn(`revocation feed ${config.AUTH_REVOCATIONS_URL} unreachable: ${String(err)}`),
                  })
                : undefined,
            };
          },
        }),
        RateLimitModule.forRoot({ redisUrl: config.REDIS_URL }),
        // Its global guard must come after the auth kit's (registration order), and guards run before
        // the per-route Idempotency interceptor, so a refused request never claims a key.
        ThrottlingModule,
        IdempotencyModule.forRoot({ ttlSeconds: config.IDEMPOTENCY_TTL }),
        TenancyModule,
        QuotasModule,
        MetricsModule,
        MeModule,
        DeliveriesModule,
        TemplatesModule,
        PreferencesModule,
        SuppressionsModule,
        NotificationsModule,
        AdminModule,
        JobsModule,
      ],
      providers: [{ provide: NOTIFY_CONFIG, useValue: config }],
      exports: [NOTIFY_CONFIG],
    };
  }
}
