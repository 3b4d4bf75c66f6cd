import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fewer index writes per accepted delivery: the outbox is keyed by its delivery (one row each)
 * and events by (delivery, sequence), so each table keeps one index fewer on the send path.
 */
export class NotifyLeanQueueIndexes1796000000002 implements MigrationInterface {
  name = 'NotifyLeanQueueIndexes1796000000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delivery_outbox DROP CONSTRAINT delivery_outbox_pkey`);
    await q.query(`ALTER TABLE delivery_outbox DROP CONSTRAINT delivery_outbox_delivery_id_key`);
    await q.query(`ALTER TABLE delivery_outbox DROP COLUMN id`);
    await q.query(`ALTER TABLE delivery_outbox ADD PRIMARY KEY (delivery_id)`);
    await q.query(`ALTER TABLE delivery_events DROP CONSTRAINT delivery_events_pkey`);
    await q.query(`DROP INDEX delivery_events_delivery_idx`);
    await q.query(`ALTER TABLE delivery_events ADD PRIMARY KEY (delivery_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delivery_events DROP CONSTRAINT delivery_events_pkey`);
    await q.query(`ALTER TABLE delivery_events ADD PRIMARY KEY (id)`);
    await q.query(`CREATE INDEX delivery_events_delivery_idx ON delivery_events (delivery_id, id)`);
    await q.query(`ALTER TABLE delivery_outbox DROP CONSTRAINT delivery_outbox_pkey`);
    await q.query(`ALTER TABLE delivery_outbox ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY`);
    await q.query(`ALTER TABLE delivery_outbox ADD CONSTRAINT delivery_outbox_delivery_id_key UNIQUE (delivery_id)`);
  }
}
