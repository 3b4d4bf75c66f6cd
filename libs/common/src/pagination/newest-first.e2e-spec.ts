import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '#testing';
import { encodeCursor } from './cursor.js';
import { newestFirst, type RowReader } from './newest-first.js';
import { ISO_TIMESTAMP_TYPES, type IsoDates } from '../database/iso-timestamps.js';
import { toErrorResponse } from '../errors/to-error-response.js';

interface Row {
  id: string;
  owner: string;
  created_at: Date;
}

describe('newestFirst (keyset over hand-written SQL) against PostgreSQL', () => {
  let db: TestDatabase;
  let client: pg.Client;
  let reader: RowReader;

  beforeAll(async () => {
    db = await createTestDatabase('newest');
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    reader = {
      view: async <T>(sql: string, params: unknown[] = []) =>
        (await client.query({ text: sql, values: params, types: ISO_TIMESTAMP_TYPES })).rows as IsoDates<T>[],
    };
    // Millisecond timestamps as notify-svc's tables keep them; three rows share each instant.
    await client.query(
      'CREATE TABLE things (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), owner text NOT NULL, created_at timestamptz(3) NOT NULL)',
    );
    await client.query(`INSERT INTO things (owner, created_at)
      SELECT CASE WHEN g % 4 = 0 THEN 'other' ELSE 'mine' END, timestamptz '2026-01-01 00:00:00+00' + (g / 3) * interval '1 millisecond'
      FROM generate_series(1, 200) g`);
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it.each([7, 50, 150])('walks the 150 rows of one owner, %d per page, newest first, no duplicate and no gap', async (limit) => {
    const seen: IsoDates<Row>[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await newestFirst<Row>(reader, {
        from: 'things t',
        alias: 't',
        cols: 't.*',
        where: 't.owner = $1',
        params: ['mine'],
        limit,
        cursor,
      });
      expect(page.items.length).toBeLessThanOrEqual(limit);
      seen.push(...page.items);
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 1000);
    expect(seen).toHaveLength(150);
    expect(new Set(seen.map((r) => r.id)).size).toBe(150);
    expect(seen.every((r) => r.owner === 'mine')).toBe(true);
    for (let i = 1; i < seen.length; i++)
      expect(Date.parse(seen[i - 1]!.created_at)).toBeGreaterThanOrEqual(Date.parse(seen[i]!.created_at));
    // Read for an answer: the timestamps come as the ISO strings it carries.
    expect(seen[0]!.created_at).toMatch(/^2026-01-01T00:00:00\.\d{3}Z$/);
    expect(pages).toBe(Math.ceil(150 / limit));
  });

  it("leaves the caller's params as they were", async () => {
    const params = ['mine'];
    const first = await newestFirst<Row>(reader, { from: 'things', cols: '*', where: 'owner = $1', params, limit: 5 });
    await newestFirst<Row>(reader, { from: 'things', cols: '*', where: 'owner = $1', params, limit: 5, cursor: first.nextCursor! });
    expect(params).toEqual(['mine']);
  });

  it('refuses a forged cursor with 400, not a database error', async () => {
    const forged = encodeCursor({ v: 'not a timestamp', id: '00000000-0000-0000-0000-000000000000' });
    const err = await newestFirst<Row>(reader, { from: 'things', cols: '*', where: 'true', params: [], limit: 5, cursor: forged }).catch(
      (e: unknown) => e,
    );
    expect(toErrorResponse(err)).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });
});
