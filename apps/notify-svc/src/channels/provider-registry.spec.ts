import { describe, expect, it } from '@jest/globals';
import { loadNotifyConfig } from '../config/notify-config.js';
import type { Channel } from './channel-registry.js';
import { mayHaveReachedPeer, type ChannelProvider, type OutboundMessage, type SendOutcome } from './channel-provider.js';
import { ProviderRegistry } from './provider-registry.js';
import { outboundMessage } from '../../test/support/outbound-message.js';

/** A provider whose answers the test scripts; counts what it was given. */
class ScriptedProvider implements ChannelProvider {
  calls = 0;
  answer: () => SendOutcome | Promise<SendOutcome> = () => ({ kind: 'sent', providerMessageId: `${this.name}-${this.calls}` });
  constructor(
    readonly channel: Channel,
    readonly name: string,
  ) {}
  async send(): Promise<SendOutcome> {
    this.calls++;
    return this.answer();
  }
}

const msg = (channel: Channel = 'sms'): OutboundMessage =>
  outboundMessage({ channel, address: '+15550001111', recipient: {}, content: { text: 'x' } });
const temporary: SendOutcome = { kind: 'temporary', code: 'HTTP_503', error: 'unavailable' };
const permanent: SendOutcome = { kind: 'permanent', code: 'HTTP_400', error: 'invalid number' };

function registry(providers: ChannelProvider[], env: Record<string, string> = {}) {
  const config = loadNotifyConfig({
    NOTIFY_DATABASE_URL: 'postgres://127.0.0.1/unused',
    PROVIDER_BREAKER_FAILURES: '3',
    PROVIDER_BREAKER_WINDOW: '10s',
    PROVIDER_BREAKER_HALF_OPEN_AFTER: '1',
    ...env,
  });
  return new ProviderRegistry(providers, config);
}

/** One send the way the worker does it: pick, then send through the picked breaker. */
async function sendOnce(reg: ProviderRegistry, channel: Channel = 'sms', pinnedTo?: string) {
  const pick = reg.pick(channel, pinnedTo)!;
  const outcome = pick.kind === 'circuit_open' ? pick.outcome : await pick.circuit.send(msg(channel), undefined);
  return { provider: pick.circuit.name, outcome };
}

