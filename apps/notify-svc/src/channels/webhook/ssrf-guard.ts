import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ipLiteralHost, urlHost } from '#common';

export interface GuardOptions {
  /** Loopback and private ranges allowed (tests, closed networks). Metadata addresses never are. */
  allowPrivate: boolean;
}

export interface Decision {
  allowed: boolean;
  reason?: string;
}

/** Cloud metadata services: refused even when private addresses are allowed. */
const METADATA = ['169.254.169.254', '169.254.170.2', '100.100.100.200', 'fd00:ec2::254'].map((a) => ipaddr.parse(a).toNormalizedString());

/** Ranges a private network may use; everything else that is not public unicast is refused always. */
const PRIVATE_RANGES = new Set(['loopback', 'private', 'uniqueLocal', 'linkLocal', 'carrierGradeNat']);

/**
 * Whether an outbound request may connect to this IP address. IPv6 forms that carry an IPv4
 * address (mapped, NAT64, 6to4) are judged by the address they carry.
 */
export function addressDecision(ip: string, opts: GuardOptions): Decision {
  if (!ipaddr.isValid(ip)) return { allowed: false, reason: 'not an IP address' };
  let addr = ipaddr.parse(ip);
  if (addr.kind() === 'ipv6') {
    const v6 = addr as ipaddr.IPv6;
    const range = v6.range();
    if (v6.isIPv4MappedAddress()) addr = v6.toIPv4Address();
    else if (range === 'rfc6052' || range === 'rfc6145') addr = ipaddr.IPv4.parse(v6.toByteArray().slice(12).join('.'));
    else if (range === '6to4') addr = ipaddr.IPv4.parse(v6.toByteArray().slice(2, 6).join('.'));
    else if (range === 'teredo') return { allowed: false, reason: 'teredo address' };
  }
  if (METADATA.includes(addr.toNormalizedString())) return { allowed: false, reason: 'cloud metadata address' };
  const range = addr.range();
  if (range === 'unicast') return { allowed: true };
  if (opts.allowPrivate && PRIVATE_RANGES.has(range)) return { allowed: true };
  return { allowed: false, reason: `${range} address` };
}

/**
 * Why a URL whose host is an IP literal may not be connected to, or null (also for a name: names
 * are judged at connect time by guardedLookup, which literals skip). Every sender checks this first.
 */
export function literalHostRefusal(url: URL, opts: GuardOptions): string | null {
  const ip = ipLiteralHost(url);
  if (ip === null) return null;
  const d = addressDecision(ip, opts);
  return d.allowed ? null : `refused address (${d.reason})`;
}

export type Resolver = (host: string) => Promise<string[]>;
const systemResolver: Resolver = async (host) => (await dns.promises.lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Why a URL may not be a webhook target, or null when it may (every address its host resolves to must pass). */
export async function urlProblem(raw: string, opts: GuardOptions, resolve: Resolver = systemResolver): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'only http and https URLs';
  if (url.username || url.password) return 'credentials in the URL are not allowed';
  const host = urlHost(url);
  const literal = ipLiteralHost(url);
  let addresses: string[];
  try {
    addresses = literal ? [literal] : await resolve(host);
  } catch {
    return `host ${host} does not resolve`;
  }
  if (addresses.length === 0) return `host ${host} does not resolve`;
  for (const a of addresses) {
    const d = addressDecision(a, opts);
    if (!d.allowed) return `${host} resolves to a refused address (${d.reason})`;
  }
  return null;
}

/**
 * A `lookup` for node:http that applies the decision to the addresses the connection will use, so
 * a name that resolved to a public address at registration and to a private one now (DNS
 * rebinding) is refused at connect time. IP-literal hosts skip lookup: check them with addressDecision.
 */
export function guardedLookup(opts: GuardOptions): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true, verbatim: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as dns.LookupAddress[];
      for (const a of list) {
        const d = addressDecision(a.address, opts);
        if (!d.allowed) {
          const e = Object.assign(new Error(`SSRF guard: ${hostname} resolves to a refused address (${d.reason})`), {
            code: 'SSRF_BLOCKED',
          });
          return callback(e, '', 0);
        }
      }
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/**
 * Why a tenant-set provider base URL may not be used, or null when it may: https only (plain http
 * only to a loopback address, and only when private addresses are allowed: the tests' local
 * stand-ins), no credentials, query or fragment, and every address the host resolves to passes
 * the same decision as webhooks. Checked when stored and again before each send.
 */
export async function baseUrlProblem(raw: string, opts: GuardOptions, resolve: Resolver = systemResolver): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a URL';
  }
  if (url.search || url.hash) return 'a base URL has no query or fragment';
  if (url.protocol === 'http:') {
    const literal = ipLiteralHost(url);
    const loopback = url.hostname === 'localhost' || (literal !== null && ipaddr.process(literal).range() === 'loopback');
    if (!(opts.allowPrivate && loopback)) return 'only https URLs';
  } else if (url.protocol !== 'https:') return 'only https URLs';
  return urlProblem(raw, opts, resolve);
}
