import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Provider receipts find their delivery across tenants: by the provider's message id (status
 * callbacks), and by the recipient's number on sms / whatsapp (inbound STOP / START). Both
 * partial, so email, push and webhook deliveries pay no index write for them.
 */
export class NotifyReceipts1796000000012 implements MigrationInterface {
  name = 'NotifyReceipts1796000000012';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX deliveries_provider_message_idx ON deliveries (provider_message_id) WHERE provider_message_id IS NOT NULL`);
    await q.query(
      `CREATE INDEX deliveries_phone_address_idx ON deliveries (channel, address, created_at DESC) WHERE channel IN ('sms', 'whatsapp')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX deliveries_phone_address_idx`);
    await q.query(`DROP INDEX deliveries_provider_message_idx`);
  }
}
