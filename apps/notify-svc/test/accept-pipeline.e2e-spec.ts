import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { RunCampaignUseCase } from '../src/campaigns/usecases/run-campaign/run-campaign.usecase.js';
import { SendToGroupUseCase } from '../src/deliveries/usecases/send-to-group/send-to-group.usecase.js';
import { NotifyTestEnv, type TestTenant } from './support/notify-test-env.js';

/**
 * The one accept pipeline (issue 18): a delivery, a group send, a campaign and a topic forward to
 * the same three recipients — one suppressed, one whose user opted out of email, one plain — get
 * the same decision from each path, and a tenant whose daily quota is spent gets no delivery from
 * any of them. The campaign's jobs are run here by calling the job's use case (workers are off),
 * so what is compared is what each path accepted.
 */
describe('accept pipeline: every path decides the same', () => {
  let env: NotifyTestEnv;

  beforeAll(async () => {
    env = await NotifyTestEnv.start({ TOPIC_PUBLISH_ENTERPRISE: '100000/1m' });
  });
  afterAll(async () => {
    await env?.close();
  });

  /** Three contacts in a static group, a template, a topic with the same three as email subscribers. */
  async function audience(t: TestTenant) {
    const tag = randomUUID().slice(0, 8);
    const emails = { plain: `plain-${tag}@example.com`, suppressed: `suppressed-${tag}@example.com`, optedOut: `opted-${tag}@example.com` };
    const contact = async (body: object) => {
      const res = await env.http.post('/notify/v1/contacts', body, { token: t.admin });
      expect(res.status).toBe(201);
      return res.body.data.id as string;
    };
    const ids = [
      await contact({ email: emails.plain }),
      await contact({ email: emails.suppressed }),
      // Its external id is a user of the tenant: that user's preferences apply.
      await contact({ email: emails.optedOut, externalId: t.userId }),
    ];
    const group = await env.http.post('/notify/v1/groups', { name: `g-${tag}`, kind: 'static' }, { token: t.admin });
    expect(group.status).toBe(201);
    const groupId = group.body.data.id as string;
    expect((await env.http.post(`/notify/v1/groups/${groupId}/members`, { contactIds: ids }, { token: t.admin })).status).toBeLessThan(300);
    const tpl = await env.http.post(
      '/notify/v1/templates',
      { key: `same-${tag}`, name: 'Same', channels: { email: { subject: 'Hi', text: 'Hello {{contact.email}}' } } },
      { token: t.admin },
    );
    expect(tpl.status).toBe(201);
    const topic = `same-${tag}`;
    expect((await env.http.post('/notify/v1/topics', { name: topic, visibility: 'private' }, { token: t.admin })).status).toBe(201);
    for (const [email, userId] of [
      [emails.plain, undefined],
      [emails.suppressed, undefined],
      [emails.optedOut, t.userId],
    ] as const) {
      const sub = await env.http.post(
        `/notify/v1/topics/${topic}/subscriptions`,
        { channel: 'email', to: { email, ...(userId ? { userId } : {}) } },
        { token: t.admin },
      );
      expect(sub.status).toBe(201);
    }
    return { emails, ids, groupId, templateId: tpl.body.data.id as string, topic };
  }

  /** Each of the four paths, once. Returns the batch id each one's deliveries carry (or its refusal status). */
  async function sendEveryWay(t: TestTenant, a: Awaited<ReturnType<typeof audience>>) {
    const direct = await env.http.post(
      '/notify/v1/deliveries/batch',
      { channel: 'email', subject: 'Hi', body: 'Hello', recipients: a.ids.map((contactId) => ({ to: { contactId } })) },
      { token: t.organizer },
    );
    const group = await env.http.post(
      '/notify/v1/deliveries',
      { channel: 'email', subject: 'Hi', body: 'Hello', to: { groupId: a.groupId } },
      { token: t.organizer },
    );
    const topic = await env.http.post(`/notify/v1/topics/${a.topic}`, undefined, {
      raw: 'Hello',
      headers: { 'content-type': 'text/plain', 'x-api-key': t.apiKey(['notifications:send']) },
    });
    const created = await env.http.post(
      '/notify/v1/campaigns',
      { name: 'same', channel: 'email', templateId: a.templateId, audience: { groupIds: [a.groupId] } },
      { token: t.organizer },
    );
    expect(created.status).toBe(201);
    const campaignId = created.body.data.id as string;
    expect((await env.http.post(`/notify/v1/campaigns/${campaignId}/launch`, {}, { token: t.organizer })).status).toBeLessThan(300);
    const jobs = env.t.app.get(RunCampaignUseCase);
    await jobs.expand(t.tenantId, campaignId);
    await jobs.send(t.tenantId, campaignId);
    return { direct, group, topic, campaignId };
  }

  async function decisions(t: TestTenant, where: string, param: string) {
    const rows = await env.systemQuery<{ address: string; status: string; status_reason: string | null }>(
      `SELECT address, status, status_reason FROM deliveries WHERE tenant_id = $1 AND ${where} ORDER BY address`,
      [t.tenantId, param],
    );
    return Object.fromEntries(rows.map((r) => [r.address, r.status]));
  }

  it('suppression and preference: the same status for the same recipient on all four paths', async () => {
    const t = env.tenant();
    const a = await audience(t);
    expect(
      (
        await env.http.post(
          '/notify/v1/suppressions',
          { channel: 'email', address: a.emails.suppressed, reason: 'bounced' },
          { token: t.admin },
        )
      ).status,
    ).toBe(201);
    expect((await env.http.put('/notify/v1/preferences', { channels: { email: false } }, { token: t.user })).status).toBe(200);

    const sent = await sendEveryWay(t, a);
    expect(sent.direct.status).toBe(202);
    expect(sent.group.status).toBe(202);
    expect(sent.topic.status).toBe(200);
    const expected = { [a.emails.plain]: 'queued', [a.emails.suppressed]: 'suppressed', [a.emails.optedOut]: 'skipped' };
    const byPath = {
      delivery: await decisions(t, 'batch_id = $2', sent.direct.body.data.batchId),
      group: await decisions(t, 'batch_id = $2', sent.group.body.data.batchId),
      campaign: await decisions(t, 'batch_id = $2', sent.campaignId),
      topic: await decisions(t, `data->>'messageId' = $2`, sent.topic.body.data.id),
    };
    expect(byPath).toEqual({ delivery: expected, group: expected, campaign: expected, topic: expected });
  });

  it('quota: a tenant whose daily quota is 0 gets no delivery from any path', async () => {
    const t = env.tenant();
    const a = await audience(t);
    expect((await env.http.put(`/notify/v1/admin/quotas/${t.tenantId}`, { dailyLimit: 0 }, { token: t.admin })).status).toBe(200);

    const sent = await sendEveryWay(t, a);
    expect(sent.direct.status).toBe(429);
    expect(sent.direct.body.error.code).toBe('QUOTA_EXCEEDED');
    expect(sent.group.status).toBe(429);
    expect(sent.topic.status).toBe(429);
    const [{ n }] = await env.systemQuery<{ n: string }>('SELECT count(*) AS n FROM deliveries WHERE tenant_id = $1', [t.tenantId]);
    expect(Number(n)).toBe(0);
    // The campaign's recipients wait for the quota (its send job is added again), none closed.
    const waiting = await env.systemQuery<{ status: string }>('SELECT status FROM campaign_recipients WHERE campaign_id = $1', [
      sent.campaignId,
    ]);
    expect(waiting.map((r) => r.status)).toEqual(['pending', 'pending', 'pending']);
  });
});

