import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Sector and country of operation of a tenant, as sign-up forms like NotifyHub's send them. */
export class TenantSectorCountry1795990000000 implements MigrationInterface {
  name = 'TenantSectorCountry1795990000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tenants ADD COLUMN sector text`);
    // Only the normalised alpha-2 code is stored; the sign-up use case resolves names and alpha-3 codes to it.
    await q.query(`ALTER TABLE tenants ADD COLUMN country_code char(2) CHECK (country_code ~ '^[A-Z]{2}$')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tenants DROP COLUMN country_code`);
    await q.query(`ALTER TABLE tenants DROP COLUMN sector`);
  }
}
