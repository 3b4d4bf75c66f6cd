import { describe, expect, it } from '@jest/globals';
import { parseForm } from '../signatures.js';
import { genericEvent } from './generic.js';
import { metaEvents } from './meta.js';
import { twilioEvent } from './twilio.js';

const form = (o: Record<string, string>) => parseForm(new URLSearchParams(o).toString());

describe('Twilio webhooks in our terms', () => {
  it.each([
    ['delivered', undefined, 'delivered', false],
    ['read', undefined, 'delivered', false],
    ['undelivered', '30003', 'bounced', true],
    ['failed', '21610', 'bounced', true],
    ['undelivered', '30008', 'failed', false],
    ['failed', undefined, 'failed', false],
    ['sent', undefined, 'none', false],
    ['queued', undefined, 'none', false],
  ])('%s (ErrorCode %s) is %s, suppress %s', (status, code, effect, suppress) => {
    const e = twilioEvent(form({ MessageSid: 'SM1', MessageStatus: status, ...(code ? { ErrorCode: code } : {}) }));
    expect(e).toMatchObject({ kind: 'status', providerMessageId: 'SM1', effect, suppress });
  });

  it('gives the reason with the code and its meaning', () => {
    expect(twilioEvent(form({ MessageSid: 'SM1', MessageStatus: 'undelivered', ErrorCode: '30005' }))).toMatchObject({
      reason: 'twilio 30005: Unknown destination handset',
    });
  });

  it('reads an inbound message: channel from the whatsapp: prefix, intent from the words or OptOutType', () => {
    expect(twilioEvent(form({ MessageSid: 'SM2', SmsStatus: 'received', From: 'whatsapp:+15551234567', Body: ' quit ' }))).toEqual({
      kind: 'inbound',
      channel: 'whatsapp',
      from: '+15551234567',
      intent: 'stop',
      keyword: 'QUIT',
    });
    expect(twilioEvent(form({ From: '+15551234567', Body: 'Hola', OptOutType: 'START' }))).toMatchObject({
      channel: 'sms',
      intent: 'start',
    });
    expect(twilioEvent(form({ From: '+15551234567', Body: 'see you' }))).toMatchObject({ intent: null });
    expect(twilioEvent(form({ AccountSid: 'AC1' }))).toBeUndefined();
  });
});

describe('WhatsApp Cloud API webhooks in our terms', () => {
  it('reads statuses[] and messages[] of every change', () => {
    const events = metaEvents({
      object: 'whatsapp_business_account',
      entry: [
        {
          changes: [
            { value: { statuses: [{ id: 'wamid.1', status: 'read' }] } },
            { value: { statuses: [{ id: 'wamid.2', status: 'failed', errors: [{ code: 131026, title: 'Message undeliverable' }] }] } },
            { value: { messages: [{ from: '15551234567', type: 'text', text: { body: 'STOP' } }] } },
          ],
        },
      ],
    });
    expect(events).toEqual([
      expect.objectContaining({ providerMessageId: 'wamid.1', effect: 'delivered', suppress: false }),
      expect.objectContaining({
        providerMessageId: 'wamid.2',
        effect: 'bounced',
        suppress: true,
        reason: 'meta 131026: Message undeliverable',
      }),
      { kind: 'inbound', channel: 'whatsapp', from: '+15551234567', intent: 'stop', keyword: 'STOP' },
    ]);
  });

  it('is not a Cloud API webhook without entry[]; skips malformed items', () => {
    expect(metaEvents({ hello: 1 })).toBeUndefined();
    expect(metaEvents(null)).toBeUndefined();
    expect(metaEvents({ entry: [{ changes: [{ value: { statuses: [{ id: 5 }], messages: [{ from: 'x' }] } }] }] })).toEqual([]);
  });
});

describe('generic receipts', () => {
  it('a soft bounce is a failure; complaints and unsubscribes suppress', () => {
    expect(genericEvent({ type: 'bounced', providerMessageId: 'p', hard: false })).toMatchObject({ effect: 'failed', suppress: false });
    expect(genericEvent({ type: 'bounced', providerMessageId: 'p' })).toMatchObject({ effect: 'bounced', suppress: true });
    expect(genericEvent({ type: 'complained', deliveryId: 'd' })).toMatchObject({ effect: 'complained', suppress: true });
    expect(genericEvent({ type: 'delivered', deliveryId: 'd' })).toMatchObject({ effect: 'delivered', suppress: false, reason: null });
  });
});
