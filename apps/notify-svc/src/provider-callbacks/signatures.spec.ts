import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { metaSignature, parseForm, twilioSignature, verifyMeta, verifyTwilio } from './signatures.js';

const form = (o: Record<string, string>) => parseForm(new URLSearchParams(o).toString());

describe('Twilio X-Twilio-Signature', () => {
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = (phone: string) => form({ CallSid: 'CA1234567890ABCDE', Caller: phone, Digits: '1234', From: phone, To: '+18005551212' });

  it("matches Twilio's published vectors (docs, and twilio-node's own fixture)", () => {
    expect(twilioSignature('12345', url, params('+14158675310'))).toBe('GvWf1cFY/Q7PnoempGyD5oXAezc=');
    expect(twilioSignature('12345', url, params('+14158675309'))).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it('verifies, and refuses another token, URL, parameter or a missing header', () => {
    const p = params('+14158675309');
    expect(verifyTwilio('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, p)).toBe(true);
    expect(verifyTwilio('12346', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, p)).toBe(false);
    expect(verifyTwilio('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url.replace('foo=1', 'foo=2'), p)).toBe(false);
    expect(verifyTwilio('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, params('+14158675300'))).toBe(false);
    expect(verifyTwilio('12345', undefined, url, p)).toBe(false);
    expect(verifyTwilio('12345', '', url, p)).toBe(false);
  });

  it('accepts the URL signed with or without the default port', () => {
    const p = params('+14158675309');
    const withPort = twilioSignature('12345', 'https://mycompany.com:443/myapp.php?foo=1&bar=2', p);
    expect(verifyTwilio('12345', withPort, url, p)).toBe(true);
    expect(verifyTwilio('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', 'https://mycompany.com:443/myapp.php?foo=1&bar=2', p)).toBe(true);
  });

  it('signs a repeated name with each distinct value in order', () => {
    const p = parseForm('b=2&a=y&a=x&a=x');
    const expected = createHmac('sha1', 't')
      .update('https://h/ax' + 'ay' + 'b2')
      .digest('base64');
    expect(twilioSignature('t', 'https://h/', p)).toBe(expected);
  });
});

describe('Meta X-Hub-Signature-256', () => {
  it('is sha256= and the hex HMAC-SHA256 of the exact bytes', () => {
    const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
    const sig = `sha256=${createHmac('sha256', 'app-secret').update(body).digest('hex')}`;
    expect(metaSignature('app-secret', body)).toBe(sig);
    expect(verifyMeta('app-secret', sig, body)).toBe(true);
    expect(verifyMeta('app-secret', sig.toUpperCase().replace('SHA256=', 'sha256='), body)).toBe(true);
    expect(verifyMeta('other', sig, body)).toBe(false);
    expect(verifyMeta('app-secret', sig, Buffer.from(body.toString().replace('[]', '[ ]')))).toBe(false);
    expect(verifyMeta('app-secret', undefined, body)).toBe(false);
  });
});
