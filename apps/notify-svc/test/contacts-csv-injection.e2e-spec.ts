import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { parse } from 'csv-parse/sync';
import { HttpClient } from '#testing';
import { buildGateway } from '../../gateway/src/gateway.js';
import { NotifyTestEnv, type TestTenant } from './support/notify-test-env.js';

/**
 * Issue 24 item 5, end to end: contacts whose fields start with a spreadsheet formula character are
 * exported with one leading quote (csv-cell.ts), directly and through the gateway, and the export
 * imports back to exactly the stored values (README, contacts: "an export imports back to exactly
 * the same values").
 */
describe('contacts export: CSV injection neutralised, round trip exact', () => {
  let env: NotifyTestEnv;
  let gateway: FastifyInstance;
  let viaGateway: HttpClient;
  let a: TestTenant;

  /** Each original and the cells the export must hold for it. */
  const ORIGINALS = [
    { externalId: '=HYPERLINK("http://evil.example","x")', name: '=SUM(A1:A3)', phone: '+14155550101', attributes: { f: '=1+1' } },
    { externalId: '+cmd|calc', name: '+1+2', phone: '+14155550102', attributes: {} },
    { externalId: '-ext-3', name: '-2+3', phone: '+14155550103', attributes: {} },
    { externalId: '@ext4', name: '@SUM(1)', phone: '+14155550104', attributes: {} },
    { externalId: 'tab-5', name: '\tTabbed', phone: '+14155550105', attributes: {} },
    { externalId: 'cr-6', name: '\rCarriage', phone: '+14155550106', attributes: {} },
    // Values that already start with quotes before a formula character keep them all.
    { externalId: "'=already", name: "''+both", phone: '+14155550107', attributes: {} },
    { externalId: 'plain-8', name: 'Plain Name', phone: '+14155550108', attributes: {} },
  ];
  const EXPECTED_CELLS: Record<string, { externalId: string; name: string; phone: string }> = {
    '=HYPERLINK("http://evil.example","x")': {
      externalId: `'=HYPERLINK("http://evil.example","x")`,
      name: "'=SUM(A1:A3)",
      phone: "'+14155550101",
    },
    '+cmd|calc': { externalId: "'+cmd|calc", name: "'+1+2", phone: "'+14155550102" },
    '-ext-3': { externalId: "'-ext-3", name: "'-2+3", phone: "'+14155550103" },
    '@ext4': { externalId: "'@ext4", name: "'@SUM(1)", phone: "'+14155550104" },
    'tab-5': { externalId: 'tab-5', name: "'\tTabbed", phone: "'+14155550105" },
    'cr-6': { externalId: 'cr-6', name: "'\rCarriage", phone: "'+14155550106" },
    "'=already": { externalId: "''=already", name: "'''+both", phone: "'+14155550107" },
    'plain-8': { externalId: 'plain-8', name: 'Plain Name', phone: "'+14155550108" },
  };

  const importCsv = async (http: HttpClient, t: TestTenant, csv: string) => {
    const res = await http.post('/notify/v1/contacts/import', undefined, {
      token: t.organizer,
      raw: csv,
      headers: { 'content-type': 'text/csv', 'idempotency-key': randomUUID() },
    });
    expect(res.status).toBe(202);
    return env.eventually(
      async () => {
        const r = await http.get(`/notify/v1/contacts/imports/${res.body.data.id}`, { token: t.user });
        return r.body.data?.status === 'completed' ? r.body.data : undefined;
      },
      20_000,
      'the import to complete',
    );
  };

  beforeAll(async () => {
    env = await NotifyTestEnv.start({ WORKERS_ENABLED: 'true' });
    gateway = await buildGateway({ AUTH_UPSTREAM_URL: env.jwks.url, NOTIFY_UPSTREAM_URL: env.t.baseUrl });
    await gateway.listen({ port: 0, host: '127.0.0.1' });
    viaGateway = new HttpClient(`http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`);
    a = env.tenant();
    // The API trims names, so a name that starts with a tab or CR only comes in through an import (a
    // quoted cell keeps its whitespace): those two are imported, the others created through the API.
    for (const c of ORIGINALS.filter((o) => !/^[\t\r]/.test(o.name))) {
      const res = await env.http.post('/notify/v1/contacts', c, { token: a.organizer });
      expect(res.status).toBe(201);
    }
    const seeded = await importCsv(env.http, a, 'externalId,name,phone\ntab-5,"\tTabbed",+14155550105\ncr-6,"\rCarriage",+14155550106\n');
    expect(seeded).toMatchObject({ created: 2, failed: 0 });
  });
  afterAll(async () => {
    await gateway?.close();
    await env?.close();
  });

  const stored = async (http: HttpClient, t: TestTenant) => {
    const res = await http.get('/notify/v1/contacts?limit=100', { token: t.user });
    expect(res.status).toBe(200);
    return (res.body.data as Array<{ externalId: string; name: string; phone: string; attributes: unknown }>)
      .map(({ externalId, name, phone, attributes }) => ({ externalId, name, phone, attributes }))
      .sort((x, y) => x.externalId.localeCompare(y.externalId));
  };
  const sortedOriginals = () => [...ORIGINALS].sort((x, y) => x.externalId.localeCompare(y.externalId));

  it('the values are stored exactly as sent (the baseline of the round trip)', async () => {
    expect(await stored(env.http, a)).toEqual(sortedOriginals());
  });

  it.each([
    ['directly', () => env.http],
    ['through the gateway', () => viaGateway],
  ])('the export %s quotes every cell that starts with = + - @ tab or CR, and imports back exactly', async (_where, client) => {
    const http = client();
    const res = await http.get('/notify/v1/contacts/export', { token: a.organizer });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parse(res.text, { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(ORIGINALS.length);
    for (const row of rows) {
      // No cell of the file is a formula to a spreadsheet.
      for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    }
    const byExport = Object.fromEntries(rows.map((r) => [r.externalId!, { externalId: r.externalId, name: r.name, phone: r.phone }]));
    expect(byExport).toEqual(Object.fromEntries(Object.values(EXPECTED_CELLS).map((c) => [c.externalId, c])));
    const attrs = rows.find((r) => r.externalId === EXPECTED_CELLS['=HYPERLINK("http://evil.example","x")']!.externalId)!.attributes!;
    expect(JSON.parse(attrs)).toEqual({ f: '=1+1' });

    // Back into the same tenant: every row matches its contact, nothing changes.
    const same = await importCsv(http, a, res.text);
    expect(same).toMatchObject({ failed: 0, created: 0, updated: 0, unchanged: ORIGINALS.length });
    expect(await stored(http, a)).toEqual(sortedOriginals());

    // Into a fresh tenant: the contacts created from the export hold exactly the original values.
    const fresh = env.tenant();
    const created = await importCsv(http, fresh, res.text);
    expect(created).toMatchObject({ failed: 0, created: ORIGINALS.length });
    expect(await stored(http, fresh)).toEqual(sortedOriginals());
  });
});
