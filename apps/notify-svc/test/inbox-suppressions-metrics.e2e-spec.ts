import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INTERNAL_KEY, NotifyTestEnv, type TestTenant } from './support/notify-test-env.js';

describe('inbox, suppressions, metrics summary and maintenance jobs', () => {
  let env: NotifyTestEnv;
  let a: TestTenant;
  const job = (name: string) => env.http.post(`/notify/v1/jobs/${name}`, {}, { headers: { 'x-internal-api-key': INTERNAL_KEY } });

  beforeAll(async () => {
    env = await NotifyTestEnv.start({ WORKERS_ENABLED: 'true' });
    a = env.tenant();
  });
  afterAll(async () => {
    await env?.close();
  });

  describe('in-app inbox', () => {
    it('lists own notifications with the unread count, marks read/unread and reads all', async () => {
      // One at a time: concurrent workers may store deliveries accepted together in either order.
      for (const [i, body] of ['one', 'two', 'three'].entries()) {
        expect(
          (
            await env.http.post(
              '/notify/v1/deliveries',
              { channel: 'in_app', to: { userId: a.userId }, subject: 'T', body },
              { token: a.organizer },
            )
          ).status,
        ).toBe(202);
        await env.eventually(async () => (await env.http.get('/notify/v1/notifications', { token: a.user })).body.data.length === i + 1);
      }
      await env.http.post(
        '/notify/v1/deliveries',
        { channel: 'in_app', to: { userId: a.organizerId }, body: 'not yours' },
        { token: a.organizer },
      );
      // The workers store in-app deliveries in the inbox.
      const list = await env.eventually(async () => {
        const r = await env.http.get('/notify/v1/notifications', { token: a.user });
        return r.body.data.length === 3 && r;
      });
      expect(list.status).toBe(200);
      expect(list.body.data.map((n: { body: string }) => n.body)).toEqual(['three', 'two', 'one']);
      expect(list.headers.get('x-unread-count')).toBe('3');
      const first = list.body.data[0].id;
      const read = await env.http.patch(`/notify/v1/notifications/${first}`, { read: true }, { token: a.user });
      expect(read.body.data).toMatchObject({ id: first, read: true });
      expect((await env.http.get('/notify/v1/notifications/unread-count', { token: a.user })).body.data.unread).toBe(2);
      const unreadOnly = await env.http.get('/notify/v1/notifications?unread=true', { token: a.user });
      expect(unreadOnly.body.data).toHaveLength(2);
      expect((await env.http.patch(`/notify/v1/notifications/${first}`, { read: false }, { token: a.user })).body.data.read).toBe(false);
      // Another user of the same tenant cannot touch it.
      expect((await env.http.patch(`/notify/v1/notifications/${first}`, { read: true }, { token: a.organizer })).status).toBe(404);
      expect((await env.http.patch(`/notify/v1/notifications/${first}`, { read: 'yes' }, { token: a.user })).status).toBe(400);
      expect((await env.http.post('/notify/v1/notifications/read-all', {}, { token: a.user })).body.data).toEqual({ updated: 3 });
      expect((await env.http.get('/notify/v1/notifications/unread-count', { token: a.user })).body.data.unread).toBe(0);
      await env.eventually(
        async () => (await env.http.get('/notify/v1/notifications/unread-count', { token: a.organizer })).body.data.unread === 1,
      );
    });

    it('a scheduled in-app delivery cancelled before its time never reaches the inbox', async () => {
      const sendAt = new Date(Date.now() + 1500).toISOString();
      const d = await env.http.post(
        '/notify/v1/deliveries',
        { channel: 'in_app', to: { userId: a.userId }, body: 'oops', sendAt },
        { token: a.admin },
      );
      expect(d.body.data.status).toBe('scheduled');
      expect((await env.http.post(`/notify/v1/deliveries/${d.body.data.id}/cancel`, {}, { token: a.admin })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 2500));
      expect((await env.http.get('/notify/v1/notifications/unread-count', { token: a.user })).body.data.unread).toBe(0);
      const after = await env.http.get(`/notify/v1/deliveries/${d.body.data.id}`, { token: a.admin });
      expect(after.body.data.status).toBe('cancelled');
    });
  });

  describe('suppressions', () => {
    it('a user suppresses and lists only their own address; organizers manage the tenant list', async () => {
      const own = await env.http.post(
        '/notify/v1/suppressions',
        { channel: 'email', address: `user-${a.userId}@example.com`, reason: 'unsubscribed' },
        { token: a.user },
      );
      expect(own.status).toBe(201);
      expect(own.body.data.userId).toBe(a.userId);
      const other = await env.http.post(
        '/notify/v1/suppressions',
        { channel: 'email', address: 'someone@example.com', reason: 'x' },
        { token: a.user },
      );
      expect(other.status).toBe(403);
      const byOrg = await env.http.post(
        '/notify/v1/suppressions',
        { channel: 'sms', address: '+14155502222', reason: 'stop' },
        { token: a.organizer },
      );
      expect(byOrg.status).toBe(201);
      const dup = await env.http.post(
        '/notify/v1/suppressions',
        { channel: 'sms', address: '+14155502222', reason: 'again' },
        { token: a.organizer },
      );
      expect(dup.status).toBe(409);
      const mine = await env.http.get('/notify/v1/suppressions', { token: a.user });
      expect(mine.body.data.map((s: { id: string }) => s.id)).toEqual([own.body.data.id]);
      const all = await env.http.get('/notify/v1/suppressions?channel=sms', { token: a.organizer });
      expect(all.body.data.map((s: { id: string }) => s.id)).toEqual([byOrg.body.data.id]);
      expect((await env.http.delete(`/notify/v1/suppressions/${byOrg.body.data.id}`, { token: a.user })).status).toBe(404);
      expect((await env.http.delete(`/notify/v1/suppressions/${own.body.data.id}`, { token: a.user })).status).toBe(200);
      expect((await env.http.delete(`/notify/v1/suppressions/${byOrg.body.data.id}`, { token: a.organizer })).status).toBe(200);
      expect(
        (await env.http.post('/notify/v1/suppressions', { channel: 'fax', address: '1', reason: 'x' }, { token: a.organizer })).status,
      ).toBe(400);
    });
  });

  describe('metrics summary', () => {
    it('counts by status and channel with latency percentiles; a user sees their own', async () => {
      const t = env.tenant();
      const sent: string[] = [];
      for (let i = 0; i < 4; i++) {
        sent.push(
          (
            await env.http.post(
              '/notify/v1/deliveries',
              { channel: 'in_app', to: { userId: t.userId }, body: `n${i}` },
              { token: t.organizer },
            )
          ).body.data.id,
        );
      }
      await env.http.post(
        '/notify/v1/deliveries',
        {
          channel: 'email',
          to: { email: 'z@example.com' },
          subject: 's',
          body: 'b',
          sendAt: new Date(Date.now() + 3600_000).toISOString(),
        },
        { token: t.organizer },
      );
      await env.eventually(async () => {
        const rows = await env.systemQuery<{ n: string }>(
          `SELECT count(*) AS n FROM deliveries WHERE id = ANY($1) AND status = 'delivered'`,
          [sent],
        );
        return rows[0]!.n === '4';
      });
      await env.systemQuery(
        `UPDATE deliveries SET status = 'delivered', delivered_at = created_at + (interval '100 milliseconds' * (array_position($1::uuid[], id))) WHERE id = ANY($1)`,
        [sent],
      );
      const admin = await env.http.get('/notify/v1/metrics/summary', { token: t.admin });
      expect(admin.status).toBe(200);
      expect(admin.body.data).toMatchObject({ total: 5, byStatus: { delivered: 4, scheduled: 1 }, byChannel: { in_app: 4, email: 1 } });
      expect(admin.body.data.latencyMs.p50).toBe(250);
      expect(admin.body.data.latencyMs.p95).toBe(385);
      const user = await env.http.get('/notify/v1/metrics/summary', { token: t.user });
      expect(user.body.data).toMatchObject({ total: 4, byChannel: { in_app: 4 } });
      const bad = await env.http.get('/notify/v1/metrics/summary?from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z', { token: t.admin });
      expect(bad.status).toBe(400);
    });
  });

  describe('jobs', () => {
    it('retry-failed replays deliveries that failed on temporary errors, not permanent refusals', async () => {
      const later = new Date(Date.now() + 3600_000).toISOString();
      const post = (phone: string) =>
        env.http.post('/notify/v1/deliveries', { channel: 'sms', to: { phone }, body: 'x', sendAt: later }, { token: a.organizer });
      const temporary = (await post('+14155503333')).body.data.id as string;
      const permanent = (await post('+14155503334')).body.data.id as string;
      for (const [id, outcome] of [
        [temporary, 'temporary'],
        [permanent, 'permanent'],
      ] as const) {
        await env.systemQuery(`UPDATE deliveries SET status = 'failed', failed_at = now(), attempts = 1, send_at = NULL WHERE id = $1`, [
          id,
        ]);
        await env.systemQuery(
          `INSERT INTO delivery_attempts (tenant_id, delivery_id, attempt, channel, provider, outcome, duration_ms, error_code, error)
           VALUES ($1, $2, 1, 'sms', 'dev', $3, 5, 'X', 'x')`,
          [a.tenantId, id, outcome],
        );
      }
      const res = await job('retry-failed');
      expect(res.status).toBe(200);
      expect(res.body.data.requeued).toBe(1);
      // Replayed and sent again by the workers (the dev SMS provider), as attempt 2.
      const after = await env.eventually(async () => {
        const r = await env.http.get(`/notify/v1/deliveries/${temporary}`, { token: a.admin });
        return r.body.data.status === 'sent' && r;
      });
      expect(after.body.data.events.map((e: { type: string }) => e.type)).toEqual(['scheduled', 'replayed', 'sending', 'sent']);
      expect(after.body.data.providerAttempts.map((x: { attempt: number }) => x.attempt)).toEqual([1, 2]);
      expect((await env.http.get(`/notify/v1/deliveries/${permanent}`, { token: a.admin })).body.data.status).toBe('failed');
    });

    it('purge deletes finished deliveries past retention, with their events, and keeps pending ones', async () => {
      const old = await env.http.post(
        '/notify/v1/deliveries',
        { channel: 'sms', to: { phone: '+14155504444' }, body: 'x' },
        { token: a.organizer },
      );
      const pending = await env.http.post(
        '/notify/v1/deliveries',
        { channel: 'sms', to: { phone: '+14155504445' }, body: 'x', sendAt: new Date(Date.now() + 3600_000).toISOString() },
        { token: a.organizer },
      );
      await env.systemQuery(`UPDATE deliveries SET status = 'delivered', created_at = now() - interval '400 days' WHERE id = $1`, [
        old.body.data.id,
      ]);
      await env.systemQuery(`UPDATE deliveries SET created_at = now() - interval '400 days' WHERE id = $1`, [pending.body.data.id]);
      const res = await job('purge');
      expect(res.body.data).toMatchObject({ deliveries: 1, retentionDays: 90 });
      expect(await env.systemQuery('SELECT 1 FROM deliveries WHERE id = $1', [old.body.data.id])).toHaveLength(0);
      expect(await env.systemQuery('SELECT 1 FROM delivery_events WHERE delivery_id = $1', [old.body.data.id])).toHaveLength(0);
      expect(await env.systemQuery('SELECT 1 FROM deliveries WHERE id = $1', [pending.body.data.id])).toHaveLength(1);
    });
  });
});
