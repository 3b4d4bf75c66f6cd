import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { nextLocalTime } from '../src/campaigns/local-time.js';
import { WorkflowClock } from '../src/workflows/workflow-clock.js';
import { NotifyTestEnv, type TestTenant } from './support/notify-test-env.js';
import { startSmtp } from './support/smtp-peer.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MIN = 60_000;

describe('workflows (workers on, real SMTP peer, a controllable clock)', () => {
  let env: NotifyTestEnv;
  let a: TestTenant;
  let b: TestTenant;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  /** The workflow clock runs at real speed from Date.now() + offset; tests move it forward. */
  let offset = 0;

  beforeAll(async () => {
    smtp = await startSmtp();
    env = await NotifyTestEnv.start({
      WORKERS_ENABLED: 'true',
      WORKER_CONCURRENCY: '8',
      WORKER_POLL_INTERVAL: '1',
      SMTP_URL: smtp.url,
      SMTP_FROM: 'Notify <notify@example.test>',
      WORKFLOW_POLL_INTERVAL: '1s',
    });
    const clock = env.t.app.get(WorkflowClock);
    clock.now = () => Date.now() + offset;
    a = env.tenant();
    b = env.tenant();
  });
  afterAll(async () => {
    await env?.close();
    await smtp?.close();
  });

  const uniq = () => randomUUID().slice(0, 8);
  const post = (path: string, body: object, token = a.organizer) => env.http.post(path, body, { token });
  const get = (path: string, token = a.organizer) => env.http.get(path, { token });
  const mail = () => `wf-${uniq()}@example.test`;

  async function workflow(steps: unknown[], extra: Record<string, unknown> = {}, token = a.organizer) {
    const key = `wf-${uniq()}`;
    const res = await post('/notify/v1/workflows', { key, name: 'A workflow', steps, ...extra }, token);
    expect(res.status).toBe(201);
    return key;
  }

  async function trigger(key: string, body: Record<string, unknown>, token = a.organizer) {
    const res = await post(`/notify/v1/workflows/${key}/trigger`, body, token);
    expect(res.status).toBe(202);
    return res.body.data as { runs: Array<{ id: string; deduplicated: boolean }> };
  }

  const run = async (id: string, token = a.organizer) => (await get(`/notify/v1/workflow-runs/${id}`, token)).body.data;
  const runIs = (id: string, ...statuses: string[]) =>
    env.eventually(
      async () => {
        const r = await run(id);
        return statuses.includes(r.status) ? r : undefined;
      },
      15_000,
      `run ${id} ${statuses.join('|')}`,
    );

  describe('definitions', () => {
    it('create, read (every role), replace as a new version, list, delete; a user cannot write', async () => {
      const key = await workflow([{ type: 'email', content: { subject: 'Hi', body: 'Hello' } }], { description: 'd', category: 'social' });
      const got = await get(`/notify/v1/workflows/${key}`, a.user);
      expect(got.status).toBe(200);
      expect(got.body.data).toMatchObject({ key, version: 1, category: 'social', steps: [{ type: 'email', name: 'step-1' }] });
      const put = await env.http.put(
        `/notify/v1/workflows/${key}`,
        { name: 'Renamed', steps: [{ type: 'in_app', name: 'inbox', content: { body: 'x' } }] },
        { token: a.admin },
      );
      expect(put.status).toBe(200);
      expect(put.body.data).toMatchObject({ key, name: 'Renamed', version: 2, steps: [{ type: 'in_app', name: 'inbox' }] });
      expect((await get('/notify/v1/workflows', a.user)).body.data.map((w: { key: string }) => w.key)).toContain(key);
      // Every version, newest first, for every role; another tenant's key and a malformed key are 404.
      const versions = await get(`/notify/v1/workflows/${key}/versions`, a.user);
      expect(versions.status).toBe(200);
      expect(versions.body.data).toMatchObject([
        { version: 2, name: 'Renamed', category: null, steps: [{ type: 'in_app', name: 'inbox' }] },
        { version: 1, category: 'social', description: 'd', steps: [{ type: 'email', name: 'step-1' }] },
      ]);
      expect((await get(`/notify/v1/workflows/${key}/versions`, b.admin)).status).toBe(404);
      expect((await get(`/notify/v1/workflows/${'%27%20OR%201=1'}/versions`, a.user)).status).toBe(404);
      const dup = await post('/notify/v1/workflows', { key, name: 'again', steps: [{ type: 'in_app', content: { body: 'x' } }] });
      expect(dup.status).toBe(409);
      for (const [method, path, body] of [
        ['POST', '/notify/v1/workflows', { key: `x-${uniq()}`, name: 'x', steps: [{ type: 'in_app', content: { body: 'x' } }] }],
        ['PUT', `/notify/v1/workflows/${key}`, { name: 'y', steps: [{ type: 'in_app', content: { body: 'x' } }] }],
        ['DELETE', `/notify/v1/workflows/${key}`, undefined],
        ['POST', `/notify/v1/workflows/${key}/trigger`, { to: { userId: a.userId } }],
      ] as const) {
        expect((await env.http.request(method, path, { token: a.user, body })).status).toBe(403);
      }
      expect((await env.http.delete(`/notify/v1/workflows/${key}`, { token: a.admin })).status).toBe(200);
      expect((await get(`/notify/v1/workflows/${key}`)).status).toBe(404);
      expect((await get(`/notify/v1/workflows/${key}/versions`)).status).toBe(404);
    });

    it.each([
      ['an unknown step type', [{ type: 'fax', content: { body: 'x' } }], 'steps[0].type'],
      [
        'a condition on a step that does not exist',
        [
          { type: 'in_app', content: { body: 'x' } },
          { type: 'email', templateKey: 't', if: { step: 'nope', is: 'unseen' } },
        ],
        'steps[1].if.step',
      ],
      [
        'a condition on a later step',
        [
          { type: 'email', templateKey: 't', if: { step: 'later', is: 'sent' } },
          { type: 'in_app', name: 'later', content: { body: 'x' } },
        ],
        'steps[0].if.step',
      ],
      [
        'a digest with no channel step after it',
        [
          { type: 'email', templateKey: 't' },
          { type: 'digest', window: '10m' },
        ],
        'steps[1]',
      ],
      [
        'a delay out of range',
        [
          { type: 'delay', for: '400d' },
          { type: 'email', templateKey: 't' },
        ],
        'steps[0].for',
      ],
      [
        'a digest window of 0',
        [
          { type: 'digest', window: '0' },
          { type: 'email', templateKey: 't' },
        ],
        'steps[0].window',
      ],
      [
        'a throttle without a limit',
        [
          { type: 'throttle', window: '1h' },
          { type: 'email', templateKey: 't' },
        ],
        'steps[0].limit',
      ],
      ['an unknown operator', [{ type: 'email', templateKey: 't', if: { field: 'data.amount', matches: '.*' } }], 'steps[0].if.matches'],
      [
        'a path outside data/recipient/digest',
        [{ type: 'email', templateKey: 't', if: { field: 'process.env', exists: true } }],
        'steps[0].if.field',
      ],
      [
        'seen on a non in-app step',
        [
          { type: 'email', name: 'm', templateKey: 't' },
          { type: 'sms', templateKey: 't', if: { step: 'm', is: 'seen' } },
        ],
        'steps[1].if.is',
      ],
      [
        'a field a step does not have',
        [
          { type: 'delay', for: '1m', window: '1h' },
          { type: 'email', templateKey: 't' },
        ],
        'steps[0].window',
      ],
      ['an email without a subject', [{ type: 'email', content: { body: 'x' } }], 'steps[0].content.subject'],
      [
        'two steps with one name',
        [
          { type: 'in_app', name: 'a', content: { body: 'x' } },
          { type: 'in_app', name: 'a', content: { body: 'y' } },
        ],
        'steps[1].name',
      ],
      [
        'a bad local time',
        [
          { type: 'delay', localTime: '25:00' },
          { type: 'email', templateKey: 't' },
        ],
        'steps[0].localTime',
      ],
      ['steps that are not an array', { type: 'email' }, 'steps'],
    ])('%s is 400 naming the field; nothing is stored', async (_, steps, field) => {
      const key = `bad-${uniq()}`;
      const res = await post('/notify/v1/workflows', { key, name: 'bad', steps });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
      expect((await get(`/notify/v1/workflows/${key}`)).status).toBe(404);
    });

    it('a bad trigger is 400 naming the field; an unknown workflow is 404', async () => {
      const key = await workflow([{ type: 'in_app', content: { body: 'x' } }]);
      const bad = await post(`/notify/v1/workflows/${key}/trigger`, { to: [{ userId: 'not-a-uuid' }] });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.map((d: { field: string }) => d.field)).toContain('to[0].userId');
      expect((await post(`/notify/v1/workflows/${key}/trigger`, { data: {} })).status).toBe(400);
      expect((await post(`/notify/v1/workflows/nope-${uniq()}/trigger`, { to: { userId: a.userId } })).status).toBe(404);
      const runs = await get(`/notify/v1/workflow-runs?workflowKey=${key}`);
      expect(runs.body.data).toHaveLength(0);
    });
  });

  describe('runs', () => {
    it('in-app, then email if unseen after 30 minutes: seen within the delay -> no email; unseen -> exactly one email', async () => {
      const key = await workflow([
        { type: 'in_app', name: 'inbox', content: { subject: 'New comment', body: 'Ada commented' } },
        { type: 'delay', for: '30m' },
        { type: 'email', content: { subject: 'You have an unread comment', body: 'Ada commented' }, if: { step: 'inbox', is: 'unseen' } },
      ]);
      const seenUser = { id: a.userId, email: mail(), token: a.user };
      const otherId = randomUUID();
      const unseenUser = { id: otherId, email: mail(), token: a.token(['user'], { sub: otherId }) };
      const [r1] = (await trigger(key, { to: { userId: seenUser.id, email: seenUser.email } })).runs;
      const [r2] = (await trigger(key, { to: { userId: unseenUser.id, email: unseenUser.email } })).runs;
      await runIs(r1!.id, 'waiting');
      await runIs(r2!.id, 'waiting');
      // The first user sees the in-app item while the run waits.
      const item = await env.eventually(
        async () => {
          const list = await get('/notify/v1/notifications', seenUser.token);
          return list.body.data[0];
        },
        15_000,
        'in-app item',
      );
      expect(item).toMatchObject({ title: 'New comment', seen: false, read: false });
      const seen = await env.http.patch(`/notify/v1/notifications/${item.id}`, { seen: true }, { token: seenUser.token });
      expect(seen.status).toBe(200);
      expect(seen.body.data).toMatchObject({ seen: true, read: false });
      await env.eventually(
        async () => (await get('/notify/v1/notifications', unseenUser.token)).body.data[0],
        15_000,
        'second in-app item',
      );

      offset += 31 * MIN;
      const done1 = await runIs(r1!.id, 'completed');
      const done2 = await runIs(r2!.id, 'completed');
      expect(done1.steps.map((s: { status: string }) => s.status)).toEqual(['sent', 'completed', 'skipped']);
      expect(done2.steps.map((s: { status: string }) => s.status)).toEqual(['sent', 'completed', 'sent']);
      expect(done2.steps[2].deliveryIds).toHaveLength(1);
      await env.eventually(async () => smtp.to(unseenUser.email).length === 1, 15_000, 'the email');
      await sleep(1500);
      expect(smtp.to(unseenUser.email)).toHaveLength(1);
      expect(smtp.to(seenUser.email)).toHaveLength(0);
    });

    it('a digest of 10 triggers in the window -> one email listing 10; an 11th after the window starts a new run', async () => {
      const tpl = await post('/notify/v1/templates', {
        key: `digest-${uniq()}`,
        name: 'Digest',
        channels: { email: { subject: '{{digest.count}} new comments', text: '{{#each digest.events}}[{{author}}]{{/each}}' } },
      });
      expect(tpl.status).toBe(201);
      const key = await workflow([
        { type: 'digest', window: '10m', key: 'data.postId' },
        { type: 'email', templateKey: tpl.body.data.key },
      ]);
      const to = mail();
      const ids: string[] = [];
      for (let i = 1; i <= 10; i++)
        ids.push((await trigger(key, { to: { email: to }, data: { postId: 'p1', author: `a${i}` } })).runs[0]!.id);
      const statuses = await env.eventually(
        async () => {
          const all = await Promise.all(ids.map((id) => run(id)));
          const s = all.map((r) => r.status).sort();
          return s.filter((x) => x === 'digested').length === 9 && s.includes('waiting') ? all : undefined;
        },
        20_000,
        '9 digested and 1 waiting',
      );
      const owner = statuses.find((r) => r.status === 'waiting')!;
      await sleep(1200);
      expect(smtp.to(to)).toHaveLength(0);

      offset += 11 * MIN;
      const done = await runIs(owner.id, 'completed');
      expect(done.digest).toEqual({ count: 10 });
      await env.eventually(async () => smtp.to(to).length === 1, 15_000, 'the digest email');
      const m = smtp.to(to)[0]!;
      expect(m.subject).toBe('10 new comments');
      for (let i = 1; i <= 10; i++) expect(m.text).toContain(`[a${i}]`);
      // Newest first.
      expect(m.text.indexOf('[a10]')).toBeLessThan(m.text.indexOf('[a1]'));

      const [eleventh] = (await trigger(key, { to: { email: to }, data: { postId: 'p1', author: 'a11' } })).runs;
      const r11 = await runIs(eleventh!.id, 'waiting');
      expect(r11.steps[0]).toMatchObject({ type: 'digest', status: 'waiting' });
      await sleep(1200);
      expect(smtp.to(to)).toHaveLength(1);
    });

    it('throttle 3 per hour: the 4th run ends throttled', async () => {
      const key = await workflow([
        { type: 'throttle', limit: 3, window: '1h' },
        { type: 'email', content: { subject: 'Alert', body: 'Something happened' } },
      ]);
      const to = mail();
      const results: string[] = [];
      for (let i = 0; i < 4; i++) {
        const [r] = (await trigger(key, { to: { email: to } })).runs;
        results.push((await runIs(r!.id, 'completed', 'throttled')).status);
      }
      expect(results).toEqual(['completed', 'completed', 'completed', 'throttled']);
      await env.eventually(async () => smtp.to(to).length === 3, 15_000, '3 emails');
      // Another recipient has a throttle of their own.
      const [other] = (await trigger(key, { to: { email: mail() } })).runs;
      expect((await runIs(other!.id, 'completed', 'throttled')).status).toBe('completed');
      const throttled = await get(`/notify/v1/workflow-runs?workflowKey=${key}&status=throttled`);
      expect(throttled.body.data).toHaveLength(1);
    });

    it('cancel by transactionId during a delay: nothing is sent; the same transactionId dedupes', async () => {
      const key = await workflow([
        { type: 'delay', for: '30m' },
        { type: 'email', content: { subject: 'Reminder', body: 'Pay' } },
      ]);
      const to = mail();
      const transactionId = `order-${uniq()}`;
      const first = await trigger(key, { to: { email: to }, transactionId });
      const again = await trigger(key, { to: { email: to }, transactionId });
      expect(again.runs[0]).toEqual({ ...first.runs[0], deduplicated: true });
      expect(first.runs[0]!.deduplicated).toBe(false);
      await runIs(first.runs[0]!.id, 'waiting');
      const cancelled = await post(`/notify/v1/workflows/${key}/cancel`, { transactionId });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.data).toEqual({ cancelled: 1, runIds: [first.runs[0]!.id] });
      offset += 31 * MIN;
      await sleep(2500);
      const r = await run(first.runs[0]!.id);
      expect(r.status).toBe('cancelled');
      expect(r.steps.map((s: { status: string }) => s.status)).toEqual(['cancelled']);
      expect(smtp.to(to)).toHaveLength(0);
      expect((await post(`/notify/v1/workflow-runs/${r.id}/cancel`, {})).status).toBe(409);
    });

    it('a run cancelled by id while it waits ends there', async () => {
      const key = await workflow([
        { type: 'delay', for: '1h' },
        { type: 'email', content: { subject: 'x', body: 'y' } },
      ]);
      const [r] = (await trigger(key, { to: { email: mail() } })).runs;
      await runIs(r!.id, 'waiting');
      expect((await post(`/notify/v1/workflow-runs/${r!.id}/cancel`, {}, a.user)).status).toBe(403);
      const c = await post(`/notify/v1/workflow-runs/${r!.id}/cancel`, {});
      expect(c.status).toBe(200);
      expect(c.body.data.status).toBe('cancelled');
      const jobs = await env.systemQuery(`SELECT 1 FROM graphile_worker._private_jobs WHERE key = $1`, [`workflow_step:${r!.id}`]);
      expect(jobs).toHaveLength(0);
    });

    it('a step to a suppressed address is suppressed (the accept policy applies)', async () => {
      const to = mail();
      expect((await post('/notify/v1/suppressions', { channel: 'email', address: to, reason: 'unsubscribed' }, a.admin)).status).toBe(201);
      const key = await workflow([{ type: 'email', content: { subject: 'x', body: 'y' } }]);
      const [r] = (await trigger(key, { to: { email: to } })).runs;
      const done = await runIs(r!.id, 'completed');
      expect(done.steps[0]).toMatchObject({ status: 'suppressed' });
      const d = await get(`/notify/v1/deliveries/${done.steps[0].deliveryIds[0]}`);
      expect(d.body.data.status).toBe('suppressed');
      await sleep(1000);
      expect(smtp.to(to)).toHaveLength(0);
    });

    it("a user turns one workflow's email off: its email step is skipped, another workflow still sends", async () => {
      const userId = randomUUID();
      const token = a.token(['user'], { sub: userId });
      const key = await workflow([{ type: 'email', content: { subject: 'x', body: 'y' } }]);
      const otherKey = await workflow([{ type: 'email', content: { subject: 'x', body: 'y' } }]);
      const pref = await env.http.put('/notify/v1/preferences', { categories: { [`workflow.${key}`]: { email: false } } }, { token });
      expect(pref.status).toBe(200);
      const to = mail();
      const [r] = (await trigger(key, { to: { userId, email: to } })).runs;
      expect((await runIs(r!.id, 'completed')).steps[0].status).toBe('skipped');
      const [r2] = (await trigger(otherKey, { to: { userId, email: to } })).runs;
      expect((await runIs(r2!.id, 'completed')).steps[0].status).toBe('sent');
      await env.eventually(async () => smtp.to(to).length === 1, 15_000, 'one email');
    });

    it('conditions read data: a step whose field condition fails is skipped', async () => {
      const key = await workflow([
        { type: 'in_app', name: 'big', content: { body: 'big order' }, if: { field: 'data.amount', gt: 100 } },
        { type: 'in_app', name: 'small', content: { body: 'small order' }, if: { not: { field: 'data.amount', gt: 100 } } },
      ]);
      const [r] = (await trigger(key, { to: { userId: randomUUID() }, data: { amount: 250 } })).runs;
      const done = await runIs(r!.id, 'completed');
      expect(done.steps.map((s: { status: string }) => s.status)).toEqual(['sent', 'skipped']);
    });
  });

  describe('delays by data and by local time', () => {
    it('delay until data.remindAt waits for that instant', async () => {
      const key = await workflow([
        { type: 'delay', until: 'data.remindAt' },
        { type: 'in_app', content: { body: 'reminder' } },
      ]);
      const remindAt = new Date(Date.now() + offset + 2 * 60 * MIN).toISOString();
      const [r] = (await trigger(key, { to: { userId: randomUUID() }, data: { remindAt } })).runs;
      const waiting = await runIs(r!.id, 'waiting');
      expect(new Date(waiting.steps[0].wakeAt).toISOString()).toBe(remindAt);
      offset += 2 * 60 * MIN + MIN;
      const done = await runIs(r!.id, 'completed');
      expect(done.steps.map((s: { status: string }) => s.status)).toEqual(['completed', 'sent']);
    });

    it("delay localTime waits for that time in the contact's timezone (defaultTimezone for the others)", async () => {
      const contact = await post('/notify/v1/contacts', { name: 'Kenji', email: mail(), timezone: 'Asia/Tokyo' });
      expect(contact.status).toBe(201);
      const key = await workflow([
        { type: 'delay', localTime: '09:00', defaultTimezone: 'America/New_York' },
        { type: 'email', content: { subject: 'Good morning', body: 'digest' } },
      ]);
      const [tokyo] = (await trigger(key, { to: { contactId: contact.body.data.id } })).runs;
      const [ny] = (await trigger(key, { to: { email: mail() } })).runs;
      const now = Date.now() + offset;
      const wake = async (id: string) => new Date((await runIs(id, 'waiting')).steps[0].wakeAt).getTime();
      expect(await wake(tokyo!.id)).toBe(nextLocalTime('09:00', 'Asia/Tokyo', now));
      expect(await wake(ny!.id)).toBe(nextLocalTime('09:00', 'America/New_York', now));
    });
  });

  describe('in-app state', () => {
    it('PATCH marks seen / read / archived; mark all seen', async () => {
      const userId = randomUUID();
      const token = a.token(['user'], { sub: userId });
      const key = await workflow([{ type: 'in_app', content: { body: 'one' } }]);
      for (let i = 0; i < 2; i++) await trigger(key, { to: { userId } });
      const items = await env.eventually(
        async () => {
          const l = (await get('/notify/v1/notifications', token)).body.data;
          return l.length === 2 ? l : undefined;
        },
        15_000,
        'two items',
      );
      const archived = await env.http.patch(`/notify/v1/notifications/${items[0].id}`, { archived: true, read: true }, { token });
      expect(archived.body.data).toMatchObject({ archived: true, read: true, seen: true });
      expect((await env.http.patch(`/notify/v1/notifications/${items[0].id}`, {}, { token })).status).toBe(400);
      expect((await env.http.patch(`/notify/v1/notifications/${items[0].id}`, { seen: 'yes' }, { token })).status).toBe(400);
      const all = await env.http.post('/notify/v1/notifications/seen-all', {}, { token });
      expect(all.status).toBe(200);
      expect(all.body.data).toEqual({ updated: 1 });
      const after = (await get('/notify/v1/notifications', token)).body.data;
      expect(after.every((n: { seen: boolean }) => n.seen)).toBe(true);
    });
  });

  describe('tenant isolation', () => {
    it("a tenant cannot read, trigger, change or cancel another's workflows and runs", async () => {
      const key = await workflow([
        { type: 'delay', for: '1h' },
        { type: 'email', content: { subject: 'x', body: 'y' } },
      ]);
      const [r] = (await trigger(key, { to: { email: mail() }, transactionId: 't1' })).runs;
      await runIs(r!.id, 'waiting');
      expect((await get(`/notify/v1/workflows/${key}`, b.admin)).status).toBe(404);
      expect((await post(`/notify/v1/workflows/${key}/trigger`, { to: { email: mail() } }, b.admin)).status).toBe(404);
      expect(
        (
          await env.http.put(
            `/notify/v1/workflows/${key}`,
            { name: 'x', steps: [{ type: 'in_app', content: { body: 'x' } }] },
            { token: b.admin },
          )
        ).status,
      ).toBe(404);
      expect((await env.http.delete(`/notify/v1/workflows/${key}`, { token: b.admin })).status).toBe(404);
      expect((await get(`/notify/v1/workflow-runs/${r!.id}`, b.admin)).status).toBe(404);
      expect((await post(`/notify/v1/workflow-runs/${r!.id}/cancel`, {}, b.admin)).status).toBe(404);
      expect((await post(`/notify/v1/workflows/${key}/cancel`, { transactionId: 't1' }, b.admin)).status).toBe(404);
      expect((await get('/notify/v1/workflow-runs', b.admin)).body.data.map((x: { id: string }) => x.id)).not.toContain(r!.id);
      expect((await get('/notify/v1/workflows', b.admin)).body.data.map((x: { key: string }) => x.key)).not.toContain(key);
      // The same key in B is B's own workflow.
      const mine = await post('/notify/v1/workflows', { key, name: 'B', steps: [{ type: 'in_app', content: { body: 'x' } }] }, b.organizer);
      expect(mine.status).toBe(201);
      expect((await run(r!.id)).status).toBe('waiting');
    });
  });
});
