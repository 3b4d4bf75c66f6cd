import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { SMTP_POOL_CONNECTIONS, SmtpEmailProvider } from '../src/channels/email/smtp-email.provider.js';
import type { OutboundMessage } from '../src/channels/channel-provider.js';
import { outboundMessage } from './support/outbound-message.js';
import { startSmtp } from './support/smtp-peer.js';

// Each its own delivery id: the Message-ID is derived from it.
const message = (i: number): OutboundMessage =>
  outboundMessage({
    deliveryId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    tenantId: '00000000-0000-4000-8000-000000000001',
    channel: 'email',
    address: `user${i}@example.com`,
    recipient: { email: `user${i}@example.com` },
    content: { subject: `Hello ${i}`, text: `Message ${i}` },
  });

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('SmtpEmailProvider against a real SMTP server on loopback', () => {
  it('keeps a pool of connections: 60 emails, 20 in flight, go over at most its pool size', async () => {
    const smtp = await startSmtp();
    cleanups.push(() => smtp.close());
    const provider = new SmtpEmailProvider({ url: smtp.url, from: 'Notify <notify@example.com>' });
    cleanups.push(() => provider.close());
    let next = 0;
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const mine = [];
        for (let i = next++; i < 60; i = next++) mine.push(await provider.send(message(i)));
        return mine;
      }),
    );
    expect(outcomes.flat().map((o) => o.kind)).toEqual(Array(60).fill('sent'));
    expect(smtp.messages).toHaveLength(60);
    expect(new Set(smtp.messages.map((m) => m.subject)).size).toBe(60);
    // A connection per email (60) when the pool is not in effect.
    expect(smtp.connections).toBeGreaterThan(0);
    expect(smtp.connections).toBeLessThanOrEqual(SMTP_POOL_CONNECTIONS);
  });

  it('gives up on a server that never greets within its timeout, as a temporary failure', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanups.push(() => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => silent.close(() => r()));
    });
    const port = (silent.address() as AddressInfo).port;
    const provider = new SmtpEmailProvider({ url: `smtp://127.0.0.1:${port}`, from: 'notify@example.com', timeoutMs: 300 });
    cleanups.push(() => provider.close());
    const started = Date.now();
    const outcome = await provider.send(message(1));
    expect(outcome.kind).toBe('temporary');
    // nodemailer's own greeting timeout is 30 s: this one is the provider's.
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 15_000);
});
