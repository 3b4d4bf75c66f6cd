import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NotifyTestEnv } from './support/notify-test-env.js';

describe('rate limits per plan tier and daily quotas', () => {
  let env: NotifyTestEnv;

  beforeAll(async () => {
    env = await NotifyTestEnv.start({
      RATE_LIMIT_FREE: '20/1m',
      RATE_LIMIT_PROFESSIONAL: '40/1m',
      QUOTA_DAILY_FREE: '5',
      QUOTA_DAILY_PROFESSIONAL: '1000',
    });
  });
  afterAll(async () => {
    await env?.close();
  });

  const sms = { channel: 'sms', to: { phone: '+14155501111' }, body: 'hi' };

  it('limits requests per tenant by plan: 429 RATE_LIMITED with Retry-After, other tenants unaffected', async () => {
    const free = env.tenant('free');
    const pro = env.tenant('professional');
    for (let i = 0; i < 20; i++) expect((await env.http.get('/notify/v1/me', { token: free.user })).status).toBe(200);
    const limited = await env.http.get('/notify/v1/me', { token: free.admin });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // The tenant's API keys share its budget.
    expect((await env.http.get('/notify/v1/me', { headers: { 'x-api-key': free.apiKey(['notifications:read'], 'free') } })).status).toBe(
      429,
    );
    for (let i = 0; i < 30; i++) expect((await env.http.get('/notify/v1/me', { token: pro.user })).status).toBe(200);
    expect((await env.http.get('/notify/v1/me', { token: env.tenant('free').user })).status).toBe(200);
  });

  it('enforces the daily quota (429 QUOTA_EXCEEDED, nothing stored) and an admin override', async () => {
    const t = env.tenant('free');
    const send = (body: object = sms) => env.http.post('/notify/v1/deliveries', body, { token: t.admin });
    for (let i = 0; i < 3; i++) expect((await send()).status).toBe(202);
    const batch = await env.http.post(
      '/notify/v1/deliveries/batch',
      { channel: 'sms', body: 'x', recipients: [1, 2, 3].map(() => ({ to: { phone: '+14155501111' } })) },
      { token: t.admin },
    );
    expect(batch.status).toBe(429);
    expect(batch.body.error.code).toBe('QUOTA_EXCEEDED');
    expect(Number(batch.headers.get('retry-after'))).toBeGreaterThan(0);
    for (let i = 0; i < 2; i++) expect((await send()).status).toBe(202);
    const over = await send();
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('QUOTA_EXCEEDED');
    const stored = await env.systemQuery<{ n: string }>('SELECT count(*) AS n FROM deliveries WHERE tenant_id = $1', [t.tenantId]);
    expect(stored[0]!.n).toBe('5');

    const view = await env.http.get(`/notify/v1/admin/quotas/${t.tenantId}`, { token: t.admin });
    expect(view.body.data).toMatchObject({ dailyLimit: 5, source: 'plan', planTier: 'free', usedToday: 5, remainingToday: 0 });

    expect((await env.http.put(`/notify/v1/admin/quotas/${t.tenantId}`, { dailyLimit: -1 }, { token: t.admin })).status).toBe(400);
    expect((await env.http.put(`/notify/v1/admin/quotas/${t.tenantId}`, { dailyLimit: 'many' }, { token: t.admin })).status).toBe(400);
    const raised = await env.http.put(`/notify/v1/admin/quotas/${t.tenantId}`, { dailyLimit: 7 }, { token: t.admin });
    expect(raised.body.data).toMatchObject({ dailyLimit: 7, source: 'override', usedToday: 5, remainingToday: 2 });
    expect((await send()).status).toBe(202);
    expect((await send()).status).toBe(202);
    expect((await send()).status).toBe(429);

    const reset = await env.http.put(`/notify/v1/admin/quotas/${t.tenantId}`, { dailyLimit: null }, { token: t.admin });
    expect(reset.body.data).toMatchObject({ dailyLimit: 5, source: 'plan' });
    expect((await send()).status).toBe(429);
  });
});
