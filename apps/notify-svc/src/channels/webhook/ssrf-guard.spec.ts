import { describe, expect, it } from '@jest/globals';
import { addressDecision, literalHostRefusal, urlProblem, type Resolver } from './ssrf-guard.js';

// Decision tests only: nothing here opens a connection, whatever the guard decides.
const closed = { allowPrivate: false };
const open = { allowPrivate: true };

describe('SSRF guard: addressDecision', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['169.254.10.10', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.1', 'reserved'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['64:ff9b::a00:1', 'private'],
    ['2002:c0a8:101::1', 'private'],
  ])('refuses %s (%s) by default', (ip, range) => {
    const d = addressDecision(ip, closed);
    expect(d.allowed).toBe(false);
    expect(d.reason).toContain(range);
  });

  it.each(['169.254.169.254', '::ffff:169.254.169.254', 'fd00:ec2::254', '169.254.170.2', '100.100.100.200', '64:ff9b::a9fe:a9fe'])(
    'refuses the metadata address %s even when private addresses are allowed',
    (ip) => {
      expect(addressDecision(ip, open)).toEqual({ allowed: false, reason: 'cloud metadata address' });
      expect(addressDecision(ip, closed).allowed).toBe(false);
    },
  );

  it('allows public unicast, and private ranges only when asked', () => {
    for (const ip of ['8.8.8.8', '1.1.1.1', '2001:4860:4860::8888', '::ffff:8.8.4.4'])
      expect(addressDecision(ip, closed).allowed).toBe(true);
    for (const ip of ['127.0.0.1', '10.1.2.3', '192.168.0.10', 'fd00::5']) expect(addressDecision(ip, open).allowed).toBe(true);
    // Multicast and unspecified stay refused: nothing legitimate listens there.
    expect(addressDecision('0.0.0.0', open).allowed).toBe(false);
    expect(addressDecision('224.0.0.5', open).allowed).toBe(false);
    expect(addressDecision('not-an-ip', open).allowed).toBe(false);
  });
});

describe('SSRF guard: urlProblem (with a resolver stub)', () => {
  const dns: Record<string, string[]> = {
    'public.example': ['93.184.216.34'],
    'rebind.example': ['93.184.216.34', '10.0.0.7'],
    'metadata.example': ['169.254.169.254'],
    'v6private.example': ['fd00::1'],
  };
  const resolver: Resolver = (host) => (dns[host] ? Promise.resolve(dns[host]) : Promise.reject(new Error('ENOTFOUND')));

  it('accepts a public name, refuses a name with any private or metadata address', async () => {
    expect(await urlProblem('https://public.example/hook', closed, resolver)).toBeNull();
    expect(await urlProblem('https://rebind.example/hook', closed, resolver)).toMatch(/private/);
    expect(await urlProblem('https://metadata.example/hook', open, resolver)).toMatch(/metadata/);
    expect(await urlProblem('https://v6private.example/hook', closed, resolver)).toMatch(/uniqueLocal/);
    expect(await urlProblem('https://nowhere.example/hook', closed, resolver)).toMatch(/does not resolve/);
  });

  it('judges IP literals without resolving, and refuses other schemes and credentials', async () => {
    const never: Resolver = () => Promise.reject(new Error('must not resolve'));
    expect(await urlProblem('http://169.254.169.254/latest/meta-data', open, never)).toMatch(/metadata/);
    expect(await urlProblem('http://[::ffff:a9fe:a9fe]/', open, never)).toMatch(/metadata/);
    expect(await urlProblem('http://10.0.0.1/', closed, never)).toMatch(/private/);
    expect(await urlProblem('ftp://public.example/', closed, resolver)).toMatch(/http/);
    expect(await urlProblem('https://user:pw@public.example/', closed, resolver)).toMatch(/credentials/);
    expect(await urlProblem('not a url', closed, resolver)).toBe('not a URL');
  });
});

describe('SSRF guard: literalHostRefusal (the check every sender makes before connecting)', () => {
  it.each([
    ['https://127.0.0.1/hook', /loopback address/],
    ['https://0x7f.1/hook', /loopback address/],
    ['https://[::1]:8443/hook', /loopback address/],
    ['https://[::ffff:10.0.0.1]/hook', /private address/],
    ['https://169.254.169.254/latest', /cloud metadata address/],
  ])('%s is refused when private addresses are not allowed', (raw, reason) => {
    expect(literalHostRefusal(new URL(raw), closed)).toMatch(reason);
  });

  it('a public literal passes; a name is left to the connect-time lookup', () => {
    expect(literalHostRefusal(new URL('https://8.8.8.8/hook'), closed)).toBeNull();
    expect(literalHostRefusal(new URL('https://localhost/hook'), closed)).toBeNull();
    expect(literalHostRefusal(new URL('https://[::1]/hook'), open)).toBeNull();
    expect(literalHostRefusal(new URL('https://169.254.169.254/'), open)).toMatch(/metadata/);
  });
});
