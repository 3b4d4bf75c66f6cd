import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource, EntitySchema } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '#testing';
import { paginate } from './paginate.js';
import { encodeCursor } from './cursor.js';
import { toErrorResponse } from '../errors/to-error-response.js';

interface Item {
  id: string;
  createdAt: Date;
}
const ItemSchema = new EntitySchema<Item>({
  name: 'item',
  tableName: 'items',
  columns: { id: { type: 'uuid', primary: true }, createdAt: { name: 'created_at', type: 'timestamptz' } },
});

describe('paginate (keyset) against PostgreSQL', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('page');
    ds = await new DataSource({ type: 'postgres', url: db.url, entities: [ItemSchema] }).initialize();
    await ds.query('CREATE TABLE items (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), created_at timestamptz NOT NULL)');
    // 250 rows, many sharing a millisecond but not a microsecond, and some sharing the exact instant.
    await ds.query(`INSERT INTO items (created_at)
      SELECT timestamptz '2026-01-01 00:00:00+00' + (g / 3) * interval '1 millisecond' + (g % 3) * interval '1 microsecond' * (g % 2)
      FROM generate_series(1, 250) g`);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it.each([
    ['DESC', 7],
    ['ASC', 20],
    ['DESC', 100],
  ] as const)('walks 250 rows %s, %d per page, with no duplicate and no gap', async (direction, limit) => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await paginate(
        ds.getRepository(ItemSchema).createQueryBuilder('i'),
        { limit, cursor },
        { sortColumn: 'i.created_at', idColumn: 'i.id', direction },
      );
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
      expect(page.items.length).toBeLessThanOrEqual(limit);
      pages++;
    } while (cursor && pages < 1000);
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    expect(pages).toBe(Math.ceil(250 / limit));
  });

  it('refuses a forged cursor with 400, not a database error', async () => {
    const forged = encodeCursor({ v: 'not a timestamp', id: '00000000-0000-0000-0000-000000000000' });
    const err = await paginate(
      ds.getRepository(ItemSchema).createQueryBuilder('i'),
      { cursor: forged },
      { sortColumn: 'i.created_at', idColumn: 'i.id' },
    ).catch((e: unknown) => e);
    expect(toErrorResponse(err)).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });
});
