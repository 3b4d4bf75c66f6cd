import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createECDH, randomBytes, randomUUID } from 'node:crypto';
import webpush from 'web-push';
import { UnitOfWork } from '../src/database/unit-of-work.js';
import { TENANT_TABLES as PIPELINE_TABLES } from '../src/database/migrations/1796000000006-notify-delivery-pipeline.js';
import { PUSH_TENANT_TABLES } from '../src/database/migrations/1796000000008-notify-push.js';
import { TOPIC_TABLES } from '../src/database/migrations/1796000000009-notify-topics.js';
import { PROVIDER_ACCOUNT_TABLES } from '../src/database/migrations/1796000000011-notify-provider-accounts.js';
import { CONTACT_TABLES } from '../src/database/migrations/1796000000010-notify-contacts.js';
import { CAMPAIGN_TABLES } from '../src/database/migrations/1796000000013-notify-campaigns.js';
import { WORKFLOW_TABLES } from '../src/database/migrations/1796000000014-notify-workflows.js';

const TENANT_TABLES = [
  ...PIPELINE_TABLES,
  ...PUSH_TENANT_TABLES,
  ...TOPIC_TABLES,
  ...PROVIDER_ACCOUNT_TABLES,
  ...CONTACT_TABLES,
  ...CAMPAIGN_TABLES,
  ...WORKFLOW_TABLES,
];
import { NotifyTestEnv, type TestTenant } from './support/notify-test-env.js';