describe('provider registry: failover lists and circuit breakers', () => {
  it('orders each channel by its *_PROVIDERS list, defaults to the registration order, refuses unknown names', () => {
    const a = new ScriptedProvider('sms', 'a');
    const b = new ScriptedProvider('sms', 'b');
    const e = new ScriptedProvider('email', 'smtp');
    expect(
      registry([a, b, e])
        .list('sms')
        .map((c) => c.name),
    ).toEqual(['a', 'b']);
    expect(
      registry([a, b, e], { SMS_PROVIDERS: 'b,a' })
        .list('sms')
        .map((c) => c.name),
    ).toEqual(['b', 'a']);
    expect(registry([a, b], { SMS_PROVIDERS: 'b' }).list('sms').length).toBe(1);
    expect(() => registry([a, b], { SMS_PROVIDERS: 'twilio' })).toThrow(/SMS_PROVIDERS: names twilio.*configured: a, b/);
    expect(registry([a]).list('whatsapp')).toEqual([]);
    expect(registry([a]).pick('whatsapp')).toBeUndefined();
  });

  it('permanent failures never open the breaker; N temporary ones in the window do, and the next provider takes over', async () => {
    const a = new ScriptedProvider('sms', 'a');
    const b = new ScriptedProvider('sms', 'b');
    const reg = registry([a, b]);
    a.answer = () => permanent;
    for (let i = 0; i < 20; i++) expect((await sendOnce(reg)).provider).toBe('a');
    expect(reg.list('sms')[0]!.state).toBe('closed');

    a.answer = () => temporary;
    const seen = [];
    for (let i = 0; i < 25; i++) seen.push(await sendOnce(reg));
    // 20 answers (successes) then temporary failures: open once failures are more than half of the window.
    const toA = seen.filter((s) => s.provider === 'a');
    expect(toA.every((s) => s.outcome.kind === 'temporary')).toBe(true);
    expect(toA.length).toBe(21);
    expect(reg.list('sms')[0]!.state).toBe('open');
  });

  it('opens after exactly N temporary failures on a fresh breaker; a thrown error counts as one', async () => {
    const a = new ScriptedProvider('sms', 'a');
    const b = new ScriptedProvider('sms', 'b');
    const reg = registry([a, b]);
    a.answer = () => temporary;
    expect((await sendOnce(reg)).provider).toBe('a');
    a.answer = () => {
      throw new Error('bug');
    };
    expect((await sendOnce(reg)).outcome).toMatchObject({ kind: 'temporary', code: 'PROVIDER_ERROR' });
    a.answer = () => temporary;
    expect(reg.list('sms')[0]!.state).toBe('closed');
    expect((await sendOnce(reg)).provider).toBe('a');
    expect(reg.list('sms')[0]!.state).toBe('open');
    expect(reg.list('sms')[0]!.probeAt!.getTime()).toBeGreaterThan(Date.now());
    const next = await sendOnce(reg);
    expect(next).toMatchObject({ provider: 'b', outcome: { kind: 'sent' } });
    expect(a.calls).toBe(3);
  });

  it('every breaker open: CIRCUIT_OPEN, temporary, retried when the first probe is due, nothing sent', async () => {
    const a = new ScriptedProvider('sms', 'a');
    const b = new ScriptedProvider('sms', 'b');
    const reg = registry([a, b]);
    a.answer = () => temporary;
    b.answer = () => temporary;
    for (let i = 0; i < 6; i++) await sendOnce(reg);
    expect(reg.list('sms').map((c) => c.state)).toEqual(['open', 'open']);
    const calls = a.calls + b.calls;
    const r = await sendOnce(reg);
    expect(r.outcome).toMatchObject({ kind: 'temporary', code: 'CIRCUIT_OPEN', ambiguous: false });
    expect((r.outcome as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    expect((r.outcome as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(1000);
    expect(a.calls + b.calls).toBe(calls);
  });

  it('half-open lets exactly one probe through; the others go to the next provider; a good probe closes it', async () => {
    const a = new ScriptedProvider('sms', 'a');
    const b = new ScriptedProvider('sms', 'b');
    const reg = registry([a, b]);
    a.answer = () => temporary;
    for (let i = 0; i < 3; i++) await sendOnce(reg);
    expect(reg.list('sms')[0]!.state).toBe('open');
    await new Promise((r) => setTimeout(r, 1050));
    let release!: () => void;
    a.answer = () =>
      new Promise<SendOutcome>((resolve) => {
        release = () => resolve({ kind: 'sent', providerMessageId: 'probe' });
      });
    const before = a.calls;
    const probe = sendOnce(reg);
    const others = await Promise.all([sendOnce(reg), sendOnce(reg), sendOnce(reg)]);
    expect(others.map((o) => o.provider)).toEqual(['b', 'b', 'b']);
    expect(reg.list('sms')[0]!.state).toBe('half_open');
    release();
    expect(await probe).toMatchObject({ provider: 'a', outcome: { kind: 'sent', providerMessageId: 'probe' } });
    expect(a.calls).toBe(before + 1);
    expect(reg.list('sms')[0]!.state).toBe('closed');
    a.answer = () => ({ kind: 'sent', providerMessageId: 'x' });
    expect((await sendOnce(reg)).provider).toBe('a');
  });

  it('a delivery pinned to a provider (it may hold the message) goes only there: CIRCUIT_OPEN while it is open', async () => {
    const a = new ScriptedProvider('sms', 'a');
    const b = new ScriptedProvider('sms', 'b');
    const reg = registry([a, b]);
    expect((await sendOnce(reg, 'sms', 'b')).provider).toBe('b');
    a.answer = () => temporary;
    for (let i = 0; i < 3; i++) await sendOnce(reg);
    const pinned = await sendOnce(reg, 'sms', 'a');
    expect(pinned).toMatchObject({ provider: 'a', outcome: { code: 'CIRCUIT_OPEN' } });
    expect(pinned.outcome.kind === 'temporary' && pinned.outcome.error).toMatch(/\(a\)/);
    // A pin to a provider no longer configured: the list decides.
    expect((await sendOnce(reg, 'sms', 'gone')).provider).toBe('b');
  });

  it('webhooks send without a breaker: one tenant receiver down must not stop the others', async () => {
    const w = new ScriptedProvider('webhook', 'webhook');
    w.answer = () => temporary;
    const reg = registry([w]);
    for (let i = 0; i < 10; i++) expect((await sendOnce(reg, 'webhook')).provider).toBe('webhook');
    expect(w.calls).toBe(10);
    expect(reg.list('webhook')[0]!.state).toBe('closed');
  });

  it('mayHaveReachedPeer: answers are not ambiguous, lost answers are', () => {
    expect(mayHaveReachedPeer({ kind: 'sent', providerMessageId: null })).toBe(true);
    expect(mayHaveReachedPeer(permanent)).toBe(false);
    expect(mayHaveReachedPeer(temporary)).toBe(false);
    expect(mayHaveReachedPeer({ kind: 'temporary', code: 'ECONNREFUSED', error: 'refused' })).toBe(false);
    expect(mayHaveReachedPeer({ kind: 'temporary', code: 'TIMEOUT', error: 'no answer' })).toBe(true);
    expect(mayHaveReachedPeer({ kind: 'temporary', code: 'ECONNRESET', error: 'reset' })).toBe(true);
    expect(mayHaveReachedPeer({ kind: 'temporary', code: 'ESOCKET', error: 'connect ECONNREFUSED', ambiguous: false })).toBe(false);
  });
});
