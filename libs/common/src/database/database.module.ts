import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ensureDatabase } from './database-admin.js';
import { runMigrationsLocked, typeOrmOptions, type DatabaseSettings } from './typeorm-options.js';

@Module({})
export class DatabaseModule {
  /** TypeORM on PostgreSQL; creates the database if allowed and applies migrations before serving. */
  static forRoot(settings: DatabaseSettings & { runMigrations: boolean }): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => typeOrmOptions(settings),
          dataSourceFactory: async (options) => {
            await ensureDatabase(settings.url).catch(() => undefined); // no CREATEDB right: the database must exist
            const ds = await new DataSource(options!).initialize();
            if (settings.runMigrations) await runMigrationsLocked(ds);
            return ds;
          },
        }),
      ],
    };
  }
}
