import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { DatabaseModule, HealthModule, IdempotencyModule, LiveModule, RateLimitModule } from '#common';
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
import { UnitOfWorkModule } from './database/unit-of-work.module.js';
import { SecretCipherModule } from './crypto/secret-cipher.module.js';
import { UnitOfWork } from './database/unit-of-work.js';
import { UnitOfWorkIdempotency } from './database/unit-of-work-idempotency.js';
import { JobQueueModule } from './jobs/job-queue.module.js';
import { WebhookEndpointsModule } from './webhook-endpoints/webhook-endpoints.module.js';
import { PushRegistrationsModule } from './push-registrations/push-registrations.module.js';
import { ProviderAccountsModule } from './provider-accounts/provider-accounts.module.js';
import { ThrottlingModule } from './throttling/throttling.module.js';
import { TopicsModule } from './topics/topics.module.js';
import { ProviderCallbacksModule } from './provider-callbacks/provider-callbacks.module.js';
import { ContactsModule } from './contacts/contacts.module.js';
import { CampaignsModule } from './campaigns/campaigns.module.js';
import { WorkflowsModule } from './workflows/workflows.module.js';

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
          pipeline: true,
          runMigrations: config.MIGRATIONS_RUN,
        }),
        HealthModule.forRoot({
          inject: [UnitOfWork],
          // Ready means the queue (graphile-worker's schema) is installed and reachable.
          useFactory: (uow: UnitOfWork) => [
            {
              name: 'queue',
              check: () => uow.maintenance((tx) => tx.exec('SELECT 1 FROM graphile_worker.jobs LIMIT 1')).then(() => undefined),
            },
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
              // An open stream's API key or personal token is asked about again this often: a revocation
              // ends it within INTROSPECTION_CACHE_TTL plus this (new requests: within the TTL).
              streamRecheckSeconds: Math.min(5, Math.max(1, config.INTROSPECTION_CACHE_TTL)),
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
        RateLimitModule.forRoot({ redisUrl: config.REDIS_URL, databaseUrl: config.NOTIFY_DATABASE_URL, applicationName: 'notify-svc' }),
        LiveModule.forRoot({ databaseUrl: config.NOTIFY_DATABASE_URL, redisUrl: config.REDIS_URL, applicationName: 'notify-svc' }),
        // Its global guard must come after the auth kit's (registration order), and guards run before
        // the per-route Idempotency interceptor, so a refused request never claims a key.
        ThrottlingModule,
        UnitOfWorkModule,
        SecretCipherModule,
        IdempotencyModule.forRoot({ ttlSeconds: config.IDEMPOTENCY_TTL, transaction: { useClass: UnitOfWorkIdempotency } }),
        JobQueueModule,
        QuotasModule,
        MetricsModule,
        MeModule,
        DeliveriesModule,
        TemplatesModule,
        ContactsModule,
        CampaignsModule,
        WorkflowsModule,
        PreferencesModule,
        SuppressionsModule,
        NotificationsModule,
        AdminModule,
        JobsModule,
        WebhookEndpointsModule,
        PushRegistrationsModule,
        ProviderAccountsModule,
        TopicsModule,
        ProviderCallbacksModule,
      ],
      providers: [{ provide: NOTIFY_CONFIG, useValue: config }],
      exports: [NOTIFY_CONFIG],
    };
  }
}
