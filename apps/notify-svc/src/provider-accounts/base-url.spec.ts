import { describe, expect, it } from '@jest/globals';
import { baseUrlProblem, type Resolver } from '../channels/webhook/ssrf-guard.js';

// Decision tests only: IP literals are judged without a lookup, names through a stub resolver,
// so nothing here opens a connection or asks DNS, whatever the guard decides.
const closed = { allowPrivate: false };
const open = { allowPrivate: true };
const stub =
  (table: Record<string, string[]>): Resolver =>
  async (host) => {
    const hit = table[host];
    if (!hit) throw new Error('ENOTFOUND');
    return hit;
  };
const noDns: Resolver = async () => {
  throw new Error('DNS must not be asked for an IP literal');
};

describe("a tenant's provider base URL", () => {
  it.each([
    ['https://10.0.0.1', 'private'],
    ['https://169.254.169.254/latest/meta-data', 'cloud metadata'],
    ['https://192.168.1.1:8443', 'private'],
    ['https://[::1]', 'loopback'],
    ['https://127.0.0.1', 'loopback'],
    ['https://[::ffff:10.0.0.1]', 'private'],
    ['https://[fe80::1]', 'linkLocal'],
    ['https://100.64.0.1', 'carrierGradeNat'],
    ['https://0.0.0.0', 'unspecified'],
  ])('%s is refused (%s) with private addresses closed', async (url, reason) => {
    expect(await baseUrlProblem(url, closed, noDns)).toMatch(reason);
  });

  it('the metadata address stays refused even when private addresses are allowed', async () => {
    expect(await baseUrlProblem('https://169.254.169.254', open, noDns)).toMatch('cloud metadata');
    expect(await baseUrlProblem('https://[fd00:ec2::254]', open, noDns)).toMatch('cloud metadata');
  });

  it('a name is judged by every address it resolves to', async () => {
    const dns = stub({
      'api.example.com': ['93.184.215.14'],
      'twilio.internal': ['93.184.215.14', '10.0.0.7'],
      'meta.local': ['169.254.169.254'],
    });
    expect(await baseUrlProblem('https://api.example.com', closed, dns)).toBeNull();
    expect(await baseUrlProblem('https://twilio.internal', closed, dns)).toMatch('private');
    expect(await baseUrlProblem('https://meta.local', open, dns)).toMatch('cloud metadata');
    expect(await baseUrlProblem('https://nowhere.example', closed, dns)).toMatch('does not resolve');
  });

  it('is https; plain http only to loopback and only when private addresses are allowed (the tests)', async () => {
    expect(await baseUrlProblem('http://93.184.215.14', closed, noDns)).toBe('only https URLs');
    expect(await baseUrlProblem('http://93.184.215.14', open, noDns)).toBe('only https URLs');
    expect(await baseUrlProblem('http://10.0.0.1', open, noDns)).toBe('only https URLs');
    expect(await baseUrlProblem('http://127.0.0.1:4010', closed, noDns)).toBe('only https URLs');
    expect(await baseUrlProblem('http://127.0.0.1:4010', open, noDns)).toBeNull();
    expect(await baseUrlProblem('ftp://93.184.215.14', open, noDns)).toBe('only https URLs');
    expect(await baseUrlProblem('https://93.184.215.14', closed, noDns)).toBeNull();
  });

  it('has no credentials, query or fragment', async () => {
    expect(await baseUrlProblem('https://u:p@93.184.215.14', closed, noDns)).toMatch('credentials');
    expect(await baseUrlProblem('https://93.184.215.14/?x=1', closed, noDns)).toMatch('query');
    expect(await baseUrlProblem('https://93.184.215.14/#f', closed, noDns)).toMatch('fragment');
    expect(await baseUrlProblem('not a url', closed, noDns)).toBe('not a URL');
  });
});
