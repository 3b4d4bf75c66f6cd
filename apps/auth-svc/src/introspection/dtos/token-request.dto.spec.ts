import { describe, expect, it } from '@jest/globals';
import { parseTokenRequest } from './token-request.dto.js';

describe('RFC 7662/7009 token request parsing', () => {
  it('takes token and a known hint from a JSON object or a prototype-less form object', () => {
    expect(parseTokenRequest({ token: 'abc', token_type_hint: 'api_key' })).toEqual({ token: 'abc', hint: 'api_key' });
    const form = Object.assign(Object.create(null), { token: 'abc', token_type_hint: 'refresh_token', client_id: 'x' });
    expect(parseTokenRequest(form)).toEqual({ token: 'abc', hint: 'refresh_token' });
  });

  it('ignores an unknown hint, as RFC 7662 allows', () => {
    expect(parseTokenRequest({ token: 'abc', token_type_hint: 'saml' })).toEqual({ token: 'abc' });
  });

  it('refuses a missing, empty, non-string or oversized token and a non-string hint with VALIDATION_FAILED', () => {
    for (const body of [
      undefined,
      null,
      'token=abc',
      {},
      { token: '' },
      { token: 1 },
      { token: ['a'] },
      { token: 'x'.repeat(8193) },
      { token: 'a', token_type_hint: 3 },
    ]) {
      expect(() => parseTokenRequest(body)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    }
  });
});
