import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TENANT_TABLES } from './1796000000000-notify-core.js';

/** The role tenant transactions switch to when the service's own login bypasses row-level security. */
export const RLS_ROLE = 'notify_tenant_rls';

/**
 * Superusers (the usual dev and test login) and BYPASSRLS roles skip row-level security even
 * with FORCE. So tenant transactions `SET LOCAL ROLE` to this plain role, which holds only table
 * privileges. When the login cannot create roles, nothing is created: such a login is an
 * ordinary owner, for whom FORCE ROW LEVEL SECURITY already applies the policies.
 */
export class NotifyRlsRole1796000000001 implements MigrationInterface {
  name = 'NotifyRlsRole1796000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$
      DECLARE me record;
      BEGIN
        SELECT rolsuper, rolcreaterole INTO me FROM pg_roles WHERE rolname = current_user;
        IF NOT (me.rolsuper OR me.rolcreaterole) THEN RETURN; END IF;
        BEGIN
          CREATE ROLE ${RLS_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; -- another database of the cluster made it
        END;
        IF NOT pg_has_role(current_user, '${RLS_ROLE}', 'MEMBER') THEN
          EXECUTE format('GRANT ${RLS_ROLE} TO %I', current_user);
        END IF;
        GRANT USAGE ON SCHEMA public TO ${RLS_ROLE};
        EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ${TENANT_TABLES.join(', ')} TO ${RLS_ROLE}';
        GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${RLS_ROLE};
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${RLS_ROLE}') THEN
          EXECUTE 'REVOKE ALL ON ${TENANT_TABLES.join(', ')} FROM ${RLS_ROLE}';
          REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${RLS_ROLE};
          REVOKE USAGE ON SCHEMA public FROM ${RLS_ROLE};
        END IF;
      END $$`);
  }
}
