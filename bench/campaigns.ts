/**
 * Campaigns scenario (issue 12): 100,000 contacts (inserted with one INSERT … SELECT
 * generate_series), one campaign to all of them, timed from the launch until every recipient has
 * its delivery queued (the campaign's `completed`: expansion and send jobs done). SMS through the
 * dev provider, so nothing leaves the machine; the deliveries' own sending goes on afterwards.
 */
import pg from 'pg';
import { api, type Measure } from './harness.js';

type Result = Measure & { ratio?: string; met?: boolean; note?: string };

export async function campaignScenarios(
  scenario: (name: string, target: string, fn: () => Promise<Result | null>) => Promise<void>,
  notify: string,
  access: string,
  notifyDb: string,
): Promise<void> {
  const auth = { authorization: `Bearer ${access}` };
  await scenario('notify-svc campaign to 100,000 contacts: expanded and queued', '< 60 s', async () => {
    const n = Number(process.env.BENCH_CAMPAIGN_CONTACTS ?? 100_000);
    const me = await api(notify, 'GET', '/notify/v1/me', undefined, auth);
    const tenantId: string = me.tenantId ?? me.tenant_id;
    const run = Date.now().toString(36);
    const db = new pg.Client({ connectionString: notifyDb });
    await db.connect();
    try {
      await db.query(
        `INSERT INTO contacts (tenant_id, name, phone, attributes)
         SELECT $1, 'Contact ' || i, '+1' || (2000000000 + i)::text, jsonb_build_object('bench', $2::text)
         FROM generate_series(1, $3) AS i`,
        [tenantId, run, n],
      );
    } finally {
      await db.end();
    }
    const tpl = await api(
      notify,
      'POST',
      '/notify/v1/templates',
      { key: `bench-${run}`, name: 'Bench', channels: { sms: { text: 'Hi {{contact.name}}' } } },
      {
        ...auth,
        'idempotency-key': `tpl-${run}`,
      },
    );
    const c = await api(
      notify,
      'POST',
      '/notify/v1/campaigns',
      { name: `bench ${run}`, channel: 'sms', templateId: tpl.id, audience: { filter: { attributes: { bench: run } } } },
      { ...auth, 'idempotency-key': `c-${run}` },
    );
    const t0 = Date.now();
    await api(notify, 'POST', `/notify/v1/campaigns/${c.id}/launch`, {}, { ...auth, 'idempotency-key': `l-${run}` });
    let expandedMs = 0;
    let s: { status: string; expanded: boolean; targeted: number; pending: number };
    for (;;) {
      s = await api(notify, 'GET', `/notify/v1/campaigns/${c.id}/stats`, undefined, auth);
      if (s.expanded && !expandedMs) expandedMs = Date.now() - t0;
      if (s.status === 'completed' || Date.now() - t0 > 300_000) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const seconds = (Date.now() - t0) / 1000;
    return {
      name: `notify-svc campaign to ${n} contacts (deliveries queued/s)`,
      rps: Math.round(s.targeted / seconds),
      p50: 0,
      p99: 0,
      non2xx: 0,
      errors: s.pending,
      total: s.targeted,
      ratio: `${seconds.toFixed(1)} s to all queued (expanded after ${(expandedMs / 1000).toFixed(1)} s)`,
      met: s.status === 'completed' && s.targeted === n && seconds < 60 && n >= 100_000,
    };
  });
}
