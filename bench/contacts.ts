/**
 * Contacts scenarios (issue 12): a CSV import of 100,000 rows, from the POST to the import's
 * `completed`, with the service's resident memory sampled meanwhile (workers in the same process).
 */
import { api, rssMiB, type Measure } from './harness.js';

type Result = Measure & { ratio?: string; met?: boolean; note?: string };

export async function contactScenarios(
  scenario: (name: string, target: string, fn: () => Promise<Result | null>) => Promise<void>,
  notify: string,
  access: string,
  notifyPid: number,
): Promise<void> {
  const auth = { authorization: `Bearer ${access}` };
  await scenario('notify-svc contacts: CSV import of 100,000 rows', '< 30 s, < 200 MB extra memory', async () => {
    const rows = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
    const run = Date.now().toString(36);
    const lines = Array.from(
      { length: rows },
      (_, i) => `b-${run}-${i},Contact ${i},c${i}-${run}@example.com,,en-US,Europe/Paris,plan-${i % 5}`,
    );
    const csv = `externalId,name,email,phone,locale,timezone,attr.plan\n${lines.join('\n')}`;
    const before = rssMiB(notifyPid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(notifyPid))), 100);
    const t0 = Date.now();
    try {
      const res = await fetch(`${notify}/notify/v1/contacts/import`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'text/csv' },
        body: csv,
      });
      const accepted = (await res.json()) as { data?: { id: string }; error?: unknown };
      if (res.status !== 202 || !accepted.data) throw new Error(`import → ${res.status} ${JSON.stringify(accepted.error)}`);
      const acceptMs = Date.now() - t0;
      let status: { status: string; created: number; failed: number };
      for (;;) {
        status = await api(notify, 'GET', `/notify/v1/contacts/imports/${accepted.data.id}`, undefined, auth);
        if (status.status === 'completed' || Date.now() - t0 > 300_000) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const seconds = (Date.now() - t0) / 1000;
      return {
        name: `notify-svc CSV import of ${rows} rows (rows/s)`,
        rps: Math.round(rows / seconds),
        p50: 0,
        p99: 0,
        non2xx: 0,
        errors: status.failed,
        total: status.created,
        ratio: `${seconds.toFixed(1)} s (accepted in ${acceptMs} ms), RSS ${before} → peak ${peak} MB`,
        met: status.status === 'completed' && seconds < 30 && peak - before < 200 && rows >= 100_000,
      };
    } finally {
      clearInterval(sampler);
    }
  });
}
