import { Module, type DynamicModule } from '@nestjs/common';
import { DatabaseModule, DIRECT_ROUTES, HealthModule, RateLimitModule } from '#common';
import { AuthKitModule } from '#auth-kit';
import { AccountsModule } from './accounts/accounts.module.js';
import { ActorsModule } from './actors/actors.module.js';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AUTH_CONFIG, type AuthConfig } from './config/auth-config.js';
import { authEntities } from './database/entities.js';
import { authMigrations } from './database/migrations/index.js';
import { UnitOfWork } from './database/unit-of-work.js';
import { GoogleModule } from './google/google.module.js';
import { IntrospectionModule } from './introspection/introspection.module.js';
import { LocalCredentialIntrospector } from './introspection/local-credential.introspector.js';
import { wellKnownRoutes } from './keys/keys.controller.js';
import { KeysModule } from './keys/keys.module.js';
import { PersonalTokensModule } from './personal-tokens/personal-tokens.module.js';
import { SigningKeyStore } from './keys/signing-key.store.js';
import { LocalRevocationList } from './revocations/local-revocation.list.js';
import { RevocationEventsModule } from './revocations/revocation-events.module.js';
import { RevocationsModule } from './revocations/revocations.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { TenantsModule } from './tenants/tenants.module.js';
import { TokensModule } from './tokens/tokens.module.js';
import { UsersModule } from './users/users.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        DatabaseModule.forRoot({
          url: config.AUTH_DATABASE_URL,
          poolSize: config.DB_POOL_SIZE,
          entities: authEntities,
          migrations: authMigrations,
          applicationName: 'auth-svc',
          runMigrations: config.MIGRATIONS_RUN,
        }),
        HealthModule.forRoot(),
        RevocationEventsModule,
        ActorsModule,
        RateLimitModule.forRoot({ redisUrl: config.REDIS_URL, databaseUrl: config.AUTH_DATABASE_URL, applicationName: 'auth-svc' }),
        // auth-svc verifies its own access tokens with its own key store: no HTTP to itself.
        AuthKitModule.forRootAsync({
          // API keys and personal tokens are checked against auth-svc's own tables (no HTTP either).
          // Ended sessions and deactivated users from its own database, polled (no query per request).
          imports: [KeysModule, IntrospectionModule, RevocationsModule],
          inject: [SigningKeyStore, LocalCredentialIntrospector, LocalRevocationList],
          useFactory: (keys: SigningKeyStore, introspector: LocalCredentialIntrospector, revocations: LocalRevocationList) => ({
            issuer: config.AUTH_ISSUER,
            audience: config.AUTH_AUDIENCE,
            internalApiKeys: config.INTERNAL_API_KEYS,
            keyResolver: keys,
            introspector,
            revocations,
          }),
        }),
        AuditModule,
        KeysModule,
        TokensModule,
        UsersModule,
        TenantsModule,
        AccountsModule,
        SessionsModule,
        ApiKeysModule,
        PersonalTokensModule,
        IntrospectionModule,
        RevocationsModule,
        GoogleModule,
      ],
      providers: [
        { provide: AUTH_CONFIG, useValue: config },
        UnitOfWork,
        // Served by Fastify directly (HealthModule picks them up): JWKS and discovery.
        { provide: DIRECT_ROUTES, inject: [SigningKeyStore], useFactory: (keys: SigningKeyStore) => wellKnownRoutes(keys, config) },
      ],
      exports: [AUTH_CONFIG, DIRECT_ROUTES, UnitOfWork],
    };
  }
}
