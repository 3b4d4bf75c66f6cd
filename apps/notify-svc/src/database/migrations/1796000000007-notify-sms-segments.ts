import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What an SMS costs, recorded at accept from its rendered text: the encoding (GSM-7 or UCS-2), the
 * characters and the segments (channels/sms/sms-segments.ts computes them; null on other channels).
 * Columns rather than JSON so usage can be summed by tenant and month.
 */
export class NotifySmsSegments1796000000007 implements MigrationInterface {
  name = 'NotifySmsSegments1796000000007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries
      ADD COLUMN sms_encoding text CHECK (sms_encoding IN ('GSM-7', 'UCS-2')),
      ADD COLUMN sms_characters integer CHECK (sms_characters >= 0),
      ADD COLUMN sms_segments integer CHECK (sms_segments >= 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE deliveries DROP COLUMN IF EXISTS sms_segments, DROP COLUMN IF EXISTS sms_characters, DROP COLUMN IF EXISTS sms_encoding`,
    );
  }
}
