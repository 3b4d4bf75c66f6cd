import { hash } from 'node:crypto';
import { ALL_PLAN_TIERS, ALL_ROLES, ALL_SCOPES, AppException, type PlanTier, type Principal, type Role, type Scope } from '#common';
import { ExpiringLruCache } from '../cache/lru-cache.js';
import type { CredentialIntrospector } from '../auth-kit.options.js';

export interface HttpIntrospectorOptions {
  /** How long an active answer is trusted; a revoked credential stops working within this. Default 30 s. */
  cacheTtlSeconds?: number;
  /** How long an inactive answer is remembered (so a bad key cannot hammer auth-svc). Default 5 s. */
  negativeCacheTtlSeconds?: number;
  maxEntries?: number;
  timeoutMs?: number;
}

interface IntrospectionAnswer {
  active?: unknown;
  token_type?: unknown;
  sub?: unknown;
  tenantId?: unknown;
  roles?: unknown;
  scope?: unknown;
  exp?: unknown;
  client_id?: unknown;
  planTier?: unknown;
  email?: unknown;
}

/** RFC 7662 introspection at auth-svc with the internal key, cached briefly by token hash. */
export class HttpCredentialIntrospector implements CredentialIntrospector {
  private readonly cache: ExpiringLruCache<Principal | null>;
  private readonly inflight = new Map<string, Promise<Principal | null>>();
  private readonly ttlMs: number;
  private readonly negativeTtlMs: number;
  private readonly timeoutMs: number;
  /** Number of HTTP calls made (observability and tests). */
  callCount = 0;

  constructor(
    private readonly introspectUrl: string,
    private readonly internalKey: string,
    opts: HttpIntrospectorOptions = {},
  ) {
    this.cache = new ExpiringLruCache(opts.maxEntries ?? 10_000);
    this.ttlMs = (opts.cacheTtlSeconds ?? 30) * 1000;
    this.negativeTtlMs = (opts.negativeCacheTtlSeconds ?? 5) * 1000;
    this.timeoutMs = opts.timeoutMs ?? 3000;
  }

  async introspect(token: string, hint: 'api_key' | 'personal_token'): Promise<Principal | null> {
    const key = hash('sha256', token, 'base64url');
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.call(token, hint, key).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private async call(token: string, hint: string, cacheKey: string): Promise<Principal | null> {
    this.callCount++;
    let answer: IntrospectionAnswer;
    try {
      const res = await fetch(this.introspectUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-internal-api-key': this.internalKey },
        body: JSON.stringify({ token, token_type_hint: hint }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      answer = (await res.json()) as IntrospectionAnswer;
    } catch {
      // An outage is not the caller's fault: 503, and nothing is cached.
      throw AppException.unavailable('Credential verification is temporarily unavailable');
    }
    const now = Date.now();
    const principal = toPrincipal(answer, now);
    if (!principal) {
      this.cache.set(cacheKey, null, now + this.negativeTtlMs);
      return null;
    }
    const until = principal.expiresAt ? Math.min(now + this.ttlMs, principal.expiresAt * 1000) : now + this.ttlMs;
    this.cache.set(cacheKey, principal, until);
    return principal;
  }
}

function toPrincipal(a: IntrospectionAnswer, nowMs: number): Principal | null {
  if (!a || a.active !== true) return null;
  if (a.token_type !== 'api_key' && a.token_type !== 'personal_token') return null;
  if (typeof a.tenantId !== 'string' || typeof a.sub !== 'string') return null;
  if (typeof a.exp === 'number' && a.exp * 1000 <= nowMs) return null;
  const roles = Array.isArray(a.roles) ? (a.roles.filter((r) => ALL_ROLES.includes(r as Role)) as Role[]) : [];
  const scopes = typeof a.scope === 'string' ? (a.scope.split(' ').filter((s) => ALL_SCOPES.includes(s as Scope)) as Scope[]) : [];
  return Object.freeze({
    kind: a.token_type,
    userId: a.token_type === 'api_key' ? null : a.sub,
    tenantId: a.tenantId,
    ...(typeof a.email === 'string' ? { email: a.email } : {}),
    roles,
    scopes,
    planTier: ALL_PLAN_TIERS.includes(a.planTier as PlanTier) ? (a.planTier as PlanTier) : 'free',
    credentialId: typeof a.client_id === 'string' ? a.client_id : a.sub,
    ...(typeof a.exp === 'number' ? { expiresAt: a.exp } : {}),
  }) as Principal;
}
