import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { INTERNAL_KEY, NotifyTestEnv, type TestTenant } from './support/notify-test-env.js';

const email = (to = `r-${randomUUID()}@example.com`) => ({ channel: 'email', to: { email: to }, subject: 'Hello', body: 'Body' });

describe('deliveries', () => {
  let env: NotifyTestEnv;
  let a: TestTenant;

  beforeAll(async () => {
    env = await NotifyTestEnv.start();
    a = env.tenant();
  });
  afterAll(async () => {
    await env?.close();
  });

  const send = (body: object, token = a.organizer, headers: Record<string, string> = {}) =>
    env.http.post('/notify/v1/deliveries', body, { token, headers });

  it('accepts a send with 202, stores it with its queue job and shows its event history', async () => {
    const res = await send({ ...email(), data: { orderId: 42 }, priority: 'high', category: 'orders' });
    expect(res.status).toBe(202);
    const d = res.body.data;
    expect(d).toMatchObject({
      status: 'queued',
      channel: 'email',
      priority: 'high',
      category: 'orders',
      content: { subject: 'Hello', text: 'Body' },
    });
    const jobs = await env.jobsFor([d.id]);
    expect(jobs).toEqual([{ key: d.id, task_identifier: 'deliver', priority: -1, payload: { t: a.tenantId, d: d.id } }]);
    const got = await env.http.get(`/notify/v1/deliveries/${d.id}`, { token: a.organizer });
    expect(got.status).toBe(200);
    expect(got.body.data.events.map((e: { type: string }) => e.type)).toEqual(['queued']);
  });

  it('rejects bad input with 400 naming the fields, and writes nothing', async () => {
    const before = await env.systemQuery<{ n: string }>('SELECT count(*) AS n FROM deliveries');
    const cases: Array<[object, string]> = [
      [{ channel: 'pigeon', to: { email: 'a@b.co' }, body: 'x', subject: 's' }, 'channel'],
      [{ channel: 'email', to: {}, subject: 's', body: 'x' }, 'to.email'],
      [{ channel: 'sms', to: { phone: '12345' }, body: 'x' }, 'to.phone'],
      [{ channel: 'email', to: { email: 'a@b.co' }, body: 'x' }, 'subject'],
      [{ channel: 'email', to: { email: 'a@b.co' }, subject: 's' }, 'body'],
      [{ channel: 'email', to: { email: 'a@b.co' }, subject: 's', body: 'x', templateKey: 'welcome' }, 'body'],
      [{ channel: 'email', to: { email: 'a@b.co' }, subject: 's', body: 'x', sendAt: 'tomorrow' }, 'sendAt'],
      [{ channel: 'email', to: { email: 'a@b.co' }, subject: 's', body: 'x', extra: 1 }, 'extra'],
      [{ channel: 'email', to: { email: 'a@b.co', fax: '1' }, subject: 's', body: 'x' }, 'to.fax'],
    ];
    for (const [body, field] of cases) {
      const res = await send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    const after = await env.systemQuery<{ n: string }>('SELECT count(*) AS n FROM deliveries');
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('stores hostile text exactly (quotes, backslashes, placeholders) and refuses NUL with 400', async () => {
    const nasty = `O'Reilly \\ "$1" $2 E'\\x27' ); DROP TABLE deliveries; -- ü 🚀`;
    const res = await send({
      channel: 'sms',
      to: { phone: '+14155509999' },
      body: nasty,
      data: { "k'ey": nasty, n: [1, null, { deep: '$3' }] },
    });
    expect(res.status).toBe(202);
    const got = await env.http.get(`/notify/v1/deliveries/${res.body.data.id}`, { token: a.admin });
    expect(got.body.data.content.text).toBe(nasty);
    expect(got.body.data.data).toEqual({ "k'ey": nasty, n: [1, null, { deep: '$3' }] });
    const nul = await send({ channel: 'sms', to: { phone: '+14155509999' }, body: 'a\u0000b' });
    expect(nul.status).toBe(400);
    const nulData = await send({ channel: 'sms', to: { phone: '+14155509999' }, body: 'ok', data: { x: 'a\u0000b' } });
    expect(nulData.status).toBe(400);
  });

  it('schedules a future send: its job waits for sendAt, and the repair job finds nothing to add', async () => {
    const sendAt = new Date(Date.now() + 3600_000);
    const res = await send({
      channel: 'in_app',
      to: { userId: a.userId },
      subject: 'Later',
      body: 'Reminder',
      sendAt: sendAt.toISOString(),
    });
    expect(res.status).toBe(202);
    expect(res.body.data.status).toBe('scheduled');
    const id = res.body.data.id;
    const [job] = await env.jobsFor([id], true);
    expect(new Date(job!.run_at as string).getTime()).toBe(sendAt.getTime());
    await env.http.post('/notify/v1/jobs/dispatch-scheduled', {}, { headers: { 'x-internal-api-key': INTERNAL_KEY } });
    expect((await env.http.get(`/notify/v1/deliveries/${id}`, { token: a.admin })).body.data.status).toBe('scheduled');
    expect(await env.jobsFor([id])).toHaveLength(1);
  });

  it('accepts a delivery to a suppressed address as suppressed, with no queue job', async () => {
    const addr = `blocked-${randomUUID()}@example.com`;
    expect(
      (
        await env.http.post(
          '/notify/v1/suppressions',
          { channel: 'email', address: addr.toUpperCase(), reason: 'bounced' },
          { token: a.organizer },
        )
      ).status,
    ).toBe(201);
    const res = await send(email(addr));
    expect(res.status).toBe(202);
    expect(res.body.data).toMatchObject({ status: 'suppressed', statusReason: 'address is suppressed' });
    expect(await env.jobsFor([res.body.data.id])).toHaveLength(0);
  });

  it('skips a recipient who opted out, except for a category admins made required', async () => {
    const userEmail = `user-${a.userId}@example.com`;
    expect((await env.http.put('/notify/v1/preferences', { channels: { email: false } }, { token: a.user })).status).toBe(200);
    const skipped = await send({ ...email(userEmail), to: { email: userEmail, userId: a.userId } });
    expect(skipped.body.data).toMatchObject({ status: 'skipped', statusReason: 'recipient opted out' });

    const cat = await env.http.put('/notify/v1/preferences/categories/security', { required: true }, { token: a.admin });
    expect(cat.status).toBe(200);
    expect((await env.http.put('/notify/v1/preferences/categories/security', { required: true }, { token: a.organizer })).status).toBe(403);
    const optOut = await env.http.put('/notify/v1/preferences', { categories: { security: { email: false } } }, { token: a.user });
    expect(optOut.status).toBe(422);
    const required = await send({ ...email(userEmail), to: { email: userEmail, userId: a.userId }, category: 'security' });
    expect(required.body.data.status).toBe('queued');

    await env.http.put(
      '/notify/v1/preferences',
      { channels: { email: true }, categories: { marketing: { email: false } } },
      { token: a.user },
    );
    const marketing = await send({ ...email(userEmail), to: { email: userEmail, userId: a.userId }, category: 'marketing' });
    expect(marketing.body.data.status).toBe('skipped');
    const prefs = await env.http.get('/notify/v1/preferences', { token: a.user });
    expect(prefs.body.data).toMatchObject({
      channels: { email: true },
      categories: { marketing: { email: false } },
      requiredCategories: ['security'],
    });
  });

  describe('templates', () => {
    let templateId: string;

    beforeAll(async () => {
      const res = await env.http.post(
        '/notify/v1/templates',
        {
          key: 'order-shipped',
          name: 'Order shipped',
          channels: {
            email: { subject: 'Order {{order.id}} shipped', text: 'Hi {{name}}', html: '<p>Hi {{name}}</p>' },
            sms: { text: 'Order {{order.id}} is on its way' },
          },
        },
        { token: a.organizer },
      );
      expect(res.status).toBe(201);
      templateId = res.body.data.id;
    });

    it('renders with the data and records the version used', async () => {
      const res = await send({
        channel: 'email',
        to: { email: 'c@example.com' },
        templateKey: 'order-shipped',
        data: { name: '<Ada>', order: { id: 7 } },
      });
      expect(res.status).toBe(202);
      expect(res.body.data).toMatchObject({
        templateId,
        templateKey: 'order-shipped',
        templateVersion: 1,
        content: { subject: 'Order 7 shipped', text: 'Hi <Ada>', html: '<p>Hi &lt;Ada&gt;</p>' },
      });
      const edit = await env.http.put(
        `/notify/v1/templates/${templateId}`,
        { channels: { sms: { text: 'v2 {{order.id}}' } } },
        { token: a.organizer },
      );
      expect(edit.body.data.version).toBe(2);
      const v2 = await send({ channel: 'sms', to: { phone: '+14155501111' }, templateId, data: { order: { id: 8 } } });
      expect(v2.body.data).toMatchObject({ templateVersion: 2, content: { text: 'v2 8' } });
      const versions = await env.http.get(`/notify/v1/templates/${templateId}/versions`, { token: a.organizer });
      expect(versions.body.data.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    });

    it('a missing variable is 422 at send time (strict), and nothing is stored', async () => {
      const before = await env.systemQuery<{ n: string }>('SELECT count(*) AS n FROM deliveries');
      const res = await send({ channel: 'sms', to: { phone: '+14155501111' }, templateKey: 'order-shipped', data: { name: 'x' } });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('TEMPLATE_RENDER_FAILED');
      const noChannel = await send({
        channel: 'push',
        to: { deviceToken: 'fcm-instance-id:APA91bHPRgkFLJu5e1P0lb3ZhNPqWZkz4Q' },
        templateKey: 'order-shipped',
        data: {},
      });
      expect(noChannel.status).toBe(422);
      const unknown = await send({ channel: 'sms', to: { phone: '+14155501111' }, templateKey: 'nope', data: {} });
      expect(unknown.status).toBe(404);
      const after = await env.systemQuery<{ n: string }>('SELECT count(*) AS n FROM deliveries');
      expect(after[0]!.n).toBe(before[0]!.n);
    });

    it('previews (422 on a missing variable) and test-sends to the caller', async () => {
      const ok = await env.http.post(
        `/notify/v1/templates/${templateId}/preview`,
        { channel: 'email', data: { name: 'Bo', order: { id: 1 } } },
        { token: a.organizer },
      );
      expect(ok.status).toBe(200);
      expect(ok.body.data.rendered.subject).toBe('Order 1 shipped');
      const v1 = await env.http.post(
        `/notify/v1/templates/${templateId}/preview`,
        { channel: 'sms', version: 1, data: { order: { id: 1 } } },
        { token: a.organizer },
      );
      expect(v1.body.data.rendered.text).toBe('Order 1 is on its way');
      const missing = await env.http.post(
        `/notify/v1/templates/${templateId}/preview`,
        { channel: 'email', data: {} },
        { token: a.organizer },
      );
      expect(missing.status).toBe(422);
      const test = await env.http.post(
        `/notify/v1/templates/${templateId}/test-send`,
        { channel: 'email', data: { name: 'Me', order: { id: 2 } } },
        { token: a.organizer },
      );
      expect(test.status).toBe(202);
      expect(test.body.data.to).toEqual({ userId: a.organizerId, email: `org-${a.organizerId}@example.com` });
    });

    it('rejects a template that does not parse, and a duplicate key with 409', async () => {
      const bad = await env.http.post(
        '/notify/v1/templates',
        { key: 'broken', name: 'b', channels: { sms: { text: '{{#if}}' } } },
        { token: a.organizer },
      );
      expect(bad.status).toBe(400);
      expect(bad.body.error.details[0].field).toBe('channels.sms.text');
      const dup = await env.http.post(
        '/notify/v1/templates',
        { key: 'order-shipped', name: 'again', channels: { sms: { text: 'x' } } },
        { token: a.organizer },
      );
      expect(dup.status).toBe(409);
    });

    it('only an admin deletes a template', async () => {
      const t = await env.http.post(
        '/notify/v1/templates',
        { key: 'temp', name: 't', channels: { in_app: { body: 'x' } } },
        { token: a.organizer },
      );
      expect((await env.http.delete(`/notify/v1/templates/${t.body.data.id}`, { token: a.organizer })).status).toBe(403);
      expect((await env.http.delete(`/notify/v1/templates/${t.body.data.id}`, { token: a.admin })).status).toBe(200);
      expect((await env.http.get(`/notify/v1/templates/${t.body.data.id}`, { token: a.admin })).status).toBe(404);
    });
  });

  it('accepts a batch of 1,000 recipients in one request; 1,001 is 400', async () => {
    const recipients = Array.from({ length: 1000 }, (_, i) => ({ to: { email: `batch-${i}@example.com` }, data: { i } }));
    const res = await env.http.post(
      '/notify/v1/deliveries/batch',
      { channel: 'email', subject: 'Batch', body: 'Hi', recipients },
      { token: a.organizer },
    );
    expect(res.status).toBe(202);
    expect(res.body.data).toMatchObject({ accepted: 1000, counts: { queued: 1000 } });
    const ids = (await env.systemQuery<{ id: string }>('SELECT id FROM deliveries WHERE batch_id = $1', [res.body.data.batchId])).map(
      (r) => r.id,
    );
    expect(ids).toHaveLength(1000);
    expect(await env.jobsFor(ids)).toHaveLength(1000);
    const tooMany = await env.http.post(
      '/notify/v1/deliveries/batch',
      { channel: 'email', subject: 'B', body: 'x', recipients: [...recipients, recipients[0]] },
      { token: a.organizer },
    );
    expect(tooMany.status).toBe(400);
  });

  it('lets a user see only their own deliveries', async () => {
    const mine = await send({ channel: 'in_app', to: { userId: a.userId }, body: 'for you' });
    const other = await send(email());
    const list = await env.http.get('/notify/v1/deliveries?limit=100', { token: a.user });
    expect(list.status).toBe(200);
    expect(list.body.data.every((d: { userId: string }) => d.userId === a.userId)).toBe(true);
    expect(list.body.data.map((d: { id: string }) => d.id)).toContain(mine.body.data.id);
    expect((await env.http.get(`/notify/v1/deliveries/${other.body.data.id}`, { token: a.user })).status).toBe(404);
    expect((await env.http.get(`/notify/v1/deliveries/${mine.body.data.id}`, { token: a.user })).status).toBe(200);
  });

  it('filters by status, channel and time', async () => {
    const sms = await env.http.get('/notify/v1/deliveries?channel=sms&limit=100', { token: a.admin });
    expect(sms.body.data.length).toBeGreaterThan(0);
    expect(sms.body.data.every((d: { channel: string }) => d.channel === 'sms')).toBe(true);
    const suppressed = await env.http.get('/notify/v1/deliveries?status=suppressed', { token: a.admin });
    expect(suppressed.body.data.length).toBe(1);
    const future = await env.http.get(`/notify/v1/deliveries?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, {
      token: a.admin,
    });
    expect(future.body.data).toEqual([]);
    expect((await env.http.get('/notify/v1/deliveries?status=bogus', { token: a.admin })).status).toBe(400);
    expect((await env.http.get('/notify/v1/deliveries?limit=101', { token: a.admin })).status).toBe(400);
    expect((await env.http.get('/notify/v1/deliveries?cursor=zzz', { token: a.admin })).status).toBe(400);
  });

  it('walks 250 deliveries page by page with no duplicate and no gap', async () => {
    const b = env.tenant();
    const created = new Set<string>();
    const recipients = Array.from({ length: 150 }, (_, i) => ({ to: { phone: `+1415550${String(i).padStart(4, '0')}` } }));
    const batch = await env.http.post('/notify/v1/deliveries/batch', { channel: 'sms', body: 'x', recipients }, { token: b.organizer });
    for (const d of batch.body.data.deliveries) created.add(d.id);
    for (let i = 0; i < 100; i += 10) {
      const res = await Promise.all(
        Array.from({ length: 10 }, () =>
          env.http.post('/notify/v1/deliveries', { channel: 'sms', to: { phone: '+14155590000' }, body: 'y' }, { token: b.organizer }),
        ),
      );
      for (const r of res) created.add(r.body.data.id);
    }
    expect(created.size).toBe(250);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: { data: Array<{ id: string }>; page: { next_cursor: string | null; limit: number } } } = await env.http.get(
        `/notify/v1/deliveries?limit=20${cursor ? `&cursor=${cursor}` : ''}`,
        { token: b.admin },
      );
      seen.push(...res.body.data.map((d) => d.id));
      cursor = res.body.page.next_cursor;
      pages++;
    } while (cursor && pages < 50);
    expect(pages).toBe(13);
    expect(new Set(seen).size).toBe(seen.length);
    expect(new Set(seen)).toEqual(created);
  });

  it('lists each delivery exactly as it answers it alone, timestamps included', async () => {
    const d = await send(email());
    await env.systemQuery(
      `UPDATE deliveries SET sent_at = date_trunc('milliseconds', created_at) + interval '1.2345 seconds' WHERE id = $1`,
      [d.body.data.id],
    );
    const one = await env.http.get(`/notify/v1/deliveries/${d.body.data.id}`, { token: a.admin });
    const listed = await env.http.get('/notify/v1/deliveries?limit=100', { token: a.admin });
    const inList = listed.body.data.find((x: { id: string }) => x.id === d.body.data.id);
    const { events: _events, providerAttempts: _attempts, ...alone } = one.body.data;
    expect(inList).toEqual(alone);
    expect(inList.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(inList.sentAt) - Date.parse(inList.createdAt)).toBe(1234);
  });

  it('cancels only before sending: 409 when already cancelled, 404 for an unknown id', async () => {
    const d = await send(email());
    const ok = await env.http.post(`/notify/v1/deliveries/${d.body.data.id}/cancel`, {}, { token: a.admin });
    expect(ok.body.data.status).toBe('cancelled');
    expect(await env.jobsFor([d.body.data.id])).toHaveLength(0);
    const again = await env.http.post(`/notify/v1/deliveries/${d.body.data.id}/cancel`, {}, { token: a.admin });
    expect(again.status).toBe(409);
    await env.systemQuery(`UPDATE deliveries SET status = 'sent', sent_at = now() WHERE id = $1`, [(await send(email())).body.data.id]);
    expect((await env.http.post(`/notify/v1/deliveries/${randomUUID()}/cancel`, {}, { token: a.admin })).status).toBe(404);
    expect((await env.http.post('/notify/v1/deliveries/not-a-uuid/cancel', {}, { token: a.admin })).status).toBe(404);
  });

  describe('Idempotency-Key', () => {
    it('replays the first response for the same body', async () => {
      const key = randomUUID();
      const body = email();
      const first = await send(body, a.organizer, { 'idempotency-key': key });
      const second = await send(body, a.organizer, { 'idempotency-key': key });
      expect(first.status).toBe(202);
      expect(second.status).toBe(202);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      expect(second.body.data).toEqual(first.body.data);
      const rows = await env.systemQuery('SELECT id FROM deliveries WHERE recipient = $1::jsonb', [JSON.stringify(body.to)]);
      expect(rows).toHaveLength(1);
    });

    it('answers 422 IDEMPOTENCY_KEY_REUSED for the same key with another body', async () => {
      const key = randomUUID();
      expect((await send(email(), a.organizer, { 'idempotency-key': key })).status).toBe(202);
      const other = await send(email(), a.organizer, { 'idempotency-key': key });
      expect(other.status).toBe(422);
      expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    });

    it('answers 409 while the first request with the key is still in flight', async () => {
      const key = randomUUID();
      const body = email();
      // The first request is running on another instance: its transaction holds the key's lock.
      const other = new pg.Client({ connectionString: env.db.url });
      await other.connect();
      try {
        await other.query('BEGIN');
        await other.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`access_token:${a.tenantId}:${a.organizerId}\n${key}`]);
        const res = await send(body, a.organizer, { 'idempotency-key': key });
        expect(res.status).toBe(409);
        expect(res.body.error.code).toBe('IDEMPOTENCY_IN_FLIGHT');
        await other.query('COMMIT');
      } finally {
        await other.end();
      }
      // Once it is over (it wrote nothing here), the key is free.
      expect((await send(body, a.organizer, { 'idempotency-key': key })).status).toBe(202);
    });

    it('keeps keys per caller, and a failed request releases its key', async () => {
      const key = randomUUID();
      const body = email();
      const byOrganizer = await send(body, a.organizer, { 'idempotency-key': key });
      const byAdmin = await send(body, a.admin, { 'idempotency-key': key });
      expect(byAdmin.headers.get('idempotent-replayed')).toBeNull();
      expect(byAdmin.body.data.id).not.toBe(byOrganizer.body.data.id);
      const failKey = randomUUID();
      const broken = { channel: 'sms', to: { phone: '+14155501111' }, templateKey: 'order-shipped', data: {} };
      expect((await send(broken, a.organizer, { 'idempotency-key': failKey })).status).toBe(422);
      const fixed = await send({ ...broken, data: { order: { id: 1 } } }, a.organizer, { 'idempotency-key': failKey });
      expect(fixed.status).toBe(202);
    });
  });

  it('loses nothing it accepted: every delivery and its queue job survive a restart', async () => {
    const c = env.tenant();
    const accepted = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        env.http.post(
          '/notify/v1/deliveries',
          { channel: 'sms', to: { phone: `+1415553${String(i).padStart(4, '0')}` }, body: 'z' },
          { token: c.organizer },
        ),
      ),
    );
    expect(accepted.every((r) => r.status === 202)).toBe(true);
    await env.restart();
    const ids = accepted.map((r) => r.body.data.id);
    const rows = await env.systemQuery<{ id: string; status: string }>(`SELECT d.id, d.status FROM deliveries d WHERE d.id = ANY($1)`, [
      ids,
    ]);
    expect(rows).toHaveLength(40);
    expect(rows.every((r) => r.status === 'queued')).toBe(true);
    expect(await env.jobsFor(ids)).toHaveLength(40);
    const list = await env.http.get('/notify/v1/deliveries?limit=100', { token: c.admin });
    expect(list.body.data).toHaveLength(40);
  });
});
