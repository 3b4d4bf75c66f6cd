import { Module, type DynamicModule } from '@nestjs/common';
import { DatabaseModule, HealthModule, RateLimitModule } from '#common';
import { AuditModule } from './audit/audit.module.js';
import { AUTH_CONFIG, type AuthConfig } from './config/auth-config.js';
import { authEntities } from './database/entities.js';
import { authMigrations } from './database/migrations/index.js';
import { KeysModule } from './keys/keys.module.js';
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
        RateLimitModule.forRoot({ redisUrl: config.REDIS_URL }),
        AuditModule,
        KeysModule,
        TokensModule,
        UsersModule,
      ],
      providers: [{ provide: AUTH_CONFIG, useValue: config }],
      exports: [AUTH_CONFIG],
    };
  }
}
