// Jest global setup (plain ESM: it runs before any transform). One PostgreSQL server for the run:
// TEST_DATABASE_URL (a database on a real server) when set, otherwise an embedded PostgreSQL on a
// free port. Each test file then creates its own database on it (createTestDatabase).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../common/src/database/embedded-postgres.mjs';

export default async function globalSetup() {
  // Tests that run real worker processes (SIGKILL, several workers) start them from dist/.
  execFileSync(process.execPath, [path.resolve(import.meta.dirname, '../../../scripts/build-if-needed.mjs')], { stdio: 'inherit' });
  if (process.env.TEST_DATABASE_URL) {
    const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await client.connect();
    await client.end();
    process.env.TEST_PG_SERVER_URL = process.env.TEST_DATABASE_URL;
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-test-'));
  const handle = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data') });
  process.env.TEST_PG_SERVER_URL = handle.url('postgres');
  globalThis.__embeddedPg = { handle, dir };
}
