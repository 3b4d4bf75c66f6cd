import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { HttpClient } from '#testing';
import { addMember, signup, type SignedUp } from '../../auth-svc/test/support/auth-test-kit.js';
import { startPlatformStack, type PlatformStack } from './support/platform-stack.js';

/**
 * Issue 24 item 3: contacts, groups and campaigns have their own API key scopes, and whatever sends
 * (a campaign's launch, resume and test send) also needs notifications:send. Real API keys minted
 * by auth-svc, used against notify-svc directly and through the gateway.
 */
let stack: PlatformStack;
let owner: SignedUp;
const keys: Record<string, string> = {};
let templateId: string;

async function mintKey(scopes: string[], token = owner.accessToken) {
  return stack.direct.auth.post('/auth/v1/api-keys', { name: `k-${randomUUID().slice(0, 8)}`, scopes }, { token });
}

beforeAll(async () => {
  stack = await startPlatformStack();
  owner = await signup(stack.direct.auth);
  const scopeSets: Record<string, string[]> = {
    templates: ['templates:write', 'notifications:read'],
    send: ['notifications:send'],
    campaigns: ['campaigns:write'],
    campaignsSend: ['campaigns:write', 'notifications:send'],
    contactsRead: ['contacts:read'],
    contactsWrite: ['contacts:write'],
  };
  for (const [name, scopes] of Object.entries(scopeSets)) {
    const res = await mintKey(scopes);
    expect(res.status).toBe(201);
    keys[name] = res.body.data.key;
  }
  const t = await stack.direct.notify.post(
    '/notify/v1/templates',
    { key: `promo-${randomUUID().slice(0, 8)}`, name: 'Promo', channels: { email: { subject: 'Hi', text: 'Hello {{contact.name}}' } } },
    { token: owner.accessToken },
  );
  expect(t.status).toBe(201);
  templateId = t.body.data.id;
  const c = await stack.direct.notify.post(
    '/notify/v1/contacts',
    { email: `c-${randomUUID()}@example.test`, name: 'C' },
    { token: owner.accessToken },
  );
  expect(c.status).toBe(201);
}, 60_000);
afterAll(async () => {
  await stack?.close();
});