describe('accept pipeline: a large group send pins its template version', () => {
  let env: NotifyTestEnv;

  beforeAll(async () => {
    // Batches of 2: a group of 3 is "large" (expanded by its job, in two transactions).
    env = await NotifyTestEnv.start({ BATCH_MAX_RECIPIENTS: '2' });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('renders the version current at the request in every chunk, though the template changed before the job ran', async () => {
    const t = env.tenant();
    const tag = randomUUID().slice(0, 8);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await env.http.post('/notify/v1/contacts', { email: `pin-${i}-${tag}@example.com` }, { token: t.admin });
      expect(c.status).toBe(201);
      ids.push(c.body.data.id);
    }
    const group = await env.http.post('/notify/v1/groups', { name: `pin-${tag}`, kind: 'static' }, { token: t.admin });
    const groupId = group.body.data.id as string;
    expect((await env.http.post(`/notify/v1/groups/${groupId}/members`, { contactIds: ids }, { token: t.admin })).status).toBeLessThan(300);
    const tpl = await env.http.post(
      '/notify/v1/templates',
      { key: `pin-${tag}`, name: 'Pin', channels: { email: { subject: 'v1', text: 'first' } } },
      { token: t.admin },
    );
    expect(tpl.status).toBe(201);

    const sent = await env.http.post(
      '/notify/v1/deliveries',
      { channel: 'email', templateKey: `pin-${tag}`, to: { groupId } },
      { token: t.organizer },
    );
    expect(sent.status).toBe(202);
    expect(sent.body.data.status).toBe('expanding');
    const changed = await env.http.put(
      `/notify/v1/templates/${tpl.body.data.id}`,
      { name: 'Pin', channels: { email: { subject: 'v2', text: 'second' } } },
      { token: t.admin },
    );
    expect(changed.status).toBe(200);
    await env.t.app.get(SendToGroupUseCase).run(t.tenantId, sent.body.data.batchId);

    const rows = await env.systemQuery<{ template_version: number; subject: string }>(
      `SELECT template_version, content->>'subject' AS subject FROM deliveries WHERE tenant_id = $1 AND batch_id = $2`,
      [t.tenantId, sent.body.data.batchId],
    );
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.template_version === 1 && r.subject === 'v1')).toBe(true);
    // An unknown template is refused at the request now, not in the job.
    const unknown = await env.http.post(
      '/notify/v1/deliveries',
      { channel: 'email', templateKey: 'no-such', to: { groupId } },
      { token: t.organizer },
    );
    expect(unknown.status).toBe(404);
  });
  it('concurrent accepts of one tenant share transactions: one that fails inside gets its own answer, the rest are stored once', async () => {
    const t = env.tenant();
    const tag = randomUUID().slice(0, 8);
    const sends = Array.from({ length: 12 }, (_, i) =>
      env.http.post(
        '/notify/v1/deliveries',
        i === 5
          ? { channel: 'email', templateKey: `no-such-${tag}`, to: { email: `r${i}-${tag}@example.com` } }
          : { channel: 'email', to: { email: `r${i}-${tag}@example.com` }, subject: 'Hi', body: 'Hello' },
        { token: t.organizer },
      ),
    );
    const answers = await Promise.all(sends);
    expect(answers.map((a) => a.status)).toEqual(answers.map((_, i) => (i === 5 ? 404 : 202)));
    const rows = await env.systemQuery<{ address: string }>(`SELECT address FROM deliveries WHERE tenant_id = $1 ORDER BY address`, [
      t.tenantId,
    ]);
    const expected = answers.flatMap((_, i) => (i === 5 ? [] : [`r${i}-${tag}@example.com`])).sort();
    expect(rows.map((r) => r.address)).toEqual(expected);
    // Each accepted delivery has its one job, and the ids answered are the ones stored.
    const ids = answers.filter((a) => a.status === 202).map((a) => a.body.data.id as string);
    const jobs = await env.systemQuery<{ n: string }>(`SELECT count(*) AS n FROM graphile_worker.jobs WHERE key = ANY($1)`, [ids]);
    expect(Number(jobs[0]!.n)).toBe(11);
  });
});
