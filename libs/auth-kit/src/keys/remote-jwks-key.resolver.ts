import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { VerificationKeyResolver } from '../auth-kit.options.js';

export interface RemoteJwksOptions {
  /** Refresh known keys in the background after this many seconds. Default 300. */
  refreshIntervalSeconds?: number;
  /** An unknown kid triggers at most one fetch per this many seconds. Default 30. */
  minRefetchIntervalSeconds?: number;
  /** Per-fetch timeout. Default 3000 ms. */
  timeoutMs?: number;
  onError?: (err: unknown) => void;
}

/**
 * Public keys from auth-svc's JWKS, parsed once into KeyObjects. A token with an unknown `kid`
 * (a rotated key) triggers a re-fetch, rate-limited so garbage kids cannot hammer auth-svc. When
 * auth-svc is down, the keys already fetched keep verifying.
 */
export class RemoteJwksKeyResolver implements VerificationKeyResolver {
  private keys = new Map<string, KeyObject>();
  private lastAttemptMs = 0;
  private lastSuccessMs = 0;
  private inflight: Promise<void> | null = null;
  private readonly refreshMs: number;
  private readonly minRefetchMs: number;
  private readonly timeoutMs: number;
  /** Number of HTTP fetches made (observability and tests). */
  fetchCount = 0;

  constructor(
    private readonly jwksUrl: string,
    private readonly opts: RemoteJwksOptions = {},
  ) {
    this.refreshMs = (opts.refreshIntervalSeconds ?? 300) * 1000;
    this.minRefetchMs = (opts.minRefetchIntervalSeconds ?? 30) * 1000;
    this.timeoutMs = opts.timeoutMs ?? 3000;
  }

  async getKey(kid: string): Promise<KeyObject | null> {
    const now = Date.now();
    const known = this.keys.get(kid);
    if (known) {
      if (now - this.lastSuccessMs > this.refreshMs && this.mayFetch(now)) void this.refresh();
      return known;
    }
    if (this.mayFetch(now)) await this.refresh();
    return this.keys.get(kid) ?? null;
  }

  private mayFetch(now: number): boolean {
    if (this.inflight) return true;
    // With no key at all (auth-svc not up yet at our start), retry sooner.
    const wait = this.keys.size === 0 ? Math.min(1000, this.minRefetchMs) : this.minRefetchMs;
    return this.lastAttemptMs === 0 || now - this.lastAttemptMs >= wait;
  }

  /** Fetches the JWKS now (deduplicated); failures keep the cached keys. */
  refresh(): Promise<void> {
    if (!this.inflight) {
      this.lastAttemptMs = Date.now();
      this.inflight = this.fetchKeys()
        .catch((err: unknown) => this.opts.onError?.(err))
        .finally(() => {
          this.inflight = null;
        });
    }
    return this.inflight;
  }

  private async fetchKeys(): Promise<void> {
    this.fetchCount++;
    const res = await fetch(this.jwksUrl, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(this.timeoutMs) });
    if (!res.ok) throw new Error(`JWKS fetch failed with HTTP ${res.status}`);
    const body = (await res.json()) as { keys?: unknown };
    if (!body || !Array.isArray(body.keys)) throw new Error('JWKS document has no keys array');
    const next = new Map<string, KeyObject>();
    for (const jwk of body.keys as Array<JsonWebKey & { kid?: unknown; use?: unknown; alg?: unknown }>) {
      if (!jwk || typeof jwk !== 'object' || jwk.kty !== 'RSA' || typeof jwk.kid !== 'string') continue;
      if (jwk.use !== undefined && jwk.use !== 'sig') continue;
      if (jwk.alg !== undefined && jwk.alg !== 'RS256') continue;
      try {
        const { kty, n, e } = jwk;
        next.set(jwk.kid, createPublicKey({ key: { kty, n, e }, format: 'jwk' }));
      } catch (err) {
        this.opts.onError?.(err);
      }
    }
    this.keys = next;
    this.lastSuccessMs = Date.now();
  }
}
