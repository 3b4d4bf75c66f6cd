import type { DataSource } from 'typeorm';

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

export interface ReadinessCheck {
  name: string;
  /** Resolves when healthy; rejects with a short reason otherwise. */
  check(): Promise<void>;
}

export function databaseChecks(dataSource: DataSource): ReadinessCheck[] {
  return [
    {
      name: 'database',
      check: async () => {
        await dataSource.query('SELECT 1');
      },
    },
    {
      name: 'migrations',
      check: async () => {
        if (await dataSource.showMigrations()) throw new Error('pending migrations');
      },
    },
  ];
}