describe('tenant isolation', () => {
  let env: NotifyTestEnv;
  let a: TestTenant;
  let b: TestTenant;
  /** Tenant B's admin token for a user with the same id as A's user: ids alone must not cross tenants. */
  let bSameSub: string;
  const ids: Record<string, string> = {};
  const suppressedAddress = `shared-${randomUUID()}@example.com`;

  beforeAll(async () => {
    const vapid = webpush.generateVAPIDKeys();
    env = await NotifyTestEnv.start({
      WORKERS_ENABLED: 'true',
      WEB_PUSH_VAPID_PUBLIC_KEY: vapid.publicKey,
      WEB_PUSH_VAPID_PRIVATE_KEY: vapid.privateKey,
      WEB_PUSH_ALLOW_PRIVATE: 'true',
    });
    a = env.tenant();
    b = env.tenant();
    bSameSub = b.token(['user', 'organizer', 'admin'], { sub: a.userId });
    const post = async (path: string, body: object, token = a.admin) => {
      const res = await env.http.post(path, body, { token });
      expect(res.status).toBeLessThan(300);
      return res.body.data;
    };
    ids.template = (
      await post('/notify/v1/templates', {
        key: 'welcome',
        name: 'Welcome',
        channels: { in_app: { body: 'Hi {{name}}' }, email: { subject: 'Hi', text: 'Hi' } },
      })
    ).id;
    ids.delivery = (
      await post('/notify/v1/deliveries', { channel: 'in_app', to: { userId: a.userId }, templateId: ids.template, data: { name: 'A' } })
    ).id;
    const browser = createECDH('prime256v1');
    browser.generateKeys();
    // Registered by A's user; nothing is sent to it (port 9, discard, on loopback: never reached).
    ids.pushSubscription = (
      await post(
        '/notify/v1/push-subscriptions',
        {
          endpoint: 'http://127.0.0.1:9/push/a',
          keys: { p256dh: browser.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
        },
        a.user,
      )
    ).id;
    ids.device = (await post('/notify/v1/devices', { token: `a-device:APA91b${randomBytes(40).toString('base64url')}` }, a.user)).id;
    ids.suppression = (await post('/notify/v1/suppressions', { channel: 'email', address: suppressedAddress, reason: 'bounced' })).id;
    await env.http.put('/notify/v1/preferences/categories/security', { required: true }, { token: a.admin });
    await env.http.put('/notify/v1/preferences', { channels: { email: false } }, { token: a.user });
    await env.http.put(`/notify/v1/admin/quotas/${a.tenantId}`, { dailyLimit: 777 }, { token: a.admin });
    const account = await env.http.put(
      '/notify/v1/providers/twilio',
      { accountSid: `AC${randomBytes(16).toString('hex')}`, authToken: randomBytes(16).toString('hex') },
      { token: a.admin },
    );
    expect(account.status).toBe(200);
    ids.contact = (await post('/notify/v1/contacts', { email: `contact-${randomUUID()}@example.com`, externalId: 'a-1' })).id;
    ids.group = (await post('/notify/v1/groups', { name: 'iso', kind: 'static' })).id;
    await post(`/notify/v1/groups/${ids.group}/members`, { contactIds: [ids.contact] });
    ids.campaign = (
      await post('/notify/v1/campaigns', { name: 'iso', channel: 'email', templateId: ids.template, audience: { groupIds: [ids.group] } })
    ).id;
    const imported = await env.http.post('/notify/v1/contacts/import', undefined, {
      token: a.admin,
      raw: 'email\nimported@example.com\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(imported.status).toBe(202);
    ids.contactImport = imported.body.data.id;
    await post('/notify/v1/topics', { name: 'iso', visibility: 'private' });
    ids.topicToken = (await post('/notify/v1/topics/iso/access-tokens', { name: 'iso', accessLevel: 'read_write' })).id;
    const published = await env.http.post('/notify/v1/topics/iso', { message: 'for A only' }, { token: a.admin });
    expect(published.status).toBe(200);
    ids.notification = await env.eventually(
      async () => {
        const inbox = await env.http.get('/notify/v1/notifications', { token: a.user });
        return inbox.body.data[0]?.id as string | undefined;
      },
      10_000,
      'the in-app delivery in the inbox',
    );
  });
  afterAll(async () => {
    await env?.close();
  });

  const notFound: Array<[string, string, () => string, (() => object) | undefined]> = [
    ['GET', 'delivery', () => `/notify/v1/deliveries/${ids.delivery}`, undefined],
    ['POST', 'cancel delivery', () => `/notify/v1/deliveries/${ids.delivery}/cancel`, () => ({})],
    ['GET', 'template', () => `/notify/v1/templates/${ids.template}`, undefined],
    ['GET', 'template versions', () => `/notify/v1/templates/${ids.template}/versions`, undefined],
    ['PUT', 'template', () => `/notify/v1/templates/${ids.template}`, () => ({ name: 'stolen' })],
    ['PATCH', 'template', () => `/notify/v1/templates/${ids.template}`, () => ({ name: 'stolen' })],
    ['DELETE', 'template', () => `/notify/v1/templates/${ids.template}`, undefined],
    ['POST', 'template preview', () => `/notify/v1/templates/${ids.template}/preview`, () => ({ channel: 'in_app', data: { name: 'x' } })],
    [
      'POST',
      'template test-send',
      () => `/notify/v1/templates/${ids.template}/test-send`,
      () => ({ channel: 'in_app', data: { name: 'x' } }),
    ],
    [
      'POST',
      'send with the template id',
      () => '/notify/v1/deliveries',
      () => ({ channel: 'in_app', to: { userId: a.userId }, templateId: ids.template, data: { name: 'x' } }),
    ],
    [
      'POST',
      'send with the template key',
      () => '/notify/v1/deliveries',
      () => ({ channel: 'in_app', to: { userId: a.userId }, templateKey: 'welcome', data: { name: 'x' } }),
    ],
    ['DELETE', 'suppression', () => `/notify/v1/suppressions/${ids.suppression}`, undefined],
    ['PATCH', 'notification', () => `/notify/v1/notifications/${ids.notification}`, () => ({ read: true })],
    ['DELETE', 'push subscription', () => `/notify/v1/push-subscriptions/${ids.pushSubscription}`, undefined],
    ['DELETE', 'device', () => `/notify/v1/devices/${ids.device}`, undefined],
    ['GET', 'quota', () => `/notify/v1/admin/quotas/${a.tenantId}`, undefined],
    ['PUT', 'quota', () => `/notify/v1/admin/quotas/${a.tenantId}`, () => ({ dailyLimit: 1 })],
    ['GET', 'provider account', () => '/notify/v1/providers/twilio', undefined],
    ['DELETE', 'provider account', () => '/notify/v1/providers/twilio', undefined],
    ['POST', 'provider account test', () => '/notify/v1/providers/twilio/test', () => ({ to: '+14155552671' })],
    ['GET', 'contact', () => `/notify/v1/contacts/${ids.contact}`, undefined],
    ['PATCH', 'contact', () => `/notify/v1/contacts/${ids.contact}`, () => ({ name: 'stolen' })],
    ['DELETE', 'contact', () => `/notify/v1/contacts/${ids.contact}`, undefined],
    ['GET', 'group', () => `/notify/v1/groups/${ids.group}`, undefined],
    ['PATCH', 'group', () => `/notify/v1/groups/${ids.group}`, () => ({ name: 'stolen' })],
    ['DELETE', 'group', () => `/notify/v1/groups/${ids.group}`, undefined],
    ['GET', 'group members', () => `/notify/v1/groups/${ids.group}/members`, undefined],
    ['POST', 'group members', () => `/notify/v1/groups/${ids.group}/members`, () => ({ contactIds: [ids.contact] })],
    ['DELETE', 'group members', () => `/notify/v1/groups/${ids.group}/members`, () => ({ contactIds: [ids.contact] })],
    ['GET', 'contacts of a group', () => `/notify/v1/contacts?groupId=${ids.group}`, undefined],
    ['GET', 'campaign', () => `/notify/v1/campaigns/${ids.campaign}`, undefined],
    ['PATCH', 'campaign', () => `/notify/v1/campaigns/${ids.campaign}`, () => ({ name: 'stolen' })],
    ['DELETE', 'campaign', () => `/notify/v1/campaigns/${ids.campaign}`, undefined],
    ['GET', 'campaign stats', () => `/notify/v1/campaigns/${ids.campaign}/stats`, undefined],
    ['GET', 'campaign stats stream', () => `/notify/v1/campaigns/${ids.campaign}/stats/stream`, undefined],
    ['POST', 'campaign launch', () => `/notify/v1/campaigns/${ids.campaign}/launch`, () => ({})],
    ['POST', 'campaign pause', () => `/notify/v1/campaigns/${ids.campaign}/pause`, () => ({})],
    ['POST', 'campaign resume', () => `/notify/v1/campaigns/${ids.campaign}/resume`, () => ({})],
    ['POST', 'campaign cancel', () => `/notify/v1/campaigns/${ids.campaign}/cancel`, () => ({})],
    ['POST', 'campaign test', () => `/notify/v1/campaigns/${ids.campaign}/test`, () => ({ to: { email: 'x@example.com' } })],
    ['GET', 'contacts import', () => `/notify/v1/contacts/imports/${ids.contactImport}`, undefined],
    ['GET', 'contacts export of a group', () => `/notify/v1/contacts/export?groupId=${ids.group}`, undefined],
    ['GET', 'topic', () => '/notify/v1/topics/iso', undefined],
    ['PATCH', 'topic', () => '/notify/v1/topics/iso', () => ({ visibility: 'public' })],
    ['DELETE', 'topic', () => '/notify/v1/topics/iso', undefined],
    ['POST', 'topic publish', () => '/notify/v1/topics/iso', () => ({ message: 'stolen' })],
    ['GET', 'topic poll', () => '/notify/v1/topics/iso/json?poll=1', undefined],
    ['GET', 'topic tokens', () => '/notify/v1/topics/iso/access-tokens', undefined],
    ['DELETE', 'topic token', () => `/notify/v1/topics/iso/access-tokens/${ids.topicToken}`, undefined],
    ['POST', 'topic token', () => '/notify/v1/topics/iso/access-tokens', () => ({ name: 'x', accessLevel: 'read' })],
    ['GET', 'topic subscriptions', () => '/notify/v1/topics/iso/subscriptions', undefined],
    [
      'POST',
      'topic subscription',
      () => '/notify/v1/topics/iso/subscriptions',
      () => ({ channel: 'email', to: { email: 'x@example.com' } }),
    ],
  ];

  it.each(notFound)("%s %s of tenant A is 404 for tenant B's admin", async (method, _what, path, body) => {
    for (const token of [b.admin, bSameSub]) {
      const res = await env.http.request(method, path(), { token, body: body?.(), headers: { 'x-tenant-id': a.tenantId } });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
  });

  const lists: Array<[string, string]> = [
    ['deliveries', '/notify/v1/deliveries'],
    ['templates', '/notify/v1/templates'],
    ['suppressions', '/notify/v1/suppressions'],
    ['inbox', '/notify/v1/notifications'],
    ['categories', '/notify/v1/preferences/categories'],
    ['push subscriptions', '/notify/v1/push-subscriptions'],
    ['devices', '/notify/v1/devices'],
    ['topics', '/notify/v1/topics'],
    ['provider accounts', '/notify/v1/providers'],
    ['contacts', '/notify/v1/contacts'],
    ['groups', '/notify/v1/groups'],
    ['campaigns', '/notify/v1/campaigns'],
  ];

  it.each(lists)('lists of %s are empty for tenant B', async (_what, path) => {
    for (const token of [b.admin, bSameSub]) {
      const res = await env.http.get(path, { token, headers: { 'x-tenant-id': a.tenantId } });
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual([]);
      expect(res.body.meta.tenant_id).toBe(b.tenantId);
    }
  });

  it("tenant B sees none of A's preferences, counts, metrics or backlog", async () => {
    const prefs = await env.http.get('/notify/v1/preferences', { token: bSameSub });
    expect(prefs.body.data).toEqual({ channels: {}, categories: {}, requiredCategories: [], updatedAt: null });
    expect((await env.http.get('/notify/v1/notifications/unread-count', { token: bSameSub })).body.data).toEqual({ unread: 0 });
    expect((await env.http.post('/notify/v1/notifications/read-all', {}, { token: bSameSub })).body.data).toEqual({ updated: 0 });
    const summary = await env.http.get('/notify/v1/metrics/summary', { token: b.admin });
    expect(summary.body.data.total).toBe(0);
    const providers = await env.http.get('/notify/v1/admin/providers', { token: b.admin });
    expect(providers.body.data.every((p: { queued: number }) => p.queued === 0)).toBe(true);
    const quota = await env.http.get(`/notify/v1/admin/quotas/${b.tenantId}`, { token: b.admin });
    expect(quota.body.data).toMatchObject({ tenantId: b.tenantId, source: 'plan' });
  });

  it("A's suppressions, preferences and required categories do not apply to B's sends", async () => {
    const toSuppressed = await env.http.post(
      '/notify/v1/deliveries',
      { channel: 'email', to: { email: suppressedAddress }, subject: 's', body: 'b' },
      { token: b.organizer },
    );
    expect(toSuppressed.body.data.status).toBe('queued');
    const toSameUser = await env.http.post(
      '/notify/v1/deliveries',
      { channel: 'email', to: { email: 'x@example.com', userId: a.userId }, subject: 's', body: 'b' },
      { token: b.organizer },
    );
    expect(toSameUser.body.data.status).toBe('queued');
    // And B's own required category does not exist: B's user may opt out of "security".
    expect((await env.http.put('/notify/v1/preferences', { categories: { security: { email: false } } }, { token: bSameSub })).status).toBe(
      200,
    );
  });

  it("nothing of tenant A changed through B's attempts", async () => {
    const d = await env.http.get(`/notify/v1/deliveries/${ids.delivery}`, { token: a.admin });
    expect(d.body.data.status).toBe('delivered');
    const t = await env.http.get(`/notify/v1/templates/${ids.template}`, { token: a.admin });
    expect(t.body.data).toMatchObject({ name: 'Welcome', version: 1 });
    const s = await env.http.get('/notify/v1/suppressions', { token: a.admin });
    expect(s.body.data.map((x: { id: string }) => x.id)).toEqual([ids.suppression]);
    const n = await env.http.get('/notify/v1/notifications/unread-count', { token: a.user });
    expect(n.body.data.unread).toBe(1);
    const q = await env.http.get(`/notify/v1/admin/quotas/${a.tenantId}`, { token: a.admin });
    expect(q.body.data).toMatchObject({ dailyLimit: 777, source: 'override' });
    const prefs = await env.http.get('/notify/v1/preferences', { token: a.user });
    expect(prefs.body.data.channels).toEqual({ email: false });
    const subs = await env.http.get('/notify/v1/push-subscriptions', { token: a.user });
    expect(subs.body.data.map((x: { id: string }) => x.id)).toEqual([ids.pushSubscription]);
    const devices = await env.http.get('/notify/v1/devices', { token: a.user });
    expect(devices.body.data.map((x: { id: string }) => x.id)).toEqual([ids.device]);
    const accounts = await env.http.get('/notify/v1/providers', { token: a.admin });
    expect(accounts.body.data.map((x: { provider: string }) => x.provider)).toEqual(['twilio']);
    const contact = await env.http.get(`/notify/v1/contacts/${ids.contact}`, { token: a.user });
    expect(contact.body.data).toMatchObject({ id: ids.contact, name: null, externalId: 'a-1' });
    const group = await env.http.get(`/notify/v1/groups/${ids.group}`, { token: a.user });
    expect(group.body.data).toMatchObject({ name: 'iso', memberCount: 1 });
  });

  it("B cannot send to A's contacts or groups (422: no such contact or group in B), and B's same external id is B's own", async () => {
    for (const to of [{ contactId: ids.contact }, { groupId: ids.group }, { externalId: 'a-1' }]) {
      const res = await env.http.post('/notify/v1/deliveries', { channel: 'email', to, subject: 's', body: 'b' }, { token: b.organizer });
      expect(res.status).toBe(422);
    }
  });

  describe('row-level security', () => {
    it("an unfiltered query inside tenant A's transaction returns no row of tenant B, on every tenant table", async () => {
      const db = env.t.app.get(UnitOfWork);
      for (const table of TENANT_TABLES) {
        const totals = await env.systemQuery<{ tenant_id: string }>(`SELECT DISTINCT tenant_id FROM ${table}`);
        const seen = await db.tenant(a.tenantId, (tx) => tx.rows<{ tenant_id: string }>(`SELECT DISTINCT tenant_id FROM ${table}`));
        expect(seen.every((r) => r.tenant_id === a.tenantId)).toBe(true);
        if (totals.some((r) => r.tenant_id === b.tenantId)) expect(seen.length).toBeLessThan(totals.length);
      }
      // The deliberately unfiltered query: deliveries exist for both tenants, A sees only its own.
      const all = await env.systemQuery<{ n: string }>(`SELECT count(*) AS n FROM deliveries WHERE tenant_id = $1`, [b.tenantId]);
      expect(Number(all[0]!.n)).toBeGreaterThan(0);
      const asA = await db.tenant(a.tenantId, (tx) => tx.rows<{ tenant_id: string }>('SELECT tenant_id FROM deliveries'));
      expect(asA.length).toBeGreaterThan(0);
      expect(asA.filter((r) => r.tenant_id === b.tenantId)).toEqual([]);
    });

    it("unfiltered writes inside tenant A's transaction cannot touch or create tenant B's rows", async () => {
      const db = env.t.app.get(UnitOfWork);
      const changed = await db.tenant(a.tenantId, (tx) =>
        tx.exec(`UPDATE deliveries SET priority = priority WHERE tenant_id = $1`, [b.tenantId]),
      );
      expect(changed).toBe(0);
      await expect(
        db.tenant(a.tenantId, (tx) =>
          tx.exec(`INSERT INTO suppressions (tenant_id, channel, address, reason, created_by) VALUES ($1, 'email', 'x@y.z', 'r', 't')`, [
            b.tenantId,
          ]),
        ),
      ).rejects.toThrow(/row-level security/);
    });

    it('no setting a session can change widens its view: the old app.system switch and empty or odd tenant values open nothing', async () => {
      const db = env.t.app.get(UnitOfWork);
      const attempts = [
        `SELECT set_config('app.system', 'on', true)`,
        `SELECT set_config('app.tenant_id', '', true)`,
        `SELECT set_config('app.tenant_id', 'on', false)`,
        `SELECT set_config('app.bypass_rls', 'on', true)`,
        `SET LOCAL row_security = off`,
      ];
      for (const attempt of attempts) {
        const seen = await db
          .tenant(a.tenantId, async (tx) => {
            await tx.exec(attempt);
            return tx.rows<{ tenant_id: string }>('SELECT DISTINCT tenant_id FROM deliveries');
          })
          .catch((err: unknown) => err as Error);
        if (seen instanceof Error) {
          // Refused outright (an invalid uuid, or row_security = off under a policy): nothing read.
          expect(seen.message).toMatch(/invalid input syntax|row-level security|query would be affected/);
          continue;
        }
        expect(seen.every((r) => r.tenant_id === a.tenantId)).toBe(true);
      }
      const maint = await db.maintenance((tx) => tx.rows<{ tenant_id: string }>('SELECT DISTINCT tenant_id FROM deliveries'));
      expect(maint.map((r) => r.tenant_id).sort()).toEqual(expect.arrayContaining([a.tenantId, b.tenantId]));
    });

    it('binds even though the service logs in as the table owner (or a superuser), and a tenant without data sees nothing', async () => {
      const db = env.t.app.get(UnitOfWork);
      const who = await db.tenant(a.tenantId, (tx) =>
        tx.one<{ bypass: boolean }>('SELECT rolsuper OR rolbypassrls AS bypass FROM pg_roles WHERE rolname = current_user'),
      );
      expect(who?.bypass).toBe(false);
      const forced = await env.systemQuery<{ relforcerowsecurity: boolean }>(
        'SELECT relforcerowsecurity FROM pg_class WHERE relname = ANY($1)',
        [[...TENANT_TABLES]],
      );
      expect(forced).toHaveLength(TENANT_TABLES.length);
      expect(forced.every((r) => r.relforcerowsecurity)).toBe(true);
      for (const table of TENANT_TABLES) {
        expect(await db.tenant(randomUUID(), (tx) => tx.rows(`SELECT 1 FROM ${table}`))).toEqual([]);
      }
    });
  });
  describe('shared worker transactions (UnitOfWork.shared)', () => {
    const txid = (tx: { one: <T>(sql: string) => Promise<T | undefined> }) =>
      tx.one<{ id: string }>('SELECT txid_current()::text AS id').then((r) => r!.id);

    it("steps asked for in one turn share one transaction per tenant, and each still sees only its tenant's rows", async () => {
      const db = env.t.app.get(UnitOfWork);
      const seen = (tenantId: string) =>
        db.shared(tenantId, async (tx) => ({
          txid: await txid(tx),
          tenants: (await tx.rows<{ tenant_id: string }>('SELECT DISTINCT tenant_id FROM deliveries')).map((r) => r.tenant_id),
        }));
      const [a1, a2, a3, b1] = await Promise.all([seen(a.tenantId), seen(a.tenantId), seen(a.tenantId), seen(b.tenantId)]);
      expect(new Set([a1.txid, a2.txid, a3.txid]).size).toBe(1);
      expect(b1.txid).not.toBe(a1.txid);
      for (const r of [a1, a2, a3]) expect(r.tenants).toEqual([a.tenantId]);
      expect(b1.tenants).toEqual([b.tenantId]);
    });

    it('a failing step neither fails nor commits its neighbours: they run again alone and commit once', async () => {
      const db = env.t.app.get(UnitOfWork);
      const tag = randomUUID();
      const suppress = (address: string) =>
        db.shared(a.tenantId, async (tx) => {
          await tx.exec(`INSERT INTO suppressions (tenant_id, channel, address, reason, created_by) VALUES ($1, 'email', $2, 'r', 't')`, [
            a.tenantId,
            address,
          ]);
          return txid(tx);
        });
      const failing = db.shared(a.tenantId, async (tx) => {
        await tx.exec(`INSERT INTO suppressions (tenant_id, channel, address, reason, created_by) VALUES ($1, 'email', $2, 'r', 't')`, [
          a.tenantId,
          `bad-${tag}@example.com`,
        ]);
        throw new Error('this step fails');
      });
      const results = await Promise.allSettled([suppress(`x-${tag}@example.com`), failing, suppress(`y-${tag}@example.com`)]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      const [x, , y] = results as Array<PromiseFulfilledResult<string>>;
      expect(x.value).not.toBe(y.value); // each ran alone after the shared transaction rolled back
      const rows = await env.systemQuery<{ address: string }>(`SELECT address FROM suppressions WHERE address LIKE $1 ORDER BY address`, [
        `%-${tag}@example.com`,
      ]);
      expect(rows.map((r) => r.address)).toEqual([`x-${tag}@example.com`, `y-${tag}@example.com`]);
    });

    it("graphile-worker's add_job functions plan generically (no re-planning per accepted delivery)", async () => {
      const fns = await env.systemQuery<{ proname: string; proconfig: string[] | null }>(
        `SELECT p.proname, p.proconfig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = 'graphile_worker' AND p.proname IN ('add_job', 'add_jobs') ORDER BY 1`,
      );
      expect(fns.map((f) => f.proname)).toEqual(['add_job', 'add_jobs']);
      for (const f of fns) expect(f.proconfig).toContain('plan_cache_mode=force_generic_plan');
    });
  });
});
