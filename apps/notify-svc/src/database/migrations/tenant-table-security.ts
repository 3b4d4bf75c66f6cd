import type { QueryRunner } from 'typeorm';

export const RLS_ROLE = 'notify_tenant_rls';
export const MAINTENANCE_ROLE = 'notify_maintenance';

/**
 * What every tenant table gets once created: row-level security forced (even for the owner) with
 * the tenant policy (rows of `app.tenant_id` only, read and written), and the grants of the two
 * runtime roles when they exist (migration 1796000000001 creates them).
 */
export async function secureTenantTables(q: QueryRunner, tables: readonly string[]): Promise<void> {
  for (const table of tables) {
    await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
    await q.query(`
      CREATE POLICY ${table}_tenant_isolation ON ${table}
        USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
        WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)`);
  }
  await q.query(`
    DO $$
    BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${RLS_ROLE}') THEN
        EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ${tables.join(', ')} TO ${RLS_ROLE}';
      END IF;
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${MAINTENANCE_ROLE}') THEN
        EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ${tables.join(', ')} TO ${MAINTENANCE_ROLE}';
      END IF;
    END $$`);
}
