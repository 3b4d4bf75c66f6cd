import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { SseClient } from '#testing';
import { CampaignClock } from '../src/campaigns/clock.js';
import { NotifyTestEnv, type TestTenant } from './support/notify-test-env.js';
import { startWorkerProcess } from './support/service-processes.js';
import { startSmtp } from './support/smtp-peer.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('campaigns (workers on, real SMTP peer)', () => {
  let env: NotifyTestEnv;
  let a: TestTenant;
  let b: TestTenant;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let clock: CampaignClock;
  /** The campaign clock runs at real speed from Date.now() + offset; tests move it. */
  let offset = 0;
  let templateId: string;

  beforeAll(async () => {
    smtp = await startSmtp({ now: () => Date.now() + offset });
    env = await NotifyTestEnv.start({
      WORKERS_ENABLED: 'true',
      WORKER_CONCURRENCY: '8',
      SMTP_URL: smtp.url,
      SMTP_FROM: 'Notify <notify@example.test>',
      CAMPAIGN_POLL_INTERVAL: '1s',
      CAMPAIGN_RATE_WINDOW: '3s',
      CAMPAIGN_CHUNK: '50',
    });
    clock = env.t.app.get(CampaignClock);
    // The test's clock: a provider instance whose now() the test moves (see CampaignClock).
    clock.now = () => Date.now() + offset;
    a = env.tenant();
    b = env.tenant();
    const t = await post('/notify/v1/templates', {
      key: `promo-${randomUUID().slice(0, 8)}`,
      name: 'Promo',
      channels: { email: { subject: 'Hello {{contact.name}}', text: 'Hi {{contact.name}}, {{offer}}' } },
    });
    expect(t.status).toBe(201);
    templateId = t.body.data.id;
  });
  afterAll(async () => {
    await env?.close();
    await smtp?.close();
  });

  const post = (path: string, body: object, token = a.organizer) => env.http.post(path, body, { token });
  const get = (path: string, token = a.organizer) => env.http.get(path, { token });
  const uniq = () => randomUUID().slice(0, 8);

  /** `n` contacts with an email, a timezone and a cohort attribute, inserted in one statement. */
  async function seed(tenant: TestTenant, cohort: string, n: number, timezone: string | null = null): Promise<string[]> {
    const rows = await env.systemQuery<{ email: string }>(
      `INSERT INTO contacts (tenant_id, name, email, timezone, attributes)
       SELECT $1, 'c' || i, $2 || '-' || gen_random_uuid() || '@example.test', $3, jsonb_build_object('cohort', $2::text)
       FROM generate_series(1, $4) AS i RETURNING email`,
      [tenant.tenantId, cohort, timezone, n],
    );
    return rows.map((r) => r.email);
  }

  async function campaign(body: Record<string, unknown>, token = a.organizer) {
    const res = await post(
      '/notify/v1/campaigns',
      { name: `c-${uniq()}`, channel: 'email', templateId, data: { offer: '10% off' }, ...body },
      token,
    );
    expect(res.status).toBe(201);
    return res.body.data as { id: string; status: string };
  }

  const stats = async (id: string) => (await get(`/notify/v1/campaigns/${id}/stats`)).body.data;
  const deliveriesOf = async (id: string) =>
    Number((await env.systemQuery<{ n: string }>('SELECT count(*) AS n FROM deliveries WHERE batch_id = $1', [id]))[0]!.n);

  describe('CRUD, roles and the state machine', () => {
    it('organizers create and change drafts; users read; a user cannot write (403)', async () => {
      const c = await campaign({ audience: { filter: { attributes: { cohort: 'none' } } } });
      expect(c.status).toBe('draft');
      const asUser = await get(`/notify/v1/campaigns/${c.id}`, a.user);
      expect(asUser.status).toBe(200);
      expect(asUser.body.data).toMatchObject({ id: c.id, status: 'draft', channel: 'email', templateId, maxPerMinute: null });
      expect((await get('/notify/v1/campaigns', a.user)).body.data.map((x: { id: string }) => x.id)).toContain(c.id);
      expect((await get(`/notify/v1/campaigns/${c.id}/stats`, a.user)).body.data).toMatchObject({ targeted: 0, queued: 0 });
      for (const [method, path, body] of [
        ['POST', '/notify/v1/campaigns', { name: 'x', channel: 'email', templateId, audience: { filter: {} } }],
        ['PATCH', `/notify/v1/campaigns/${c.id}`, { name: 'y' }],
        ['DELETE', `/notify/v1/campaigns/${c.id}`, undefined],
        ['POST', `/notify/v1/campaigns/${c.id}/launch`, {}],
        ['POST', `/notify/v1/campaigns/${c.id}/cancel`, {}],
        ['POST', `/notify/v1/campaigns/${c.id}/test`, { to: { email: 'x@example.test' } }],
      ] as const) {
        const res = await env.http.request(method, path, { token: a.user, body });
        expect(res.status).toBe(403);
      }
      const patched = await env.http.patch(`/notify/v1/campaigns/${c.id}`, { name: 'renamed', maxPerMinute: 30 }, { token: a.admin });
      expect(patched.status).toBe(200);
      expect(patched.body.data).toMatchObject({ name: 'renamed', maxPerMinute: 30 });
      expect((await env.http.delete(`/notify/v1/campaigns/${c.id}`, { token: a.admin })).status).toBe(200);
      expect((await get(`/notify/v1/campaigns/${c.id}`)).status).toBe(404);
    });

    it('bad input is 400 naming the field, nothing stored', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ audience: { filter: { country: 'FR' } } }, 'audience.filter.country'],
        [{ audience: { groupIds: ['nope'] } }, 'audience.groupIds.0'],
        [{ audience: {} }, 'audience'],
        [{ audience: { filter: {} }, schedule: { kind: 'local_time', time: '9am' } }, 'schedule.time'],
        [{ audience: { filter: {} }, schedule: { kind: 'at' } }, 'schedule.at'],
        [{ audience: { filter: {} }, maxPerMinute: 0 }, 'maxPerMinute'],
        [{ audience: { filter: {} }, templateKey: 'also' }, 'templateKey'],
      ];
      for (const [body, field] of cases) {
        const res = await post('/notify/v1/campaigns', { name: 'bad', channel: 'email', templateId, ...body });
        expect(res.status).toBe(400);
        expect(JSON.stringify(res.body.error.details)).toContain(field);
      }
      expect((await get('/notify/v1/campaigns')).body.data.filter((x: { name: string }) => x.name === 'bad')).toEqual([]);
    });

    it('illegal transitions are 409; launch checks the template and the groups (422)', async () => {
      const c = await campaign({ audience: { filter: { attributes: { cohort: 'nobody' } } } });
      for (const action of ['pause', 'resume']) {
        const res = await post(`/notify/v1/campaigns/${c.id}/${action}`, {});
        expect(res.status).toBe(409);
        expect(res.body.error.code).toBe('CONFLICT');
      }
      const missingTpl = await campaign({ templateId: undefined, templateKey: 'no-such-template', audience: { filter: {} } });
      const r1 = await post(`/notify/v1/campaigns/${missingTpl.id}/launch`, {});
      expect(r1.status).toBe(422);
      expect(r1.body.error.details[0].field).toBe('templateKey');
      const unknownGroup = await campaign({ audience: { groupIds: [randomUUID()] } });
      const r2 = await post(`/notify/v1/campaigns/${unknownGroup.id}/launch`, {});
      expect(r2.status).toBe(422);
      expect(r2.body.error.details[0].field).toBe('audience.groupIds.0');
      expect((await get(`/notify/v1/campaigns/${unknownGroup.id}`)).body.data.status).toBe('draft');

      const launched = await post(`/notify/v1/campaigns/${c.id}/launch`, {});
      expect(launched.status).toBe(200);
      expect(launched.body.data.templateVersion).toBe(1);
      await env.eventually(
        async () => (await get(`/notify/v1/campaigns/${c.id}`)).body.data.status === 'completed',
        10_000,
        'empty campaign completes',
      );
      for (const [method, path] of [
        ['POST', `/notify/v1/campaigns/${c.id}/launch`],
        ['POST', `/notify/v1/campaigns/${c.id}/pause`],
        ['POST', `/notify/v1/campaigns/${c.id}/resume`],
        ['POST', `/notify/v1/campaigns/${c.id}/cancel`],
        ['POST', `/notify/v1/campaigns/${c.id}/test`],
        ['PATCH', `/notify/v1/campaigns/${c.id}`],
      ] as const) {
        const body = path.endsWith('/test') ? { to: { email: 'x@example.test' } } : path.endsWith(c.id) ? { name: 'z' } : {};
        const res = await env.http.request(method, path, { token: a.organizer, body });
        expect(res.status).toBe(409);
      }
    });

    it('a test send renders the template and sends ONE delivery to the address before launch', async () => {
      const c = await campaign({ audience: { filter: { attributes: { cohort: 'test-send' } } } });
      const res = await post(`/notify/v1/campaigns/${c.id}/test`, { to: { email: 'Tester@Example.test' } });
      expect(res.status).toBe(202);
      expect(res.body.data).toMatchObject({ channel: 'email', templateId, templateVersion: 1 });
      const mail = await env.eventually(async () => smtp.mails.find((m) => m.to === 'tester@example.test'), 10_000, 'test mail');
      expect(mail.text).toContain('10% off');
      expect((await get(`/notify/v1/campaigns/${c.id}`)).body.data.status).toBe('draft');
      expect((await stats(c.id)).targeted).toBe(0);
    });

    it("tenant B gets 404 on A's campaign, and its list is empty", async () => {
      const c = await campaign({ audience: { filter: {} } });
      for (const path of [`/notify/v1/campaigns/${c.id}`, `/notify/v1/campaigns/${c.id}/stats`]) {
        expect((await get(path, b.admin)).status).toBe(404);
      }
      expect((await post(`/notify/v1/campaigns/${c.id}/launch`, {}, b.admin)).status).toBe(404);
      expect((await get('/notify/v1/campaigns', b.admin)).body.data).toEqual([]);
    });
  });

  it('a dynamic group in three timezones: each contact receives it once, at 09:00 in its own timezone', async () => {
    const cohort = `tz-${uniq()}`;
    const zones = ['Asia/Tokyo', 'Europe/London', 'America/New_York'];
    const emails = new Map<string, string[]>();
    for (const z of zones) emails.set(z, await seed(a, cohort, 3, z));
    const group = await post('/notify/v1/groups', { name: cohort, kind: 'dynamic', filter: { attributes: { cohort } } });
    expect(group.status).toBe(201);
    // 09:00 on 2026-07-02: Tokyo (UTC+9) 00:00Z, London (BST) 08:00Z, New York (EDT) 13:00Z.
    const nine: Record<string, number> = {
      'Asia/Tokyo': Date.parse('2026-07-02T00:00:00Z'),
      'Europe/London': Date.parse('2026-07-02T08:00:00Z'),
      'America/New_York': Date.parse('2026-07-02T13:00:00Z'),
    };
    const setClock = (at: number) => (offset = at - Date.now());
    setClock(nine['Asia/Tokyo']! - 3_000);
    const c = await campaign({ audience: { groupIds: [group.body.data.id] }, schedule: { kind: 'local_time', time: '09:00' } });
    const launched = await post(`/notify/v1/campaigns/${c.id}/launch`, {});
    expect(launched.status).toBe(200);
    expect(launched.body.data.status).toBe('scheduled');
    await env.eventually(
      async () => (await stats(c.id)).targeted === 9 && (await get(`/notify/v1/campaigns/${c.id}`)).body.data.expanded,
      10_000,
      'expanded',
    );
    const sendAts = await env.systemQuery<{ timezone: string; send_at: Date }>(
      `SELECT c.timezone, r.send_at FROM campaign_recipients r JOIN contacts c ON c.id = r.contact_id WHERE r.campaign_id = $1`,
      [c.id],
    );
    for (const r of sendAts) expect(r.send_at.getTime()).toBe(nine[r.timezone]);

    const received = (z: string) => emails.get(z)!.map((e) => smtp.mails.filter((m) => m.to === e));
    for (const [i, z] of zones.entries()) {
      if (i > 0) setClock(nine[z]! - 3_000);
      await env.eventually(async () => received(z).every((m) => m.length === 1), 15_000, `${z} contacts receive at 09:00`);
      for (const [m] of received(z)) {
        // Received at 09:00 local, within a few seconds (the campaign clock when the mail arrived).
        expect(m!.at).toBeGreaterThanOrEqual(nine[z]!);
        expect(m!.at - nine[z]!).toBeLessThan(5_000);
        expect(m!.subject).toMatch(/^Hello c\d$/);
      }
      // The later zones are still waiting.
      for (const later of zones.slice(i + 1)) expect(received(later).flat()).toEqual([]);
    }
    await env.eventually(async () => (await get(`/notify/v1/campaigns/${c.id}`)).body.data.status === 'completed', 10_000, 'completed');
    await env.eventually(async () => (await stats(c.id)).sent === 9, 10_000, 'all sent');
    expect(await stats(c.id)).toMatchObject({ targeted: 9, pending: 0, sent: 9, failed: 0, skipped: 0 });
    for (const z of zones) expect(received(z).map((m) => m.length)).toEqual([1, 1, 1]);
    offset = 0;
  }, 90_000);

  it('pause and resume mid-campaign (maxPerMinute throttled): every contact gets exactly one message', async () => {
    const cohort = `pr-${uniq()}`;
    const emails = await seed(a, cohort, 250);
    const c = await campaign({ audience: { filter: { attributes: { cohort } } }, maxPerMinute: 100 });
    expect((await post(`/notify/v1/campaigns/${c.id}/launch`, {})).body.data.status).toBe('running');
    await env.eventually(async () => (await deliveriesOf(c.id)) === 100, 10_000, 'first window of 100');
    const paused = await post(`/notify/v1/campaigns/${c.id}/pause`, {});
    expect(paused.status).toBe(200);
    expect(paused.body.data.status).toBe('paused');
    // Two rate windows go by: nothing more is taken while paused.
    await sleep(7_000);
    expect(await deliveriesOf(c.id)).toBe(100);
    expect((await stats(c.id)).pending).toBe(150);
    expect((await post(`/notify/v1/campaigns/${c.id}/resume`, {})).body.data.status).toBe('running');
    await env.eventually(async () => (await get(`/notify/v1/campaigns/${c.id}`)).body.data.status === 'completed', 20_000, 'completed');
    expect(await deliveriesOf(c.id)).toBe(250);
    await env.eventually(async () => emails.every((e) => smtp.countBy().get(e) === 1), 20_000, 'every mail received');
    await sleep(500);
    expect(emails.map((e) => smtp.countBy().get(e))).toEqual(emails.map(() => 1));
    expect(await stats(c.id)).toMatchObject({ targeted: 250, pending: 0, skipped: 0 });
  }, 60_000);

  it('stats are pushed live on GET /campaigns/:id/stats/stream (SSE), readable by a user; 404 for another tenant', async () => {
    const cohort = `live-${uniq()}`;
    await seed(a, cohort, 30);
    const c = await campaign({ audience: { filter: { attributes: { cohort } } } });
    expect((await get(`/notify/v1/campaigns/${c.id}/stats/stream`, b.admin)).status).toBe(404);
    const sse = await SseClient.open(`${env.t.baseUrl}/notify/v1/campaigns/${c.id}/stats/stream`, { authorization: `Bearer ${a.user}` });
    try {
      const stats = (events: Array<{ event?: string; data: string }>) =>
        events.filter((e) => e.event === 'stats').map((e) => JSON.parse(e.data) as Record<string, unknown>);
      await sse.until((e) => stats(e).some((x) => x.status === 'draft' && x.targeted === 0));
      await post(`/notify/v1/campaigns/${c.id}/launch`, {});
      const events = await sse.until((e) => stats(e).some((x) => x.status === 'completed' && x.sent === 30), 20_000);
      expect(stats(events).at(-1)).toMatchObject({ campaignId: c.id, targeted: 30, sent: 30, pending: 0 });
    } finally {
      await sse.close();
    }
  }, 40_000);

  it('policy applies per contact: a suppressed address is suppressed, a contact without an email is skipped', async () => {
    const cohort = `pol-${uniq()}`;
    const emails = await seed(a, cohort, 3);
    await env.systemQuery(
      `INSERT INTO contacts (tenant_id, phone, attributes) VALUES ($1, '+14155550199', jsonb_build_object('cohort', $2::text))`,
      [a.tenantId, cohort],
    );
    const sup = await post('/notify/v1/suppressions', { channel: 'email', address: emails[0], reason: 'unsubscribed' }, a.admin);
    expect(sup.status).toBe(201);
    const c = await campaign({ audience: { filter: { attributes: { cohort } } } });
    await post(`/notify/v1/campaigns/${c.id}/launch`, {});
    await env.eventually(async () => (await stats(c.id)).sent === 2, 15_000, 'two sent');
    expect(await stats(c.id)).toMatchObject({ status: 'completed', targeted: 4, sent: 2, suppressed: 1, skipped: 1, pending: 0 });
    expect(smtp.countBy().get(emails[0]!)).toBeUndefined();
    await env.eventually(async () => smtp.countBy().get(emails[1]!) === 1 && smtp.countBy().get(emails[2]!) === 1, 10_000, 'mails');
  });

  it('cancel mid-campaign: the rest are skipped, no contact gets two messages, nothing more is sent', async () => {
    const cohort = `cx-${uniq()}`;
    const emails = await seed(a, cohort, 250);
    const c = await campaign({ audience: { filter: { attributes: { cohort } } }, maxPerMinute: 100 });
    await post(`/notify/v1/campaigns/${c.id}/launch`, {});
    await env.eventually(async () => (await deliveriesOf(c.id)) === 100, 10_000, 'first window');
    const cancelled = await post(`/notify/v1/campaigns/${c.id}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data.status).toBe('cancelled');
    await sleep(4_000);
    expect(await deliveriesOf(c.id)).toBe(100);
    await env.eventually(async () => (await stats(c.id)).sent === 100, 20_000, 'the 100 made are sent');
    // Cancel also stops the expansion: contacts not reached yet are never targeted.
    const s = await stats(c.id);
    expect(s.targeted).toBeGreaterThanOrEqual(100);
    expect(s.targeted).toBeLessThanOrEqual(250);
    expect(s).toMatchObject({ sent: 100, skipped: s.targeted - 100, pending: 0, queued: 0 });
    await sleep(2_000);
    expect((await stats(c.id)).targeted).toBe(s.targeted);
    const counts = smtp.countBy();
    expect(emails.filter((e) => counts.get(e) === 1)).toHaveLength(100);
    expect(emails.every((e) => (counts.get(e) ?? 0) <= 1)).toBe(true);
    expect((await post(`/notify/v1/campaigns/${c.id}/resume`, {})).status).toBe(409);
  }, 60_000);
});

describe('a worker process SIGKILLed during the expansion of 5,000 contacts', () => {
  let env: NotifyTestEnv;
  let a: TestTenant;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;

  beforeAll(async () => {
    smtp = await startSmtp();
    env = await NotifyTestEnv.start({ WORKERS_ENABLED: 'false' });
    a = env.tenant();
  });
  afterAll(async () => {
    await env?.close();
    await smtp?.close();
  });

  it('a second worker resumes at the cursor: every contact has exactly one delivery', async () => {
    const t = await env.http.post(
      '/notify/v1/templates',
      { key: 'kill', name: 'Kill', channels: { email: { subject: 'S', text: 'T' } } },
      { token: a.admin },
    );
    await env.systemQuery(
      `INSERT INTO contacts (tenant_id, email, attributes) SELECT $1, 'k-' || i || '@example.test', '{"cohort":"kill"}' FROM generate_series(1, 5000) AS i`,
      [a.tenantId],
    );
    const c = await env.http.post(
      '/notify/v1/campaigns',
      { name: 'kill', channel: 'email', templateId: t.body.data.id, audience: { filter: { attributes: { cohort: 'kill' } } } },
      { token: a.admin },
    );
    const id = c.body.data.id as string;
    expect((await env.http.post(`/notify/v1/campaigns/${id}/launch`, {}, { token: a.admin })).status).toBe(200);
    const workerEnv = {
      SMTP_URL: smtp.url,
      SMTP_FROM: 'n@example.test',
      WORKER_HEARTBEAT_TIMEOUT: '3',
      CAMPAIGN_CHUNK: '20',
      WORKER_CONCURRENCY: '4',
    };
    const targeted = async () =>
      Number((await env.systemQuery<{ n: string }>('SELECT count(*) AS n FROM campaign_recipients WHERE campaign_id = $1', [id]))[0]!.n);
    const first = await startWorkerProcess(env, workerEnv);
    const t0 = Date.now();
    await env.eventually(async () => (await targeted()) >= 300, 30_000, 'expansion under way');
    console.log(`kill: 300 targeted after ${Date.now() - t0} ms`);
    await first.kill('SIGKILL');
    const atKill = await targeted();
    expect(atKill).toBeLessThan(5000);
    const second = await startWorkerProcess(env, workerEnv);
    const t1 = Date.now();
    try {
      await env.eventually(
        async () => {
          const [r] = await env.systemQuery<{ status: string }>('SELECT status FROM campaigns WHERE id = $1', [id]);
          return r!.status === 'completed';
        },
        120_000,
        'the campaign completes',
      );
      console.log(`kill: ${atKill} targeted at the kill; completed ${Date.now() - t1} ms after the restart`);
    } finally {
      await second.kill('SIGTERM');
    }
    const [r] = await env.systemQuery<{ recipients: string; deliveries: string; contacts: string; linked: string }>(
      `SELECT (SELECT count(*) FROM campaign_recipients WHERE campaign_id = $1) AS recipients,
              (SELECT count(*) FROM deliveries WHERE batch_id = $1) AS deliveries,
              (SELECT count(DISTINCT recipient->>'contactId') FROM deliveries WHERE batch_id = $1) AS contacts,
              (SELECT count(DISTINCT delivery_id) FROM campaign_recipients WHERE campaign_id = $1) AS linked`,
      [id],
    );
    expect(r).toEqual({ recipients: '5000', deliveries: '5000', contacts: '5000', linked: '5000' });
  }, 180_000);
});
