import { describe, expect, it } from '@jest/globals';
import { CHANNEL_REGISTRY, CHANNELS, PROVIDER_CHANNELS, channelsWith, isChannel, textLimitProblem } from './channel-registry.js';

describe('channel registry', () => {
  it('lists the channels in the order the API gives them', () => {
    expect(CHANNELS).toEqual(['email', 'sms', 'whatsapp', 'push', 'webhook', 'in_app']);
    expect(Object.keys(CHANNEL_REGISTRY).sort()).toEqual([...CHANNELS].sort());
    expect(PROVIDER_CHANNELS).toEqual(['email', 'sms', 'whatsapp', 'push', 'webhook']);
    expect(channelsWith('contacts')).toEqual(['email', 'sms', 'whatsapp', 'push', 'in_app']);
    expect(channelsWith('testSend')).toEqual(['email', 'in_app']);
    expect(isChannel('in_app')).toBe(true);
    expect(isChannel('delay')).toBe(false);
  });

  it('turns a literal body into each channel content', () => {
    const content = Object.fromEntries(CHANNELS.map((c) => [c, CHANNEL_REGISTRY[c].content('B', 'S')]));
    expect(content).toEqual({
      email: { subject: 'S', text: 'B' },
      sms: { text: 'B' },
      whatsapp: { text: 'B' },
      push: { title: 'S', body: 'B' },
      webhook: { body: 'B' },
      in_app: { title: 'S', body: 'B' },
    });
    expect(CHANNEL_REGISTRY.in_app.content('B')).toEqual({ body: 'B' });
  });

  it("refuses text over the providers' limit, counted in characters", () => {
    expect(textLimitProblem('sms', { text: '€'.repeat(1600) })).toBeNull();
    expect(textLimitProblem('sms', { text: 'a'.repeat(1601) })).toBe('the sms text is 1601 characters; providers take at most 1600');
    expect(textLimitProblem('whatsapp', { text: '😀'.repeat(4096) })).toBeNull();
    expect(textLimitProblem('whatsapp', { text: 'a'.repeat(4097) })).toMatch(/at most 4096/);
    expect(textLimitProblem('email', { text: 'a'.repeat(100_000) })).toBeNull();
  });
});
