/**
 * Workflows scenario (issue 21): 10,000 triggers of a two-step workflow (in-app, then email after a
 * delay of 0) timed from the first trigger until every run's two deliveries are `sent`, against the
 * single-delivery accept → sent rate of email measured just before in the same run (the yardstick
 * the issue compares with). Email goes to an SMTP sink on loopback (smtp-server, discarding).
 */
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { api, BENCH_CONNECTIONS, type Measure } from './harness.js';
import { awaitQueueEmpty } from './pipeline.js';

type Result = Measure & { ratio?: string; met?: boolean; note?: string };

/** An SMTP server on loopback that accepts and discards every mail (the email provider of the bench). */
export async function startSmtpSink(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, cb) {
      stream.on('end', () => cb());
      stream.resume();
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** POSTs `count` bodies with `concurrency` senders; counts the non-202 answers. */
async function post(url: string, headers: Record<string, string>, bodyFor: (i: number) => string, count: number, concurrency: number) {
  let next = 0;
  let failures = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: bodyFor(i) });
        await res.arrayBuffer();
        if (res.status !== 202) failures++;
      }
    }),
  );
  return failures;
}

/** Polls until `probe` reaches `want` (or the deadline); returns when it did, in ms since `t0`. */
async function until(db: pg.Client, sql: string, params: unknown[], want: number, t0: number, timeoutMs: number) {
  for (;;) {
    const n = (await db.query<{ n: number }>(sql, params)).rows[0]!.n;
    if (n >= want || performance.now() - t0 > timeoutMs) return { n, ms: performance.now() - t0 };
    await new Promise((r) => setTimeout(r, 200));
  }
}

const SENT = `SELECT count(*)::int AS n FROM deliveries WHERE tenant_id = $1 AND category = $2 AND status IN ('sent', 'delivered')`;

export async function workflowScenarios(
  scenario: (name: string, target: string, fn: () => Promise<Result | null>) => Promise<void>,
  notify: string,
  access: string,
  notifyDb: string,
): Promise<void> {
  const auth = { authorization: `Bearer ${access}` };
  const triggers = Number(process.env.BENCH_WORKFLOW_TRIGGERS ?? 10_000);
  const singles = Number(process.env.BENCH_WORKFLOW_SINGLES ?? 3_000);
  await scenario(
    `notify-svc workflow (in-app + email after a delay of 0), ${triggers} triggers → sent`,
    '≥ 0.5 of the single-delivery email accept → sent rate',
    async () => {
      const left = await awaitQueueEmpty(notifyDb, 300_000);
      if (left) throw new Error(`${left} jobs still queued from earlier scenarios`);
      const me = await api(notify, 'GET', '/notify/v1/me', undefined, auth);
      const tenantId: string = me.tenantId ?? me.tenant_id;
      const run = Date.now().toString(36);
      const db = new pg.Client({ connectionString: notifyDb });
      await db.connect();
      try {
        // The yardstick: single email deliveries, accept → sent, just before.
        const single = `bench-single-${run}`;
        let t0 = performance.now();
        const singleFailures = await post(
          `${notify}/notify/v1/deliveries`,
          auth,
          (i) =>
            JSON.stringify({ channel: 'email', to: { email: `s${i}@example.com` }, subject: 'Bench', body: 'single', category: single }),
          singles,
          BENCH_CONNECTIONS,
        );
        const s = await until(db, SENT, [tenantId, single], singles - singleFailures, t0, 600_000);
        const singleRate = s.n / (s.ms / 1000);

        const key = `bench-wf-${run}`;
        await api(
          notify,
          'POST',
          '/notify/v1/workflows',
          {
            key,
            name: 'Bench',
            steps: [
              { type: 'in_app', name: 'inbox', content: { subject: 'Bench', body: 'in-app' } },
              { type: 'delay', for: '0' },
              { type: 'email', content: { subject: 'Bench', body: 'email' } },
            ],
          },
          auth,
        );
        t0 = performance.now();
        const failures = await post(
          `${notify}/notify/v1/workflows/${key}/trigger`,
          auth,
          (i) => JSON.stringify({ to: { userId: '00000000-0000-4000-8000-' + String(i).padStart(12, '0'), email: `w${i}@example.com` } }),
          triggers,
          BENCH_CONNECTIONS,
        );
        const acceptedMs = performance.now() - t0;
        const w = await until(db, SENT, [tenantId, `workflow.${key}`], 2 * (triggers - failures), t0, 1_200_000);
        const runsDone = Math.floor(w.n / 2);
        const rate = runsDone / (w.ms / 1000);
        const ratio = rate / singleRate;
        return {
          name: `notify-svc workflow (in-app + email after a delay of 0), ${triggers} triggers → sent`,
          rps: Math.round(rate),
          p50: 0,
          p99: 0,
          non2xx: failures,
          errors: triggers - failures - runsDone,
          total: triggers,
          ratio: `${ratio.toFixed(2)} of single email accept → sent ${Math.round(singleRate)}/s (${singles} deliveries, just before); ${(w.ms / 1000).toFixed(1)} s in all, triggers accepted in ${(acceptedMs / 1000).toFixed(1)} s`,
          met: ratio >= 0.5 && failures === 0 && runsDone === triggers,
        };
      } finally {
        await db.end();
      }
    },
  );
}
