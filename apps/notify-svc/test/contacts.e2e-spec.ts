import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { NotifyTestEnv, type TestTenant } from './support/notify-test-env.js';

const uniq = () => randomUUID().slice(0, 8);
const fcmToken = () => `dev-${randomUUID()}:APA91b${randomBytes(40).toString('base64url')}`;

describe('contacts and groups', () => {
  let env: NotifyTestEnv;
  let a: TestTenant;
  let b: TestTenant;

  beforeAll(async () => {
    env = await NotifyTestEnv.start();
    a = env.tenant();
    b = env.tenant();
  });
  afterAll(async () => {
    await env?.close();
  });

  const post = (path: string, body: unknown, token = a.organizer, headers: Record<string, string> = {}) =>
    env.http.post(`/notify/v1${path}`, body, { token, headers });
  const get = (path: string, token = a.user) => env.http.get(`/notify/v1${path}`, { token });
  const patch = (path: string, body: unknown, token = a.organizer) => env.http.patch(`/notify/v1${path}`, body, { token });
  const del = (path: string, token = a.organizer, body?: unknown) => env.http.request('DELETE', `/notify/v1${path}`, { token, body });
  const contact = async (body: Record<string, unknown>, t: TestTenant = a) => {
    const res = await post('/contacts', body, t.organizer);
    expect(res.status).toBe(201);
    return res.body.data as { id: string } & Record<string, unknown>;
  };
  const fieldsOf = (res: { body: { error: { details?: Array<{ field: string }> } } }) => (res.body.error.details ?? []).map((d) => d.field);

  describe('CRUD', () => {
    it('creates a contact with normalised fields, reads, edits (merge) and deletes it', async () => {
      const token = fcmToken();
      const res = await post('/contacts', {
        externalId: `crm-${uniq()}`,
        name: 'Ada Lovelace',
        email: 'Ada.Lovelace@Example.COM',
        phone: '+1 (415) 555-2671',
        locale: 'en-us',
        timezone: 'europe/london',
        attributes: { plan: 'pro', seats: 3, address: { city: 'London' } },
        deviceTokens: [token],
      });
      expect(res.status).toBe(201);
      const c = res.body.data;
      expect(c).toMatchObject({
        name: 'Ada Lovelace',
        email: 'ada.lovelace@example.com',
        phone: '+14155552671',
        locale: 'en-US',
        timezone: 'Europe/London',
        attributes: { plan: 'pro', seats: 3, address: { city: 'London' } },
        pushDevices: [{ last4: token.slice(-4) }],
      });
      expect(JSON.stringify(c)).not.toContain(token);
      const stored = await env.systemQuery<{ device_tokens_enc: string }>('SELECT device_tokens_enc FROM contacts WHERE id = $1', [c.id]);
      expect(stored[0]!.device_tokens_enc).not.toContain(token);

      expect((await get(`/contacts/${c.id}`)).body.data).toMatchObject({ id: c.id, email: 'ada.lovelace@example.com' });

      const edited = await patch(`/contacts/${c.id}`, { name: 'Ada King', phone: null, attributes: { seats: null, tier: 'gold' } });
      expect(edited.status).toBe(200);
      expect(edited.body.data).toMatchObject({
        name: 'Ada King',
        phone: null,
        email: 'ada.lovelace@example.com',
        attributes: { plan: 'pro', tier: 'gold', address: { city: 'London' } },
      });
      expect(edited.body.data.attributes).not.toHaveProperty('seats');

      expect((await del(`/contacts/${c.id}`)).status).toBe(200);
      expect((await get(`/contacts/${c.id}`)).status).toBe(404);
      expect((await del(`/contacts/${c.id}`)).status).toBe(404);
      expect((await get('/contacts/not-a-uuid')).status).toBe(404);
    });

    it('answers 409 naming the field for a duplicate externalId, email or phone (on create and on edit)', async () => {
      const ext = `dup-${uniq()}`;
      const mail = `dup-${uniq()}@example.com`;
      await contact({ externalId: ext, email: mail, phone: '+442071838750' });
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ externalId: ext }, 'externalId'],
        [{ email: mail.toUpperCase() }, 'email'],
        [{ phone: '+44 20 7183 8750' }, 'phone'],
      ];
      for (const [body, field] of cases) {
        const res = await post('/contacts', body);
        expect(res.status).toBe(409);
        expect(res.body.error.code).toBe('CONFLICT');
        expect(fieldsOf(res)).toEqual([field]);
      }
      const other = await contact({ email: `other-${uniq()}@example.com` });
      const res = await patch(`/contacts/${other.id}`, { email: mail });
      expect(res.status).toBe(409);
      expect(fieldsOf(res)).toEqual(['email']);
      // Another tenant may hold the same values.
      await contact({ externalId: ext, email: mail, phone: '+442071838750' }, b);
    });

    it('rejects bad input with 400 naming the field and stores nothing', async () => {
      const before = await env.systemQuery<{ n: string }>('SELECT count(*) AS n FROM contacts');
      const big = { blob: 'x'.repeat(16 * 1024) };
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ email: 'ada@example.com', phone: '+1555' }, 'phone'],
        [{ email: 'ada@example.com', phone: 'call me' }, 'phone'],
        [{ email: 'ada@example.com', timezone: 'Mars/Olympus_Mons' }, 'timezone'],
        [{ email: 'ada@example.com', timezone: 'Europe/Paris; DROP TABLE contacts' }, 'timezone'],
        [{ email: 'ada@example.com', locale: 'not a locale!' }, 'locale'],
        [{ email: 'ada@example.com', attributes: big }, 'attributes'],
        [{ email: 'ada@example.com', attributes: ['x'] }, 'attributes'],
        [{ email: 'ada@example.com', attributes: { 'bad key': 1 } }, 'attributes'],
        [{ email: 'ada@example.com', attributes: { a: { 'b c': 1 } } }, 'attributes.a'],
        [{ email: 'ada@example.com', attributes: 'text' }, 'attributes'],
        [{ email: 'not-an-email' }, 'email'],
        [{ externalId: 'x'.repeat(256) }, 'externalId'],
        [{ email: 'ada@example.com', deviceTokens: ['short'] }, 'deviceTokens.0'],
        [{ email: 'ada@example.com', unknown: 1 }, 'unknown'],
        [{ name: 'nobody reachable' }, 'body'],
      ];
      for (const [body, field] of cases) {
        const res = await post('/contacts', body);
        expect({ field, status: res.status }).toEqual({ field, status: 400 });
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
        expect(fieldsOf(res)).toContain(field);
      }
      // __proto__ in a JSON body is refused by the parser itself.
      const proto = await env.http.post('/notify/v1/contacts', undefined, {
        token: a.organizer,
        raw: '{"email":"p@example.com","attributes":{"__proto__":{"admin":true}}}',
        headers: { 'content-type': 'application/json' },
      });
      expect(proto.status).toBe(400);
      const ctor = await env.http.post('/notify/v1/contacts', undefined, {
        token: a.organizer,
        raw: '{"email":"p@example.com","attributes":{"constructor":{"prototype":{"admin":true}}}}',
        headers: { 'content-type': 'application/json' },
      });
      expect(ctor.status).toBe(400);
      const after = await env.systemQuery<{ n: string }>('SELECT count(*) AS n FROM contacts');
      expect(after[0]!.n).toBe(before[0]!.n);
      // A plain `constructor` key never reaches storage (the platform's JSON parser drops it).
      const plain = await post('/contacts', { email: `ctor-${uniq()}@example.com`, attributes: { constructor: 2, ok: 1 } });
      expect(plain.status).toBe(201);
      expect(plain.body.data.attributes).toEqual({ ok: 1 });
    });

    it('a user reads contacts and groups but every write is 403', async () => {
      const c = await contact({ email: `read-${uniq()}@example.com` });
      const g = (await post('/groups', { name: `g-${uniq()}`, kind: 'static' })).body.data;
      expect((await get(`/contacts/${c.id}`, a.user)).status).toBe(200);
      expect((await get('/contacts', a.user)).status).toBe(200);
      expect((await get(`/groups/${g.id}`, a.user)).status).toBe(200);
      expect((await get(`/groups/${g.id}/members`, a.user)).status).toBe(200);
      const writes = [
        post('/contacts', { email: `u-${uniq()}@example.com` }, a.user),
        patch(`/contacts/${c.id}`, { name: 'x' }, a.user),
        del(`/contacts/${c.id}`, a.user),
        post('/groups', { name: `u-${uniq()}`, kind: 'static' }, a.user),
        patch(`/groups/${g.id}`, { name: 'x' }, a.user),
        del(`/groups/${g.id}`, a.user),
        post(`/groups/${g.id}/members`, { contactIds: [c.id] }, a.user),
        del(`/groups/${g.id}/members`, a.user, { contactIds: [c.id] }),
      ];
      for (const res of await Promise.all(writes)) expect(res.status).toBe(403);
      // API keys: read with contacts:read, write needs contacts:write (issue 24: no longer templates:write).
      const reader = a.apiKey(['contacts:read']);
      const rk = await env.http.get('/notify/v1/contacts', { headers: { 'x-api-key': reader } });
      expect(rk.status).toBe(200);
      const wk = await env.http.post('/notify/v1/contacts', { email: `k-${uniq()}@example.com` }, { headers: { 'x-api-key': reader } });
      expect(wk.status).toBe(403);
      const templatesOnly = a.apiKey(['templates:write', 'notifications:read']);
      expect((await env.http.get('/notify/v1/contacts', { headers: { 'x-api-key': templatesOnly } })).status).toBe(403);
      const refused = await env.http.post(
        '/notify/v1/contacts',
        { email: `k-${uniq()}@example.com` },
        { headers: { 'x-api-key': templatesOnly } },
      );
      expect(refused.status).toBe(403);
      const writer = a.apiKey(['contacts:write']);
      const ok = await env.http.post('/notify/v1/contacts', { email: `k-${uniq()}@example.com` }, { headers: { 'x-api-key': writer } });
      expect(ok.status).toBe(201);
      expect((await get(`/contacts/${c.id}`, a.admin)).body.data.name).toBeNull();
    });

    it("tenant B cannot read, change or delete A's contacts and groups (404), nor add them to its groups", async () => {
      const c = await contact({ email: `iso-${uniq()}@example.com` });
      const g = (await post('/groups', { name: `iso-${uniq()}`, kind: 'static' })).body.data;
      await post(`/groups/${g.id}/members`, { contactIds: [c.id] });
      expect((await get(`/contacts/${c.id}`, b.user)).status).toBe(404);
      expect((await patch(`/contacts/${c.id}`, { name: 'x' }, b.organizer)).status).toBe(404);
      expect((await del(`/contacts/${c.id}`, b.admin)).status).toBe(404);
      expect((await get(`/groups/${g.id}`, b.user)).status).toBe(404);
      expect((await get(`/groups/${g.id}/members`, b.user)).status).toBe(404);
      expect((await patch(`/groups/${g.id}`, { name: 'x' }, b.organizer)).status).toBe(404);
      expect((await post(`/groups/${g.id}/members`, { contactIds: [c.id] }, b.organizer)).status).toBe(404);
      expect((await del(`/groups/${g.id}`, b.admin)).status).toBe(404);
      expect((await get(`/contacts?groupId=${g.id}`, b.user)).status).toBe(404);
      const listB = await get('/contacts?limit=100', b.user);
      expect(listB.body.data.map((x: { id: string }) => x.id)).not.toContain(c.id);
      // B's own static group: A's contact id is reported as not found, not added.
      const gb = (await post('/groups', { name: `b-${uniq()}`, kind: 'static' }, b.organizer)).body.data;
      const add = await post(`/groups/${gb.id}/members`, { contactIds: [c.id] }, b.organizer);
      expect(add.status).toBe(200);
      expect(add.body.data).toEqual({ added: 0, alreadyMembers: 0, notFound: [c.id] });
      expect((await get(`/contacts/${c.id}`, a.user)).body.data.name).toBeNull();
    });
  });

  describe('search and filters', () => {
    let tag: string;
    const ids: Record<string, string> = {};
    beforeAll(async () => {
      tag = uniq();
      ids.fr = (
        await contact({
          name: `Zoé ${tag}`,
          email: `zoe-${tag}@example.fr`,
          locale: 'fr-FR',
          timezone: 'Europe/Paris',
          attributes: { plan: 'pro', tag, age: 30, address: { city: 'Paris' } },
        })
      ).id;
      ids.ca = (
        await contact({
          name: `Yann ${tag}`,
          email: `yann-${tag}@example.ca`,
          locale: 'fr-CA',
          timezone: 'America/Toronto',
          attributes: { plan: 'free', tag },
        })
      ).id;
      ids.us = (
        await contact({
          name: `Xavier 100%_${tag}`,
          phone: '+12025550143',
          locale: 'en-US',
          timezone: 'America/New_York',
          attributes: { plan: 'pro', tag, vip: true },
        })
      ).id;
    });
    const list = async (qs: string) => {
      const res = await get(`/contacts?limit=100&attribute.tag=${tag}&${qs}`);
      expect(res.status).toBe(200);
      return (res.body.data as Array<{ id: string }>).map((c) => c.id).sort();
    };

    it('q searches name, email and phone (case-insensitive, LIKE characters taken literally)', async () => {
      expect(await list(`q=ZOÉ`)).toEqual([ids.fr]);
      expect(await list(`q=${encodeURIComponent('example.ca')}`)).toEqual([ids.ca]);
      expect(await list(`q=${encodeURIComponent('+1202555')}`)).toEqual([ids.us]);
      expect(await list(`q=${encodeURIComponent('100%_')}`)).toEqual([ids.us]);
      expect(await list(`q=${encodeURIComponent('%')}`)).toEqual([ids.us]);
      expect(await list(`q=_`)).toEqual([ids.us]);
    });

    it('filters by attribute (text comparison, nested paths, repeated = OR), locale (language matches region) and timezone', async () => {
      expect(await list('attribute.plan=pro')).toEqual([ids.fr, ids.us].sort());
      expect(await list('attribute.age=30')).toEqual([ids.fr]);
      expect(await list('attribute.vip=true')).toEqual([ids.us]);
      expect(await list('attribute.address.city=Paris')).toEqual([ids.fr]);
      expect(await list('attribute.plan=free&attribute.plan=pro')).toEqual([ids.fr, ids.ca, ids.us].sort());
      expect(await list('locale=fr')).toEqual([ids.fr, ids.ca].sort());
      expect(await list('locale=fr-CA')).toEqual([ids.ca]);
      expect(await list(`timezone=${encodeURIComponent('America/Toronto')}`)).toEqual([ids.ca]);
      expect(await list('attribute.plan=pro&locale=en')).toEqual([ids.us]);
    });

    it('pages with a cursor', async () => {
      const first = await get(`/contacts?limit=2&attribute.tag=${tag}`);
      expect(first.body.data).toHaveLength(2);
      expect(first.body.page.has_more).toBe(true);
      const second = await get(`/contacts?limit=2&attribute.tag=${tag}&cursor=${first.body.page.next_cursor}`);
      expect(second.body.data).toHaveLength(1);
      const all = [...first.body.data, ...second.body.data].map((c: { id: string }) => c.id).sort();
      expect(all).toEqual(Object.values(ids).sort());
    });

    it('refuses hostile or malformed filter parameters with 400', async () => {
      const cases: Array<[string, string]> = [
        ['attribute.__proto__=x', 'attribute.__proto__'],
        ['attribute.constructor=x', 'attribute.constructor'],
        [`attribute.${encodeURIComponent('a b')}=x`, 'attribute.a b'],
        ['attribute.=x', 'attribute.'],
        ['attribute.a..b=x', 'attribute.a..b'],
        ['timezone=Nowhere%2FLand', 'timezone'],
        ['locale=%21%21', 'locale'],
        ['groupId=nope', 'groupId'],
        ['sort=name', 'sort'],
      ];
      for (const [qs, field] of cases) {
        const res = await get(`/contacts?${qs}`);
        expect({ qs, status: res.status }).toEqual({ qs, status: 400 });
        expect(fieldsOf(res)).toContain(field);
      }
    });
  });

  describe('groups', () => {
    it('static groups: add and remove members (unknown ids reported), at most 1,000 per call, list them paged', async () => {
      const c1 = await contact({ email: `m1-${uniq()}@example.com` });
      const c2 = await contact({ email: `m2-${uniq()}@example.com` });
      const g = await post('/groups', { name: `static-${uniq()}`, kind: 'static' });
      expect(g.status).toBe(201);
      const gid = g.body.data.id;
      const ghost = randomUUID();
      const add = await post(`/groups/${gid}/members`, { contactIds: [c1.id, c2.id, ghost] });
      expect(add.body.data).toEqual({ added: 2, alreadyMembers: 0, notFound: [ghost] });
      const again = await post(`/groups/${gid}/members`, { contactIds: [c1.id] });
      expect(again.body.data).toEqual({ added: 0, alreadyMembers: 1, notFound: [] });
      expect((await get(`/groups/${gid}`)).body.data).toMatchObject({ kind: 'static', memberCount: 2 });
      const page1 = await get(`/groups/${gid}/members?limit=1`);
      const page2 = await get(`/groups/${gid}/members?limit=1&cursor=${page1.body.page.next_cursor}`);
      expect([page1.body.data[0].id, page2.body.data[0].id].sort()).toEqual([c1.id, c2.id].sort());
      expect((await get(`/contacts?groupId=${gid}`)).body.data).toHaveLength(2);

      const tooMany = Array.from({ length: 1001 }, () => randomUUID());
      const big = await post(`/groups/${gid}/members`, { contactIds: tooMany });
      expect(big.status).toBe(400);
      expect(fieldsOf(big)).toContain('contactIds');
      const thousand = await post(`/groups/${gid}/members`, { contactIds: tooMany.slice(0, 1000) });
      expect(thousand.status).toBe(200);
      expect(thousand.body.data.notFound).toHaveLength(1000);
      expect((await post(`/groups/${gid}/members`, { contactIds: ['nope'] })).status).toBe(400);

      const removed = await del(`/groups/${gid}/members`, a.organizer, { contactIds: [c1.id, ghost] });
      expect(removed.body.data).toEqual({ removed: 1, notMembers: [ghost] });
      expect((await get(`/groups/${gid}`)).body.data.memberCount).toBe(1);
      // Deleting a contact removes its memberships.
      await del(`/contacts/${c2.id}`);
      expect((await get(`/groups/${gid}`)).body.data.memberCount).toBe(0);
    });

    it('names are unique per tenant (409 naming name); static vs dynamic rules are enforced', async () => {
      const name = `dupg-${uniq()}`;
      expect((await post('/groups', { name, kind: 'static' })).status).toBe(201);
      const dup = await post('/groups', { name, kind: 'static' });
      expect(dup.status).toBe(409);
      expect(fieldsOf(dup)).toEqual(['name']);
      expect((await post('/groups', { name, kind: 'static' }, b.organizer)).status).toBe(201);
      const bad: Array<[Record<string, unknown>, string]> = [
        [{ name: `s-${uniq()}`, kind: 'static', filter: { locale: 'fr' } }, 'filter'],
        [{ name: `d-${uniq()}`, kind: 'dynamic' }, 'filter'],
        [{ name: `d-${uniq()}`, kind: 'dynamic', filter: { country: 'FR' } }, 'filter.country'],
        [{ name: `d-${uniq()}`, kind: 'dynamic', filter: { attributes: { 'a b': 'x' } } }, 'filter.attributes.a b'],
        [{ name: `d-${uniq()}`, kind: 'dynamic', filter: { attributes: { plan: { $ne: 1 } } } }, 'filter.attributes.plan'],
        [{ name: `d-${uniq()}`, kind: 'dynamic', filter: { timezone: ['UTC', 'Atlantis/Lost'] } }, 'filter.timezone.1'],
        [{ name: `d-${uniq()}`, kind: 'weird' }, 'kind'],
      ];
      for (const [body, field] of bad) {
        const res = await post('/groups', body);
        expect({ field, status: res.status }).toEqual({ field, status: 400 });
        expect(fieldsOf(res)).toContain(field);
      }
    });

    it('dynamic groups are evaluated when read (and sent to); membership calls are 409', async () => {
      const tag = uniq();
      const paris = await contact({ email: `p-${tag}@example.com`, timezone: 'Europe/Paris', attributes: { tag, plan: 'pro' } });
      await contact({ email: `t-${tag}@example.com`, timezone: 'Asia/Tokyo', attributes: { tag, plan: 'pro' } });
      await contact({ email: `f-${tag}@example.com`, timezone: 'Europe/Paris', attributes: { tag, plan: 'free' } });
      const g = await post('/groups', {
        name: `dyn-${tag}`,
        kind: 'dynamic',
        filter: { attributes: { tag, plan: ['pro', 'enterprise'] }, timezone: 'europe/paris' },
      });
      expect(g.status).toBe(201);
      expect(g.body.data.filter).toEqual({ attributes: { tag, plan: ['pro', 'enterprise'] }, timezone: 'Europe/Paris' });
      const gid = g.body.data.id;
      expect((await get(`/groups/${gid}/members`)).body.data.map((c: { id: string }) => c.id)).toEqual([paris.id]);
      // A contact changing its attributes changes the group at once.
      const later = await contact({ email: `l-${tag}@example.com`, timezone: 'Europe/Paris', attributes: { tag, plan: 'free' } });
      await patch(`/contacts/${later.id}`, { attributes: { plan: 'enterprise' } });
      expect((await get(`/groups/${gid}`)).body.data.memberCount).toBe(2);
      const add = await post(`/groups/${gid}/members`, { contactIds: [later.id] });
      expect(add.status).toBe(409);
      // Editing the filter.
      const edited = await patch(`/groups/${gid}`, { filter: { attributes: { tag } } });
      expect(edited.status).toBe(200);
      expect((await get(`/groups/${gid}`)).body.data.memberCount).toBe(4);
      expect((await del(`/groups/${gid}`)).status).toBe(200);
      expect((await get(`/groups/${gid}`)).status).toBe(404);
    });
  });

  describe('deliveries to contacts', () => {
    const send = (to: Record<string, unknown>, channel = 'email', token = a.organizer) =>
      env.http.post('/notify/v1/deliveries', { channel, to, subject: 'Hi', body: 'Hello' }, { token });

    it('to.contactId and to.externalId use the contact address for the channel; unknown or unreachable is 422', async () => {
      const userId = randomUUID();
      const c = await contact({ externalId: userId, email: `d-${uniq()}@example.com`, phone: '+14155552672' });
      const byId = await send({ contactId: c.id });
      expect(byId.status).toBe(202);
      expect(byId.body.data.to).toMatchObject({ contactId: c.id, email: c.email, userId });
      const sms = await env.http.post(
        '/notify/v1/deliveries',
        { channel: 'sms', to: { externalId: userId }, body: 'Hi' },
        { token: a.organizer },
      );
      expect(sms.status).toBe(202);
      expect(sms.body.data.to).toMatchObject({ contactId: c.id, phone: '+14155552672' });
      const inApp = await env.http.post(
        '/notify/v1/deliveries',
        { channel: 'in_app', to: { contactId: c.id }, body: 'Hi' },
        { token: a.organizer },
      );
      expect(inApp.status).toBe(202);
      expect(inApp.body.data.to).toMatchObject({ userId });

      const unknown = await send({ contactId: randomUUID() });
      expect(unknown.status).toBe(422);
      expect(fieldsOf(unknown)).toEqual(['to.contactId']);
      const unknownExt = await send({ externalId: 'nobody' });
      expect(unknownExt.status).toBe(422);
      expect(fieldsOf(unknownExt)).toEqual(['to.externalId']);
      const noPhone = await contact({ email: `np-${uniq()}@example.com` });
      const sms2 = await env.http.post(
        '/notify/v1/deliveries',
        { channel: 'sms', to: { contactId: noPhone.id }, body: 'Hi' },
        { token: a.organizer },
      );
      expect(sms2.status).toBe(422);
      expect(fieldsOf(sms2)).toEqual(['to.contactId']);
      // Another tenant's contact is unknown here.
      const theirs = await send({ contactId: c.id }, 'email', b.organizer);
      expect(theirs.status).toBe(422);
      const mixed = await send({ contactId: c.id, email: 'x@example.com' });
      expect(mixed.status).toBe(400);
      expect(fieldsOf(mixed)).toEqual(['to.email']);
      // In a batch, each recipient resolves; a group is refused there.
      const batch = await env.http.post(
        '/notify/v1/deliveries/batch',
        {
          channel: 'email',
          subject: 'Hi',
          body: 'x',
          recipients: [{ to: { contactId: c.id } }, { to: { email: `raw-${uniq()}@example.com` } }],
        },
        { token: a.organizer },
      );
      expect(batch.status).toBe(202);
      expect(batch.body.data.deliveries[0].to.contactId).toBe(c.id);
      const batchGroup = await env.http.post(
        '/notify/v1/deliveries/batch',
        { channel: 'email', subject: 'Hi', body: 'x', recipients: [{ to: { groupId: randomUUID() } }] },
        { token: a.organizer },
      );
      expect(batchGroup.status).toBe(400);
      expect(fieldsOf(batchGroup)).toEqual(['recipients.0.to.groupId']);
    });

    it('to.groupId expands into one delivery per contact, like a batch; a suppressed contact is suppressed', async () => {
      const tag = uniq();
      const emails = [0, 1, 2].map((i) => `g${i}-${tag}@example.com`);
      const members = [];
      for (const e of emails) members.push(await contact({ email: e, attributes: { tag } }));
      const noEmail = await contact({ phone: '+14155552673', attributes: { tag } });
      const g = (await post('/groups', { name: `send-${tag}`, kind: 'static' })).body.data;
      await post(`/groups/${g.id}/members`, { contactIds: [...members.map((m) => m.id), noEmail.id] });
      const sup = await post('/suppressions', { channel: 'email', address: emails[1], reason: 'unsubscribed' });
      expect(sup.status).toBe(201);

      const res = await send({ groupId: g.id });
      expect(res.status).toBe(202);
      expect(res.body.data).toMatchObject({ groupId: g.id, accepted: 3, withoutAddress: 1, counts: { queued: 2, suppressed: 1 } });
      expect(res.body.data.batchId).toEqual(expect.any(String));
      const byEmail = Object.fromEntries(
        res.body.data.deliveries.map((d: { to: { email: string }; status: string }) => [d.to.email, d.status]),
      );
      expect(byEmail).toEqual({ [emails[0]!]: 'queued', [emails[1]!]: 'suppressed', [emails[2]!]: 'queued' });

      // A dynamic group: evaluated at send time.
      const dyn = (await post('/groups', { name: `dsend-${tag}`, kind: 'dynamic', filter: { attributes: { tag } } })).body.data;
      const r2 = await env.http.post(
        '/notify/v1/deliveries',
        { channel: 'sms', to: { groupId: dyn.id }, body: 'Hi' },
        { token: a.organizer },
      );
      expect(r2.status).toBe(202);
      expect(r2.body.data).toMatchObject({ accepted: 1, withoutAddress: 3 });
      expect(r2.body.data.deliveries[0].to).toMatchObject({ contactId: noEmail.id, phone: '+14155552673' });

      const unknown = await send({ groupId: randomUUID() });
      expect(unknown.status).toBe(422);
      expect(fieldsOf(unknown)).toEqual(['to.groupId']);
      expect((await send({ groupId: g.id }, 'email', a.user)).status).toBe(403);
    });
  });

  it('every POST takes an Idempotency-Key: the same key and body replays the first response', async () => {
    const key = randomUUID();
    const body = { email: `idem-${uniq()}@example.com` };
    const first = await post('/contacts', body, a.organizer, { 'idempotency-key': key });
    const second = await post('/contacts', body, a.organizer, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.data.id).toBe(first.body.data.id);
    const n = await env.systemQuery<{ n: string }>('SELECT count(*) AS n FROM contacts WHERE email = $1', [body.email]);
    expect(n[0]!.n).toBe('1');
  });
});
