import type { DataSource, DataSourceOptions, MixedList, EntitySchema } from 'typeorm';

export interface DatabaseSettings {
  url: string;
  poolSize: number;
  entities: MixedList<Function | string | EntitySchema>;
  migrations: MixedList<Function | string>;
  applicationName: string;
  /**
   * pg's pipeline mode: a connection sends the statements queued on it without waiting for each
   * answer (notify-svc's shared transactions run their steps side by side on one connection).
   */
  pipeline?: boolean;
}

export function typeOrmOptions(s: DatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: s.url,
    entities: s.entities,
    migrations: s.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    applicationName: s.applicationName,
    extra: { max: s.poolSize, connectionTimeoutMillis: 5000, ...(s.pipeline ? { pipeline: true } : {}) },
  };
}

const MIGRATION_LOCK_KEY = 727_001;

/**
 * Applies pending migrations while holding a PostgreSQL advisory lock, so several instances
 * starting at once apply each migration exactly once.
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
