import { describe, expect, it } from '@jest/globals';
import { createECDH, randomBytes } from 'node:crypto';
import type { OutboundMessage } from '../channel-provider.js';
import type { FcmSender } from './fcm.sender.js';
import { PushProvider } from './push.provider.js';
import { PushTarget } from './push-target.js';
import { authSecretProblem, fcmTokenProblem, p256dhProblem } from './push-validation.js';
import type { EndpointOutcome, WebPushSender } from './web-push.sender.js';

describe('push validation', () => {
  it('accepts a real P-256 key and a 16-byte secret, refuses points off the curve and wrong lengths', () => {
    const e = createECDH('prime256v1');
    e.generateKeys();
    const key = e.getPublicKey();
    expect(p256dhProblem(key.toString('base64url'))).toBeNull();
    const off = Buffer.from(key);
    off[64] = off[64]! ^ 1;
    expect(p256dhProblem(off.toString('base64url'))).toMatch(/curve/);
    expect(p256dhProblem(e.getPublicKey(null, 'compressed').toString('base64url'))).toMatch(/65 bytes/);
    expect(authSecretProblem(randomBytes(16).toString('base64url'))).toBeNull();
    expect(authSecretProblem(randomBytes(15).toString('base64url'))).toMatch(/16-byte/);
  });

  it('FCM tokens: base64url parts around one colon, 32 to 4096 characters', () => {
    expect(fcmTokenProblem(`abc:APA91b${'x'.repeat(140)}`)).toBeNull();
    expect(fcmTokenProblem('short')).not.toBeNull();
    expect(fcmTokenProblem(`a b:${'x'.repeat(40)}`)).not.toBeNull();
    expect(fcmTokenProblem(`a:b:${'x'.repeat(40)}`)).not.toBeNull();
  });
});

/** A sender that answers from a script, standing in for WebPushSender / FcmSender (same `send` shape). */
class ScriptedSender {
  constructor(private readonly answers: Record<string, EndpointOutcome>) {}
  send(_msg: OutboundMessage, e: { id: string | null }): Promise<EndpointOutcome> {
    return Promise.resolve(this.answers[e.id ?? '']!);
  }
}

const msg = { deliveryId: 'd1', content: { title: 't', body: 'b' } } as unknown as OutboundMessage;
const web = (id: string) => ({ kind: 'web' as const, id, endpoint: `https://push.example/${id}`, p256dh: 'k', auth: 'a' });
const fcm = (id: string) => ({ kind: 'fcm' as const, id, token: `tok-${id}` });

function provider(answers: Record<string, EndpointOutcome>) {
  const s = new ScriptedSender(answers);
  return new PushProvider({ webPush: s as unknown as WebPushSender, fcm: s as unknown as FcmSender, production: true });
}

describe('PushProvider fan-out (one attempt, every endpoint)', () => {
  it('is sent when one endpoint took it; the others are recorded, not retried', async () => {
    const target = new PushTarget([web('w1'), fcm('f1')]);
    const out = await provider({
      w1: { outcome: 'sent', gone: false, messageId: 'm1' },
      f1: { outcome: 'temporary', gone: false, code: 'UNAVAILABLE' },
    }).send(msg, target);
    expect(out).toMatchObject({ kind: 'sent', providerMessageId: 'm1' });
    expect(target.results.map((r) => `${r.id}:${r.outcome}`)).toEqual(['w1:sent', 'f1:temporary']);
  });

  it('is temporary when none took it and one may later (the longest Retry-After wins), permanent when all are gone', async () => {
    const t1 = await provider({
      w1: { outcome: 'temporary', gone: false, code: 'HTTP_503', retryAfterMs: 2000 },
      f1: { outcome: 'permanent', gone: true, code: 'UNREGISTERED' },
    }).send(msg, new PushTarget([web('w1'), fcm('f1')]));
    expect(t1).toMatchObject({ kind: 'temporary', code: 'HTTP_503', retryAfterMs: 2000 });
    const target = new PushTarget([web('w1'), fcm('f1')]);
    const t2 = await provider({
      w1: { outcome: 'permanent', gone: true, code: 'SUBSCRIPTION_GONE' },
      f1: { outcome: 'permanent', gone: true, code: 'UNREGISTERED' },
    }).send(msg, target);
    expect(t2).toMatchObject({ kind: 'permanent', code: 'PUSH_TARGETS_GONE' });
    expect(target.results.every((r) => r.gone)).toBe(true);
  });

  it('a user without endpoints is a permanent NO_PUSH_TARGETS; an unconfigured kind is NO_PROVIDER in production', async () => {
    expect(await provider({}).send(msg, new PushTarget([]))).toMatchObject({ kind: 'permanent', code: 'NO_PUSH_TARGETS' });
    const none = new PushProvider({ webPush: null, fcm: null, production: true });
    expect(none.name).toBe('dev');
    expect(await none.send(msg, new PushTarget([fcm('f1')]))).toMatchObject({ kind: 'permanent', code: 'NO_PROVIDER' });
    const dev = new PushProvider({ webPush: null, fcm: null, production: false });
    expect(await dev.send(msg, new PushTarget([fcm('f1')]))).toMatchObject({ kind: 'sent' });
  });
});
