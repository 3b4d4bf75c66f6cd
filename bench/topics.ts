/**
 * Topic fan-out scenarios (issue 11): one publish reaching 1,000 SSE subscribers, the publish rate
 * with 10 subscribers on the topic, and the server's memory per idle subscriber.
 */
import http from 'node:http';
import { Pool } from 'undici';
import { api, rssKiB, type Measure } from './harness.js';

type Result = Measure & { ratio?: string; met?: boolean; note?: string };

/** A raw SSE subscriber: reports each message's latency (its body is the publish time in ms). */
function subscribe(url: string, headers: Record<string, string>, onLatency: (ms: number) => void): Promise<http.ClientRequest> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`subscribe: ${res.statusCode}`));
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let at: number;
        while ((at = buf.indexOf('\n\n')) >= 0) {
          const event = buf.slice(0, at);
          buf = buf.slice(at + 2);
          if (event.includes('event: open')) resolve(req);
          const data = /^data: (.*)$/m.exec(event)?.[1];
          if (event.includes('event: message') && data) onLatency(Date.now() - Number(JSON.parse(data).message));
        }
      });
    });
    req.on('error', reject);
  });
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

export async function topicScenarios(
  scenario: (name: string, target: string, fn: () => Promise<Result | null>) => Promise<void>,
  notify: string,
  access: string,
  notifyPid: number,
): Promise<void> {
  const auth = { authorization: `Bearer ${access}` };
  const topic = await api(notify, 'POST', '/notify/v1/topics', { name: `bench-${Date.now()}`, visibility: 'public' }, auth);
  const streamUrl = `${notify}${topic.publicPath}/sse`;
  const publishUrl = `${notify}/notify/v1/topics/${topic.name}`;
  // undici's Pool, not fetch: fetch costs the load generator 3-4 times the CPU a request, taken from the two cores
  // the service shares (as in pipeline.ts's sendMany).
  const { origin, pathname } = new URL(publishUrl);
  const pool = new Pool(origin, { connections: 50 });
  const publish = async (body: string) => {
    const res = await pool.request({ path: pathname, method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body });
    await res.body.arrayBuffer();
    return res.statusCode;
  };
  const open: http.ClientRequest[] = [];
  const latencies: number[] = [];

  await scenario('notify-svc topic: one publish to 1,000 SSE subscribers', 'p99 < 500 ms; memory per idle subscriber < 50 KB', async () => {
    const before = rssKiB(notifyPid);
    for (let i = 0; i < 1000; i += 50) {
      open.push(...(await Promise.all(Array.from({ length: 50 }, () => subscribe(streamUrl, {}, (ms) => latencies.push(ms))))));
    }
    await new Promise((r) => setTimeout(r, 1000));
    const perSubscriberKiB = (rssKiB(notifyPid) - before) / open.length;
    const publishes = 20;
    for (let i = 0; i < publishes; i++) {
      await publish(String(Date.now()));
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 2000));
    const sorted = [...latencies].sort((a, b) => a - b);
    const expected = publishes * open.length;
    const p99 = pct(sorted, 99);
    return {
      name: 'notify-svc topic: one publish to 1,000 SSE subscribers',
      rps: 0,
      p50: pct(sorted, 50),
      p99,
      non2xx: 0,
      errors: expected - latencies.length,
      total: expected,
      ratio: `${latencies.length}/${expected} received; RSS +${perSubscriberKiB.toFixed(1)} KiB per idle subscriber`,
      met: p99 < 500 && latencies.length === expected && perSubscriberKiB < 50,
    };
  });
  for (const r of open.splice(0)) r.destroy();

  await scenario('notify-svc topic: publishes/s with 10 subscribers', '≥ 2,000 msg/s', async () => {
    latencies.length = 0;
    for (let i = 0; i < 10; i++) open.push(await subscribe(streamUrl, {}, (ms) => latencies.push(ms)));
    const total = 5000;
    let next = 0;
    let failed = 0;
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < total) {
          next++;
          if ((await publish(String(Date.now()))) !== 200) failed++;
        }
      }),
    );
    const rps = Math.round(total / ((Date.now() - t0) / 1000));
    await new Promise((r) => setTimeout(r, 2000));
    for (const r of open.splice(0)) r.destroy();
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      name: 'notify-svc topic: publishes/s with 10 subscribers',
      rps,
      p50: pct(sorted, 50),
      p99: pct(sorted, 99),
      non2xx: failed,
      errors: total * 10 - latencies.length,
      total,
      ratio: `${latencies.length}/${total * 10} deliveries to subscribers (p50/p99: publish → receipt)`,
      met: rps >= 2000 && failed === 0,
    };
  });
  await pool.close();
}
