import { describe, expect, it } from '@jest/globals';
import { ipLiteralHost, urlHost } from './ip-literal.js';

describe('ipLiteralHost', () => {
  it.each([
    ['http://127.0.0.1:8080/x', '127.0.0.1'],
    ['https://0x7f.1/', '127.0.0.1'],
    ['https://2130706433/', '127.0.0.1'],
    ['https://[::1]/', '::1'],
    ['https://[0:0:0:0:0:ffff:7f00:1]/', '::ffff:7f00:1'],
  ])('%s is the literal %s', (raw, ip) => {
    expect(ipLiteralHost(new URL(raw))).toBe(ip);
  });

  it.each(['https://example.com/', 'https://localhost/', 'https://1.2.3.example/'])('%s is a name', (raw) => {
    expect(ipLiteralHost(new URL(raw))).toBeNull();
  });

  it('urlHost drops only the IPv6 brackets', () => {
    expect(urlHost(new URL('https://[fe80::1]:1/'))).toBe('fe80::1');
    expect(urlHost(new URL('https://Example.COM/'))).toBe('example.com');
  });
});
