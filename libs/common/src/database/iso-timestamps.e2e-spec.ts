import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '#testing';
import { ISO_TIMESTAMP_TYPES, isoTimestamp, toIsoTimestamp } from './iso-timestamps.js';

// Instants of every shape PostgreSQL prints: no fraction, fractions of 1 to 6 digits, trailing
// zeros it drops, years below 1000 and beyond 9999, BC, and the infinities.
const INSTANTS = [
  '2026-12-07 05:38:39+00',
  '2026-12-07 05:38:39.1+00',
  '2026-12-07 05:38:39.12+00',
  '2026-12-07 05:38:39.123+00',
  '2026-12-07 05:38:39.1234+00',
  '2026-12-07 05:38:39.123456+00',
  '2026-12-07 05:38:39.999999+00',
  '2026-12-07 05:38:39.100000+00',
  '2024-02-29 23:59:59.5+00',
  '1970-01-01 00:00:00+00',
  '1969-12-31 23:59:59.999+00',
  '0099-06-01 12:00:00.25+00',
  '12026-01-01 00:00:00+00',
  '0044-03-15 12:00:00+00 BC',
  'infinity',
  '-infinity',
];

describe('ISO timestamps straight from PostgreSQL', () => {
  let db: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase('isots');
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  /** Each instant read twice: as pg's Dates, and through ISO_TIMESTAMP_TYPES. */
  async function readBothWays(): Promise<Array<{ text: string; asDate: Date | number; asIso: string | null }>> {
    const sql = `SELECT t::text AS text, t AS v FROM unnest($1::timestamptz[]) WITH ORDINALITY AS u(t, i) ORDER BY i`;
    const plain = await client.query<{ text: string; v: Date | number }>(sql, [INSTANTS]);
    const iso = await client.query<{ v: string | null }>({ text: sql, values: [INSTANTS], types: ISO_TIMESTAMP_TYPES });
    return plain.rows.map((r, i) => ({ text: r.text, asDate: r.v, asIso: iso.rows[i]!.v }));
  }

  it.each(['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Europe/Berlin'])(
    'gives what JSON.stringify of the Date gave, in a session in %s',
    async (zone) => {
      await client.query(`SET TimeZone = '${zone}'`);
      const rows = await readBothWays();
      expect(rows).toHaveLength(INSTANTS.length);
      for (const r of rows) {
        // What the answer carried before: JSON of the Date (or of the number pg gives for infinity).
        expect({ text: r.text, iso: r.asIso }).toEqual({ text: r.text, iso: JSON.parse(JSON.stringify(r.asDate)) });
      }
      // The fast path is the one taken in UTC: its strings are the Date's own.
      if (zone === 'UTC') expect(rows[5]!.asIso).toBe('2026-12-07T05:38:39.123Z');
    },
  );

  it('leaves every other type as pg parses it', async () => {
    const sql = `SELECT 1::int AS i, 'x'::text AS s, '{"a":1}'::jsonb AS j, true AS b, '2026-12-07'::date AS d, '2026-12-07 01:02:03'::timestamp AS ts`;
    const plain = await client.query(sql);
    const iso = await client.query({ text: sql, types: ISO_TIMESTAMP_TYPES });
    expect(iso.rows[0]).toEqual(plain.rows[0]);
  });

  it('cuts the fraction to milliseconds as a Date does, never rounds', () => {
    expect(isoTimestamp('2026-12-31 23:59:59.9999+00')).toBe('2026-12-31T23:59:59.999Z');
    expect(isoTimestamp('2026-12-07 05:38:39.5+00')).toBe('2026-12-07T05:38:39.500Z');
  });

  it('writes a Date, a string it made, and what has no instant', () => {
    expect(toIsoTimestamp(new Date(Date.UTC(2026, 11, 7, 5, 38, 39, 123)))).toBe('2026-12-07T05:38:39.123Z');
    expect(toIsoTimestamp('2026-12-07T05:38:39.123Z')).toBe('2026-12-07T05:38:39.123Z');
    expect(toIsoTimestamp(null)).toBeNull();
    expect(toIsoTimestamp(Infinity)).toBeNull();
    expect(toIsoTimestamp(new Date(Number.NaN))).toBeNull();
  });
});
