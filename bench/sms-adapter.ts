/**
 * `node scripts/build-if-needed.mjs && node dist/bench/sms-adapter.js`: the CPU a provider adapter
 * adds per message over the HTTP call itself (issue 10: under 1 ms). A local stand-in answers at
 * once; the same process sends N messages through TwilioProvider / MetaWhatsAppProvider and N bare
 * peerRequest calls with an equivalent request, and `process.cpuUsage()` (user + system, both sides
 * of the loopback in this one process) around each run gives the difference per message. Runs
 * alternate and repeat; the lowest figure of each kind is kept (least disturbed by the other helpers' load).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OutboundMessage } from '../apps/notify-svc/src/channels/channel-provider.js';
import { peerRequest } from '../apps/notify-svc/src/channels/peer-request.js';
import { MetaWhatsAppProvider } from '../apps/notify-svc/src/channels/whatsapp/meta-whatsapp.provider.js';
import { TwilioProvider } from '../apps/notify-svc/src/channels/twilio/twilio.provider.js';
import { guardedLookup } from '../apps/notify-svc/src/channels/webhook/ssrf-guard.js';

const N = Number(process.env.BENCH_SMS_N ?? 2000);
const ROUNDS = Number(process.env.BENCH_SMS_ROUNDS ?? 5);
const CONCURRENCY = 16;

const TWILIO_ANSWER = JSON.stringify({ sid: `SM${'0'.repeat(32)}`, status: 'queued', num_segments: '1' });
const META_ANSWER = JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ wa_id: '447911123456' }], messages: [{ id: 'wamid.X' }] });

async function main() {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const body = req.url?.includes('Messages.json') ? TWILIO_ANSWER : META_ANSWER;
      res.writeHead(req.url?.includes('Messages.json') ? 201 : 200, { 'content-type': 'application/json' }).end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const guard = { lookup: guardedLookup({ allowPrivate: true }), opts: { allowPrivate: true } };
  const twilio = new TwilioProvider({
    channel: 'sms',
    platform: { accountSid: `AC${'0'.repeat(32)}`, authToken: 'bench-token', from: '+14155550123', baseUrl: url },
    apiUrl: url,
    accountOnly: false,
    statusCallback: 'https://notify.example.com/notify/v1/webhooks/twilio',
    timeoutMs: 10_000,
    tenantGuard: guard,
  });
  const meta = new MetaWhatsAppProvider({
    platform: { accessToken: 'bench-token', phoneNumberId: '106540352242922', baseUrl: url },
    apiUrl: url,
    apiVersion: 'v21.0',
    timeoutMs: 10_000,
    tenantGuard: guard,
  });
  const msg = (i: number): OutboundMessage => ({
    deliveryId: `d-${i}`,
    tenantId: 't',
    channel: 'sms',
    attempt: 1,
    address: '+14155552671',
    recipient: { phone: '+14155552671' },
    content: { text: 'Your verification code is 123456. It expires in 10 minutes.' },
    data: null,
    category: null,
    createdAt: new Date(),
  });
  // The bare call: the same bytes on the wire, built once.
  const form =
    'To=%2B14155552671&From=%2B14155550123&Body=Your+verification+code+is+123456.+It+expires+in+10+minutes.&StatusCallback=https%3A%2F%2Fnotify.example.com%2Fnotify%2Fv1%2Fwebhooks%2Ftwilio';
  const bareUrl = new URL(`${url}/2010-04-01/Accounts/AC${'0'.repeat(32)}/Messages.json`);
  const bareHeaders = {
    authorization: `Basic ${Buffer.from(`AC${'0'.repeat(32)}:bench-token`).toString('base64')}`,
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
    'user-agent': 'notify-svc/1',
    'content-length': String(Buffer.byteLength(form)),
  };

  const runs = {
    bare: () => peerRequest(bareUrl, { method: 'POST', headers: bareHeaders, body: form, timeoutMs: 10_000 }),
    twilio: (i: number) => twilio.send(msg(i)),
    meta: (i: number) => meta.send({ ...msg(i), channel: 'whatsapp' }),
  };
  const best: Record<keyof typeof runs, number> = { bare: Infinity, twilio: Infinity, meta: Infinity };
  const measure = async (fn: (i: number) => Promise<unknown>) => {
    const before = process.cpuUsage();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < N) await fn(next++);
      }),
    );
    const d = process.cpuUsage(before);
    return (d.user + d.system) / N; // µs per message
  };
  for (const k of Object.keys(runs) as Array<keyof typeof runs>) await measure(runs[k]); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    for (const k of Object.keys(runs) as Array<keyof typeof runs>) best[k] = Math.min(best[k], await measure(runs[k]));
  }
  server.close();
  const f = (us: number) => `${us.toFixed(1)} µs`;
  console.log(`CPU per message (lowest of ${ROUNDS} rounds of ${N}, ${CONCURRENCY} at once, client and stand-in in one process):`);
  console.log(`  bare peerRequest      ${f(best.bare)}`);
  console.log(`  TwilioProvider.send   ${f(best.twilio)}  → adapter adds ${f(best.twilio - best.bare)} (target < 1000 µs)`);
  console.log(`  MetaWhatsApp.send     ${f(best.meta)}  → adapter adds ${f(best.meta - best.bare)}`);
}

await main();