describe('auth-svc grants the new scopes by role', () => {
  it('users create no keys (403); an organizer grants contacts and campaigns scopes but not admin; unknown scopes are 400', async () => {
    const member = await addMember(stack.direct.auth, owner.accessToken, ['user']);
    const organizer = await addMember(stack.direct.auth, owner.accessToken, ['organizer']);
    expect((await mintKey(['contacts:read'], member.accessToken)).status).toBe(403);
    const refused = await mintKey(['contacts:write', 'campaigns:write', 'admin'], organizer.accessToken);
    expect(refused.status).toBe(403);
    expect(refused.body.error.details).toEqual({ scopes: ['admin'] });
    const ok = await mintKey(['contacts:read', 'contacts:write', 'campaigns:write'], organizer.accessToken);
    expect(ok.status).toBe(201);
    expect(ok.body.data.scopes).toEqual(['contacts:read', 'contacts:write', 'campaigns:write']);
    const unknown = await mintKey(['campaigns:launch']);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe.each([
  ['directly', () => stack.direct.notify],
  ['through the gateway', () => stack.viaGateway],
])('notify-svc scopes %s', (_where, client) => {
  let http: HttpClient;
  beforeAll(() => {
    http = client();
  });
  const as = (key: string) => ({ headers: { 'x-api-key': key } });
  const draft = async (key = keys.campaigns!) => {
    const res = await http.post(
      '/notify/v1/campaigns',
      { name: `c-${randomUUID().slice(0, 8)}`, channel: 'email', templateId, audience: { filter: {} } },
      as(key),
    );
    expect(res.status).toBe(201);
    return res.body.data.id as string;
  };
  const expectForbidden = (res: { status: number; body: any }, mentions?: string) => {
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ data: null, error: { code: 'FORBIDDEN' } });
    if (mentions) expect(res.body.error.message).toContain(mentions);
  };

  it('a templates:write key can neither create, launch, pause, resume, cancel nor test-send a campaign (403), and nothing changes', async () => {
    const id = await draft();
    const k = keys.templates!;
    expectForbidden(await http.post('/notify/v1/campaigns', { name: 'x', channel: 'email', templateId, audience: { filter: {} } }, as(k)));
    for (const action of ['launch', 'pause', 'resume', 'cancel']) {
      expectForbidden(await http.post(`/notify/v1/campaigns/${id}/${action}`, {}, as(k)));
    }
    expectForbidden(await http.post(`/notify/v1/campaigns/${id}/test`, { to: { email: 'anyone@example.test' } }, as(k)));
    expectForbidden(await http.patch(`/notify/v1/campaigns/${id}`, { name: 'changed' }, as(k)));
    // Its own templates' test send is a send too.
    const templates = await http.get('/notify/v1/templates', as(k));
    expect(templates.status).toBe(200);
    expectForbidden(await http.post(`/notify/v1/templates/${templateId}/test-send`, { channel: 'email' }, as(k)), 'notifications:send');
    // It still reads campaigns with notifications:read, and the campaign is still an untouched draft.
    const read = await http.get(`/notify/v1/campaigns/${id}`, as(k));
    expect(read.status).toBe(200);
    expect(read.body.data).toMatchObject({ status: 'draft' });
    expect(read.body.data.name).not.toBe('changed');
  });

  it('campaigns:write alone manages drafts but cannot launch, resume or test-send: sending also needs notifications:send', async () => {
    const id = await draft();
    expect((await http.patch(`/notify/v1/campaigns/${id}`, { name: 'renamed' }, as(keys.campaigns!))).status).toBe(200);
    expectForbidden(await http.post(`/notify/v1/campaigns/${id}/launch`, {}, as(keys.campaigns!)), 'notifications:send');
    expectForbidden(
      await http.post(`/notify/v1/campaigns/${id}/test`, { to: { email: 'a@example.test' } }, as(keys.campaigns!)),
      'notifications:send',
    );
    expectForbidden(await http.post(`/notify/v1/campaigns/${id}/resume`, {}, as(keys.campaigns!)), 'notifications:send');
    // notifications:send alone does not reach campaigns either.
    expectForbidden(await http.post(`/notify/v1/campaigns/${id}/launch`, {}, as(keys.send!)), 'campaigns:write');
    expect((await http.get(`/notify/v1/campaigns/${id}`, as(keys.campaigns!))).body.data.status).toBe('draft');

    const test = await http.post(`/notify/v1/campaigns/${id}/test`, { to: { email: 'a@example.test' } }, as(keys.campaignsSend!));
    expect(test.status).toBe(202);
    const launched = await http.post(`/notify/v1/campaigns/${id}/launch`, {}, as(keys.campaignsSend!));
    expect(launched.status).toBe(200);
    expect(launched.body.data.status).not.toBe('draft');
    // Pausing and cancelling send nothing: campaigns:write is enough.
    const cancelled = await http.post(`/notify/v1/campaigns/${id}/cancel`, {}, as(keys.campaigns!));
    expect([200, 409]).toContain(cancelled.status);
  });

  it('contacts and groups: contacts:read reads, contacts:write writes, imports and exports; other scopes are refused', async () => {
    const email = `s-${randomUUID()}@example.test`;
    for (const k of [keys.templates!, keys.send!, keys.contactsRead!]) {
      expectForbidden(await http.post('/notify/v1/contacts', { email }, as(k)));
      expectForbidden(await http.post('/notify/v1/groups', { name: `g-${randomUUID().slice(0, 8)}`, kind: 'static' }, as(k)));
      expectForbidden(await http.get('/notify/v1/contacts/export', as(k)));
    }
    for (const k of [keys.templates!, keys.send!, keys.campaigns!]) {
      expectForbidden(await http.get('/notify/v1/contacts', as(k)));
      expectForbidden(await http.get('/notify/v1/groups', as(k)));
    }
    // Nothing was stored by the refused writes.
    const none = await http.get(`/notify/v1/contacts?q=${encodeURIComponent(email)}`, as(keys.contactsRead!));
    expect(none.status).toBe(200);
    expect(none.body.data).toEqual([]);

    const created = await http.post('/notify/v1/contacts', { email }, as(keys.contactsWrite!));
    expect(created.status).toBe(201);
    const group = await http.post('/notify/v1/groups', { name: `g-${randomUUID().slice(0, 8)}`, kind: 'static' }, as(keys.contactsWrite!));
    expect(group.status).toBe(201);
    const listed = await http.get(`/notify/v1/contacts?q=${encodeURIComponent(email)}`, as(keys.contactsRead!));
    expect(listed.body.data.map((c: { id: string }) => c.id)).toEqual([created.body.data.id]);
    expect((await http.get(`/notify/v1/groups/${group.body.data.id}`, as(keys.contactsRead!))).status).toBe(200);
    const exported = await http.get('/notify/v1/contacts/export', as(keys.contactsWrite!));
    expect(exported.status).toBe(200);
    expect(exported.text ?? JSON.stringify(exported.body)).toContain(email);
  });
});

describe('Swagger lists every route scope', () => {
  it.each([
    ['notify-svc', () => `${stack.notify.baseUrl}/docs-json`],
    ['the gateway', () => `${stack.gatewayUrl}/docs/openapi.json`],
  ])('in the document served by %s', async (_where, url) => {
    const doc = (await (await fetch(url())).json()) as { paths: Record<string, Record<string, any>> };
    const launch = doc.paths['/notify/v1/campaigns/{id}/launch']!.post;
    expect(launch['x-api-key-scopes']).toEqual({ anyOf: ['campaigns:write'] });
    expect(launch['x-api-key-scopes-required']).toEqual({ allOf: ['notifications:send'] });
    expect(launch['x-roles']).toEqual(['organizer', 'admin']);
    expect(doc.paths['/notify/v1/campaigns/{id}/pause']!.post['x-api-key-scopes-required']).toBeUndefined();
    expect(doc.paths['/notify/v1/templates/{id}/test-send']!.post['x-api-key-scopes-required']).toEqual({ allOf: ['notifications:send'] });
    expect(doc.paths['/notify/v1/contacts']!.get['x-api-key-scopes']).toEqual({ anyOf: ['contacts:read', 'contacts:write'] });
    expect(doc.paths['/notify/v1/contacts']!.post['x-api-key-scopes']).toEqual({ anyOf: ['contacts:write'] });
    expect(doc.paths['/notify/v1/deliveries']!.post['x-api-key-scopes']).toEqual({ anyOf: ['notifications:send'] });
  });
});
