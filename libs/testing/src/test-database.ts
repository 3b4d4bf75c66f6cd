import { randomBytes } from 'node:crypto';
import { dropDatabase, ensureDatabase, withDatabase } from '#common';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database for one test file, on the run's PostgreSQL server. */
export async function createTestDatabase(prefix = 't'): Promise<TestDatabase> {
  const server = process.env.TEST_PG_SERVER_URL;
  if (!server) throw new Error('TEST_PG_SERVER_URL is not set: run e2e tests through jest (global setup)');
  const name = `${prefix}_${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(5).toString('hex')}`;
  const url = withDatabase(server, name);
  await ensureDatabase(url);
  return { url, drop: () => dropDatabase(url) };
}
