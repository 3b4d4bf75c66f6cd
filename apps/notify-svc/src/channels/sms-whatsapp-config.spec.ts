import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '#common';
import { loadNotifyConfig } from '../config/notify-config.js';
import { buildSmsProviders } from './sms/build-sms-providers.js';
import { twilioStatusCallback } from './twilio/build-twilio-provider.js';
import { buildWhatsAppProviders } from './whatsapp/build-whatsapp-providers.js';

const BASE = { NOTIFY_DATABASE_URL: 'postgres://localhost/notify' };
const SID = `AC${'0a'.repeat(16)}`;

function problems(env: Record<string, string>): string[] {
  try {
    loadNotifyConfig({ ...BASE, ...env });
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('sms / whatsapp configuration', () => {
  it('a half-configured provider stops the service naming the missing variable', () => {
    expect(problems({ TWILIO_ACCOUNT_SID: SID, TWILIO_FROM: '+14155550123' })).toEqual([
      'TWILIO_AUTH_TOKEN: is required with TWILIO_ACCOUNT_SID',
    ]);
    expect(problems({ TWILIO_AUTH_TOKEN: 'secret' })).toEqual(['TWILIO_ACCOUNT_SID: is required with TWILIO_AUTH_TOKEN']);
    expect(problems({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'secret' })).toEqual([]); // no sender: it only verifies receipts
    expect(problems({ WHATSAPP_CLOUD_ACCESS_TOKEN: 'tok' })).toEqual([
      'WHATSAPP_CLOUD_PHONE_NUMBER_ID: is required with WHATSAPP_CLOUD_ACCESS_TOKEN',
    ]);
    expect(problems({ WHATSAPP_CLOUD_PHONE_NUMBER_ID: '123' })).toEqual([
      'WHATSAPP_CLOUD_ACCESS_TOKEN: is required with WHATSAPP_CLOUD_PHONE_NUMBER_ID',
    ]);
    expect(problems({ SMS_DEFAULT_REGION: 'XX' })[0]).toMatch(/^SMS_DEFAULT_REGION:/);
    expect(problems({ TWILIO_ACCOUNT_SID: 'nope', TWILIO_AUTH_TOKEN: 's', TWILIO_FROM: '+14155550123' })[0]).toMatch(
      /^TWILIO_ACCOUNT_SID: must be/,
    );
  });

  it('the secret never appears in a problem', () => {
    expect(problems({ TWILIO_AUTH_TOKEN: 'very-secret-token' }).join(' ')).not.toContain('very-secret-token');
  });

  it('registers Twilio then Meta, account-only where the platform has no account or sender; StatusCallback defaults to the gateway URL', () => {
    const c = loadNotifyConfig({
      ...BASE,
      TWILIO_ACCOUNT_SID: SID,
      TWILIO_AUTH_TOKEN: 'secret',
      TWILIO_WHATSAPP_FROM: '+14155238886',
      WHATSAPP_CLOUD_ACCESS_TOKEN: 'tok',
      WHATSAPP_CLOUD_PHONE_NUMBER_ID: '123',
    });
    // No SMS sender: Twilio is there for tenants' own accounts only (the dev provider takes the platform's sends).
    expect(buildSmsProviders(c).map((p) => `${p.channel}:${p.name}:${p.accountOnly}`)).toEqual(['sms:twilio:true']);
    expect(buildWhatsAppProviders(c).map((p) => `${p.channel}:${p.name}:${p.accountOnly}`)).toEqual([
      'whatsapp:twilio:false',
      'whatsapp:meta:false',
    ]);
    const none = loadNotifyConfig({ ...BASE });
    expect(buildWhatsAppProviders(none).map((p) => `${p.name}:${p.accountOnly}`)).toEqual(['twilio:true', 'meta:true']);
    expect(twilioStatusCallback(c)).toBe('http://localhost:3000/notify/v1/webhooks/twilio');
    expect(twilioStatusCallback({ ...c, NOTIFY_PUBLIC_URL: 'https://n.example.com/' })).toBe(
      'https://n.example.com/notify/v1/webhooks/twilio',
    );
  });
});
