import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { NotifyTestEnv, type TestTenant } from './support/notify-test-env.js';

describe('contacts: CSV import and export', () => {
  let env: NotifyTestEnv;
  let a: TestTenant;
  let b: TestTenant;

  beforeAll(async () => {
    env = await NotifyTestEnv.start({ WORKERS_ENABLED: 'true' });
    a = env.tenant();
    b = env.tenant();
  });
  afterAll(async () => {
    await env?.close();
  });

  const upload = (csv: string, token = a.organizer, key = randomUUID()) =>
    env.http.post('/notify/v1/contacts/import', undefined, {
      token,
      raw: csv,
      headers: { 'content-type': 'text/csv', 'idempotency-key': key },
    });
  const finished = (id: string, t: TestTenant = a) =>
    env.eventually(
      async () => {
        const r = await env.http.get(`/notify/v1/contacts/imports/${id}`, { token: t.user });
        return r.body.data?.status === 'completed' ? r.body.data : undefined;
      },
      20_000,
      'the import to complete',
    );

  it('imports good rows, reports each bad and duplicate row, upserts by externalId then email; a second import changes nothing', async () => {
    const existing = await env.http.post(
      '/notify/v1/contacts',
      { externalId: 'crm-7', email: 'old@example.com', name: 'Old Name', attributes: { keep: 'yes' } },
      { token: a.organizer },
    );
    expect(existing.status).toBe(201);
    const byEmail = await env.http.post('/notify/v1/contacts', { email: 'mail-match@example.com' }, { token: a.organizer });
    const csv = [
      'externalId,name,email,phone,locale,timezone,attr.plan',
      'crm-1,Ada,ada@example.com,+14155552671,en-US,America/Los_Angeles,pro', // 2 good
      'crm-2,"Lovelace, Grace",grace@example.com,,fr-fr,europe/paris,free', // 3 good (quoted comma, normalised)
      'crm-3,Dup,ADA@example.com,,,,', // 4 duplicate email of row 2
      'crm-4,Bad phone,bad@example.com,12345,,,', // 5 bad phone
      'crm-5,Bad tz,tz@example.com,,,Mars/Base,', // 6 bad timezone
      ',No key,,,,,', // 7 neither externalId nor email
      'crm-6,Short row', // 8 wrong number of cells
      'crm-7,New Name,,,,,gold', // 9 updates the existing contact by externalId (email kept)
      ',Matched by email,mail-match@example.com,,de,,', // 10 updates by email
      'crm-8,Not an email,nope,,,,', // 11 bad email
    ].join('\n');
    const res = await upload(csv);
    expect(res.status).toBe(202);
    expect(res.body.data).toMatchObject({ status: 'queued', totalRows: 10 });
    const done = await finished(res.body.data.id);
    expect(done).toMatchObject({
      totalRows: 10,
      processedRows: 10,
      created: 2,
      updated: 2,
      unchanged: 0,
      failed: 6,
      errorsTruncated: false,
    });
    expect(done.errors.map((e: { row: number; field?: string }) => [e.row, e.field ?? null])).toEqual([
      [4, 'email'],
      [5, 'phone'],
      [6, 'timezone'],
      [7, null],
      [8, null],
      [11, 'email'],
    ]);
    expect(done.errors[0].error).toMatch(/row 2/);

    const list = await env.http.get('/notify/v1/contacts?limit=100', { token: a.user });
    const byExt = Object.fromEntries(list.body.data.map((c: { externalId: string | null; email: string }) => [c.externalId ?? c.email, c]));
    expect(byExt['crm-1']).toMatchObject({ name: 'Ada', email: 'ada@example.com', phone: '+14155552671', attributes: { plan: 'pro' } });
    expect(byExt['crm-2']).toMatchObject({ name: 'Lovelace, Grace', locale: 'fr-FR', timezone: 'Europe/Paris' });
    expect(byExt['crm-7']).toMatchObject({
      id: existing.body.data.id,
      name: 'New Name',
      email: 'old@example.com',
      attributes: { keep: 'yes', plan: 'gold' },
    });
    expect(byExt['mail-match@example.com']).toMatchObject({ id: byEmail.body.data.id, name: 'Matched by email', locale: 'de' });
    expect(list.body.data).toHaveLength(4);

    const before = await env.systemQuery<{ id: string; updated_at: Date }>('SELECT id, updated_at FROM contacts ORDER BY id');
    const again = await upload(csv);
    const second = await finished(again.body.data.id);
    expect(second).toMatchObject({ created: 0, updated: 0, unchanged: 4, failed: 6 });
    const after = await env.systemQuery<{ id: string; updated_at: Date }>('SELECT id, updated_at FROM contacts ORDER BY id');
    expect(after).toEqual(before);
  });

  it('the same Idempotency-Key replays the import; another file under it is 422', async () => {
    const key = randomUUID();
    const csv = 'email\nidem-1@example.com\n';
    const first = await upload(csv, a.organizer, key);
    const replay = await upload(csv, a.organizer, key);
    expect(replay.status).toBe(202);
    expect(replay.body.data.id).toBe(first.body.data.id);
    expect((await upload('email\nother@example.com\n', a.organizer, key)).status).toBe(422);
    await finished(first.body.data.id);
    const n = await env.systemQuery<{ n: string }>(`SELECT count(*) AS n FROM contact_imports WHERE tenant_id = $1 AND id = $2`, [
      a.tenantId,
      first.body.data.id,
    ]);
    expect(n[0]!.n).toBe('1');
  });

  it('refuses a bad file with 400 and queues nothing; only organizers and admins import; imports of A are 404 for B', async () => {
    const before = await env.systemQuery<{ n: string }>('SELECT count(*) AS n FROM contact_imports');
    const cases = [
      'email,shoe_size\na@example.com,42', // unknown column
      'name\nAda', // neither externalId nor email column
      'email,email\na@example.com,b@example.com', // repeated column
      'email\n"unterminated@example.com', // malformed CSV
      'email,attr.__proto__\na@example.com,x', // hostile attribute column
      '',
    ];
    for (const csv of cases) {
      const res = await upload(csv);
      expect({ csv, status: res.status }).toEqual({ csv, status: 400 });
    }
    const tooMany = `email\n${Array.from({ length: 100_001 }, (_, i) => `c${i}@example.com`).join('\n')}`;
    const big = await upload(tooMany);
    expect(big.status).toBe(400);
    expect(big.body.error.message).toMatch(/100000 rows/);
    expect((await upload('email\nu@example.com', a.user)).status).toBe(403);
    // text/csv is accepted only by the import route.
    const elsewhere = await env.http.post('/notify/v1/contacts', undefined, {
      token: a.organizer,
      raw: 'email\nx@example.com',
      headers: { 'content-type': 'text/csv' },
    });
    expect(elsewhere.status).toBe(415);
    const after = await env.systemQuery<{ n: string }>('SELECT count(*) AS n FROM contact_imports');
    expect(after[0]!.n).toBe(before[0]!.n);

    const mine = await upload('email\nmine@example.com');
    await finished(mine.body.data.id);
    expect((await env.http.get(`/notify/v1/contacts/imports/${mine.body.data.id}`, { token: b.admin })).status).toBe(404);
  });

  it('exports the contacts as CSV (streamed), with the list filters; the export imports back unchanged', async () => {
    await upload('externalId,email,attr.team\nexp-1,exp1@example.com,red\nexp-2,exp2@example.com,blue').then((r) =>
      finished(r.body.data.id),
    );
    const res = await env.http.get('/notify/v1/contacts/export', { token: a.organizer });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parse(res.text, { columns: true }) as Array<Record<string, string>>;
    const emails = rows.map((r) => r.email);
    expect(emails).toEqual(expect.arrayContaining(['exp1@example.com', 'exp2@example.com', 'ada@example.com']));
    expect(JSON.parse(rows.find((r) => r.email === 'exp1@example.com')!.attributes!)).toEqual({ team: 'red' });
    const filtered = await env.http.get('/notify/v1/contacts/export?attribute.team=blue', { token: a.organizer });
    expect((parse(filtered.text, { columns: true }) as Array<Record<string, string>>).map((r) => r.email)).toEqual(['exp2@example.com']);
    expect((await env.http.get('/notify/v1/contacts/export', { token: a.user })).status).toBe(403);
    const theirs = await env.http.get('/notify/v1/contacts/export', { token: b.organizer });
    expect(parse(theirs.text, { columns: true })).toEqual([]);

    const back = await upload(res.text);
    expect(back.status).toBe(202);
    const done = await finished(back.body.data.id);
    expect(done).toMatchObject({ created: 0, updated: 0, failed: 0, unchanged: rows.length });
  });

  it('a send to a group larger than one batch is 202 with the batch id and count; a job makes one delivery per contact', async () => {
    const tag = randomUUID().slice(0, 8);
    const csv = `email,attr.bulk\n${Array.from({ length: 1001 }, (_, i) => `bulk-${i}-${tag}@example.com,${tag}`).join('\n')}`;
    await upload(csv).then((r) => finished(r.body.data.id));
    const group = await env.http.post(
      '/notify/v1/groups',
      { name: `bulk-${tag}`, kind: 'dynamic', filter: { attributes: { bulk: tag } } },
      { token: a.organizer },
    );
    const sendAt = new Date(Date.now() + 24 * 3600_000).toISOString();
    const res = await env.http.post(
      '/notify/v1/deliveries',
      { channel: 'email', to: { groupId: group.body.data.id }, subject: 'Hi', body: 'Hello', sendAt },
      { token: a.organizer, headers: { 'idempotency-key': randomUUID() } },
    );
    expect(res.status).toBe(202);
    expect(res.body.data).toMatchObject({ groupId: group.body.data.id, status: 'expanding', targeted: 1001, accepted: 0 });
    const batchId = res.body.data.batchId as string;
    const sent = await env.eventually(
      async () => {
        const [s] = await env.systemQuery<{ status: string; queued: number }>(
          'SELECT status, queued FROM contact_group_sends WHERE id = $1',
          [batchId],
        );
        return s?.status === 'done' ? s : undefined;
      },
      30_000,
      'the group send to be expanded',
    );
    expect(sent.queued).toBe(1001);
    const [d] = await env.systemQuery<{ n: string; addresses: string; statuses: string[] }>(
      `SELECT count(*) AS n, count(DISTINCT address) AS addresses, array_agg(DISTINCT status) AS statuses FROM deliveries WHERE batch_id = $1`,
      [batchId],
    );
    expect(d).toEqual({ n: '1001', addresses: '1001', statuses: ['scheduled'] });
  });
});
