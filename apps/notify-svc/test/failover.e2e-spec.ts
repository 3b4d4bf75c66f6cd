import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INTERNAL_KEY, NotifyTestEnv, type TestTenant } from './support/notify-test-env.js';
import { startSmtp } from './support/smtp-peer.js';

interface ProviderView {
  name: string;
  order: number;
  state: string;
  probeAt: string | null;
  last24h: { sent: number; temporaryFailures: number; permanentFailures: number; errorRate: number; lastError: string | null };
}
interface ChannelView {
  channel: string;
  provider: string | null;
  status: string;
  providers: ProviderView[];
}

const HALF_OPEN_AFTER_S = 5;

/** Email failover between two SMTP servers: the breaker opens, the secondary takes over, a probe brings the primary back. */
describe('provider failover (circuit breakers)', () => {
  let env: NotifyTestEnv;
  let a: TestTenant;
  let primary: Awaited<ReturnType<typeof startSmtp>>;
  let secondary: Awaited<ReturnType<typeof startSmtp>>;

  beforeAll(async () => {
    primary = await startSmtp({ rcptCode: (to) => (to.startsWith('hard') ? 550 : null) });
    secondary = await startSmtp({ rcptCode: (to) => (to.startsWith('hard') ? 550 : null) });
    env = await NotifyTestEnv.start({
      WORKERS_ENABLED: 'true',
      SMTP_URL: primary.url,
      SMTP_FALLBACK_URL: secondary.url,
      SMTP_FROM: 'Notify <notify@example.test>',
      EMAIL_PROVIDERS: 'smtp,smtp-fallback',
      PROVIDER_BREAKER_FAILURES: '3',
      PROVIDER_BREAKER_ERROR_RATE: '50',
      PROVIDER_BREAKER_WINDOW: '5s',
      PROVIDER_BREAKER_HALF_OPEN_AFTER: String(HALF_OPEN_AFTER_S),
      DELIVERY_RETRY_BASE_MS: '100',
      DELIVERY_RETRY_MAX_DELAY: '1s',
      DELIVERY_MAX_ATTEMPTS: '20',
      QUOTA_DAILY_FREE: '100000',
      RATE_LIMIT_FREE: '100000/1m',
    });
    a = env.tenant();
  });
  afterAll(async () => {
    await env?.close();
    await primary?.close();
    await secondary?.close();
  });

  const send = async (email: string) => {
    const res = await env.http.post(
      '/notify/v1/deliveries',
      { channel: 'email', to: { email }, subject: 'S', body: 'B' },
      { token: a.organizer },
    );
    expect(res.status).toBe(202);
    return res.body.data.id as string;
  };
  const until = (id: string, statuses: string[], timeoutMs = 15_000) =>
    env.eventually(
      async () => {
        const r = await env.http.get(`/notify/v1/deliveries/${id}`, { token: a.admin });
        return statuses.includes(r.body.data.status) && r.body.data;
      },
      timeoutMs,
      `delivery ${id} to reach ${statuses.join('/')}`,
    );
  const email = async (): Promise<ChannelView> => {
    const res = await env.http.get('/notify/v1/admin/providers', { token: a.admin });
    expect(res.status).toBe(200);
    return res.body.data.find((c: ChannelView) => c.channel === 'email');
  };
  /** How many times each delivery's Message-ID arrived, over both servers. */
  const arrivals = () => {
    const n = new Map<string, number>();
    for (const m of [...primary.messages, ...secondary.messages]) n.set(m.messageId!, (n.get(m.messageId!) ?? 0) + 1);
    return n;
  };
  const messageId = (id: string) => `<${id}@example.test>`;

  it('lists the email providers in the configured order, both closed', async () => {
    const view = await email();
    expect(view).toMatchObject({ provider: 'smtp', status: 'active' });
    expect(view.providers.map((p) => [p.name, p.order, p.state])).toEqual([
      ['smtp', 1, 'closed'],
      ['smtp-fallback', 2, 'closed'],
    ]);
  });

  it('permanent failures of single messages (SMTP 550) never open the breaker', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await send(`hard-${i}@example.com`));
    for (const id of ids) {
      const d = await until(id, ['failed']);
      expect(d.providerAttempts).toMatchObject([{ provider: 'smtp', outcome: 'permanent', errorCode: 'SMTP_550' }]);
    }
    const view = await email();
    expect(view.providers[0]).toMatchObject({ name: 'smtp', state: 'closed' });
    expect(view.providers[0]!.last24h.permanentFailures).toBe(6);
    // The primary still takes the sends.
    const ok = await until(await send('after-permanent@example.com'), ['sent']);
    expect(ok.provider).toBe('smtp');
    expect(secondary.tries).toBe(0);
  });

  it('the primary answers 421 until its breaker opens; the secondary takes the sends; each message arrives once', async () => {
    primary.down = true;
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await send(`switch-${i}@example.com`));
    const sent = await Promise.all(ids.map((id) => until(id, ['sent'])));
    for (const d of sent) {
      expect(d.provider).toBe('smtp-fallback');
      const attempts = d.providerAttempts as Array<{ provider: string; outcome: string; errorCode: string | null }>;
      // Every attempt before the last one went to the primary and was refused (421: it took nothing), or
      // found its breaker opened (by the others' failures) between the pick and the call: CIRCUIT_OPEN, nothing sent.
      expect(attempts.at(-1)).toMatchObject({ provider: 'smtp-fallback', outcome: 'sent' });
      for (const x of attempts.slice(0, -1)) {
        expect(x).toMatchObject({ provider: 'smtp', outcome: 'temporary' });
        expect(['SMTP_421', 'CIRCUIT_OPEN']).toContain(x.errorCode);
      }
    }
    const n = arrivals();
    for (const id of ids) expect(n.get(messageId(id))).toBe(1);
    expect(primary.messages.filter((m) => ids.some((id) => m.messageId === messageId(id)))).toHaveLength(0);

    // While open the admin view shows it, and new sends go straight to the secondary.
    const view = await email();
    expect(view).toMatchObject({ provider: 'smtp-fallback', status: 'active' });
    expect(view.providers[0]).toMatchObject({ name: 'smtp', state: 'open' });
    expect(view.providers[0]!.last24h.temporaryFailures).toBeGreaterThanOrEqual(3);
    expect(view.providers[0]!.last24h.lastError).toMatch(/service not available/);
    expect(new Date(view.providers[0]!.probeAt!).getTime()).toBeGreaterThan(Date.now() - 1000);
    expect(view.providers[1]).toMatchObject({ name: 'smtp-fallback', state: 'closed' });
    const metrics = (await env.http.get('/metrics', { headers: { 'x-internal-api-key': INTERNAL_KEY } })).text;
    expect(metrics).toMatch(/notify_provider_breaker_state\{[^}]*channel="email",provider="smtp"[^}]*\} 1/);
    expect(metrics).toMatch(/notify_provider_breaker_opened_total\{[^}]*channel="email",provider="smtp"[^}]*\} 1/);
    const triesBefore = primary.tries;
    const direct = await until(await send('while-open@example.com'), ['sent']);
    expect(direct.providerAttempts).toMatchObject([{ attempt: 1, provider: 'smtp-fallback', outcome: 'sent' }]);
    expect(primary.tries).toBe(triesBefore);
  });

  it('after halfOpenAfter one probe goes to the primary: a failed probe opens it again, a good one brings it back', async () => {
    // Still down: the probe fails, the breaker opens again and the message goes to the secondary.
    const probeAt = new Date((await email()).providers[0]!.probeAt!).getTime();
    await new Promise((r) => setTimeout(r, Math.max(0, probeAt - Date.now()) + 200));
    const triesBefore = primary.tries;
    const failedProbe = await until(await send('probe-1@example.com'), ['sent']);
    expect(failedProbe.providerAttempts).toMatchObject([
      { provider: 'smtp', outcome: 'temporary', errorCode: 'SMTP_421' },
      { provider: 'smtp-fallback', outcome: 'sent' },
    ]);
    expect(primary.tries).toBe(triesBefore + 1);
    expect((await email()).providers[0]).toMatchObject({ state: 'open' });

    // Recovered: after the next break the probe is taken and the breaker closes.
    primary.down = false;
    const nextProbeAt = new Date((await email()).providers[0]!.probeAt!).getTime();
    await new Promise((r) => setTimeout(r, Math.max(0, nextProbeAt - Date.now()) + 200));
    // Several at once: exactly one is the probe; the others go to the secondary or, once the probe
    // has closed the breaker, to the primary; each arrives once.
    const ids = await Promise.all([0, 1, 2, 3].map((i) => send(`back-${i}@example.com`)));
    const sent = await Promise.all(ids.map((id) => until(id, ['sent'])));
    expect(sent.every((d) => d.providerAttempts.length === 1)).toBe(true);
    expect(sent.some((d) => d.provider === 'smtp')).toBe(true);
    const n = arrivals();
    for (const id of ids) expect(n.get(messageId(id))).toBe(1);
    const view = await email();
    expect(view).toMatchObject({ provider: 'smtp', status: 'active' });
    expect(view.providers.map((p) => p.state)).toEqual(['closed', 'closed']);
    const after = await until(await send('after-recovery@example.com'), ['sent']);
    expect(after.provider).toBe('smtp');
    // Across the whole run no message arrived twice.
    expect([...arrivals().values()].every((c) => c === 1)).toBe(true);
  });
  it('a delivery the primary may already hold (crash mid-send, ambiguous timeout) stays with it across the switch', async () => {
    primary.down = true;
    const breakers = await Promise.all([0, 1, 2, 3].map((i) => send(`rebreak-${i}@example.com`)));
    await Promise.all(breakers.map((id) => until(id, ['sent'])));
    expect((await email()).providers[0]).toMatchObject({ state: 'open' });
    // Two deliveries left as the worker leaves them when smtp may hold the message: one caught mid-send
    // by a crash (still `sending`, its lease over), one queued for a retry after a timeout (provider kept).
    const post = async (to: string) => {
      const res = await env.http.post(
        '/notify/v1/deliveries',
        { channel: 'email', to: { email: to }, subject: 'S', body: 'B', sendAt: new Date(Date.now() + 1500).toISOString() },
        { token: a.organizer },
      );
      expect(res.body.data.status).toBe('scheduled');
      return res.body.data.id as string;
    };
    const crashed = await post('crashed@example.com');
    const timedOut = await post('timed-out@example.com');
    await env.systemQuery(
      `UPDATE deliveries SET status = 'sending', attempts = 1, provider = 'smtp', next_attempt_at = now() - interval '1 second' WHERE id = $1`,
      [crashed],
    );
    await env.systemQuery(
      `UPDATE deliveries SET status = 'queued', attempts = 1, provider = 'smtp', next_attempt_at = now() WHERE id = $1`,
      [timedOut],
    );
    // While smtp's breaker is open they wait (CIRCUIT_OPEN, nothing sent), pinned to smtp: never the secondary.
    for (const id of [crashed, timedOut]) {
      const d = await env.eventually(async () => {
        const r = await env.http.get(`/notify/v1/deliveries/${id}`, { token: a.admin });
        const x = r.body.data;
        return x.providerAttempts.some((p: { errorCode: string }) => p.errorCode === 'CIRCUIT_OPEN') && x;
      });
      expect(d.provider).toBe('smtp');
      expect(d.providerAttempts.every((p: { provider: string }) => p.provider === 'smtp')).toBe(true);
    }
    primary.down = false;
    for (const id of [crashed, timedOut]) {
      const d = await until(id, ['sent'], 20_000);
      expect(d.provider).toBe('smtp');
      expect(d.providerAttempts.every((p: { provider: string }) => p.provider === 'smtp')).toBe(true);
      expect(primary.messages.filter((m) => m.messageId === messageId(id))).toHaveLength(1);
      expect(secondary.messages.filter((m) => m.messageId === messageId(id))).toHaveLength(0);
    }
    expect([...arrivals().values()].every((c) => c === 1)).toBe(true);
  });
});
