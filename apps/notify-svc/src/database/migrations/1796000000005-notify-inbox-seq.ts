import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RLS_ROLE } from './1796000000001-notify-rls-role.js';

/**
 * A monotonic sequence number per inbox item: the live stream's event id, so a reconnecting client
 * (Last-Event-ID) gets exactly the items after the last one it saw, on the (tenant, user, seq) index.
 */
export class NotifyInboxSeq1796000000005 implements MigrationInterface {
  name = 'NotifyInboxSeq1796000000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notifications ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY`);
    await q.query(`CREATE INDEX notifications_seq_idx ON notifications (tenant_id, user_id, seq)`);
    // The row-level-security role got the sequences that existed when it was made (migration 1).
    await q.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${RLS_ROLE}') THEN
          EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %s TO ${RLS_ROLE}', pg_get_serial_sequence('notifications', 'seq'));
        END IF;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS notifications_seq_idx`);
    await q.query(`ALTER TABLE notifications DROP COLUMN IF EXISTS seq`);
  }
}
