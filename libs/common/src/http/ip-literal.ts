import { isIP } from 'node:net';

/** A URL's host as DNS or a socket wants it: an IPv6 literal without its brackets. */
export function urlHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/**
 * The IP address a URL's host is written as, or null when the host is a name. The WHATWG parser
 * has already normalised http(s) hosts (`0x7f.1` is `127.0.0.1` by then), so node:net's strict
 * isIP sees every literal form an outbound request could connect to.
 */
export function ipLiteralHost(url: URL): string | null {
  const host = urlHost(url);
  return isIP(host) === 0 ? null : host;
}
