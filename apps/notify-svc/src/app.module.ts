import { Module, type DynamicModule } from '@nestjs/common';
import { DatabaseModule, HealthModule } from '#common';
import { NOTIFY_CONFIG, type NotifyConfig } from './config/notify-config.js';
import { notifyEntities } from './database/entities.js';
import { notifyMigrations } from './database/migrations/index.js';

@Module({})
export class AppModule {
  static forRoot(config: NotifyConfig): DynamicModule {
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
        HealthModule.forRoot(),
      ],
      providers: [{ provide: NOTIFY_CONFIG, useValue: config }],
      exports: [NOTIFY_CONFIG],
    };
  }
}
