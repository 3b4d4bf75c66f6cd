import { Inject, Injectable } from '@nestjs/common';
import type { PlanTier, Scope } from '#common';
import { ExpiringLruCache } from '#auth-kit';
import { AUTH_CONFIG, type AuthConfig } from '../config/auth-config.js';
import { secretMatches } from '../introspection/opaque-credential.js';
import { UnitOfWork } from '../database/unit-of-work.js';

interface ApiKeyRow {
  id: string;
  tenant_id: string;
  scopes: Scope[];
  secret_hash: Buffer;
  previous_secret_hash: Buffer | null;
  previous_expires_at: Date | null;
  created_at: Date;
  rotated_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  plan_tier: PlanTier;
}

export interface VerifiedApiKey {
  id: string;
  tenantId: string;
  scopes: Scope[];
  planTier: PlanTier;
  /** Seconds since epoch: when this secret was issued. */
  issuedAt: number;
  /** Seconds since epoch, or undefined when the key never expires. */
  expiresAt?: number;
}

const SELECT_KEY = `
  SELECT k.id, k.tenant_id, k.scopes, k.secret_hash, k.previous_secret_hash, k.previous_expires_at,
         k.created_at, k.rotated_at, k.expires_at, k.revoked_at, t.plan_tier
    FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
   WHERE k.id = $1`;

/**
 * Checks an API key: one primary-key lookup, SHA-256 and a constant-time comparison. Rows are kept
 * in memory for API_KEY_CACHE_TTL so a hot key costs no query; this instance forgets a key the
 * moment it is revoked or rotated here, other instances within the TTL. A cached row only ever
 * confirms: any mismatch is re-read from the database, so a secret rotated elsewhere works at once.
 */
@Injectable()
export class ApiKeyVerifier {
  private readonly cache = new ExpiringLruCache<ApiKeyRow>(10_000);
  private readonly loading = new Map<string, Promise<ApiKeyRow | null>>();
  private readonly ttlMs: number;

  constructor(
    private readonly uow: UnitOfWork,
    @Inject(AUTH_CONFIG) config: AuthConfig,
  ) {
    this.ttlMs = config.API_KEY_CACHE_TTL * 1000;
  }

  async verify(id: string, secret: string, now = Date.now()): Promise<VerifiedApiKey | null> {
    const cached = this.cache.get(id, now);
    if (cached) {
      const hit = check(cached, secret, now);
      if (hit) return hit;
    }
    const row = await this.load(id, now);
    return row ? check(row, secret, now) : null;
  }

  /** One query per key id at a time: a burst on a cold key waits for the same row. */
  private load(id: string, now: number): Promise<ApiKeyRow | null> {
    const inFlight = this.loading.get(id);
    if (inFlight) return inFlight;
    const pending: Promise<ApiKeyRow | null> = this.uow.db
      .rows<ApiKeyRow>(SELECT_KEY, [id])
      .then((rows) => {
        const row = rows[0] ?? null;
        // Not cached when the key was revoked or rotated here while the row was on its way.
        if (row && this.ttlMs > 0 && !row.revoked_at && this.loading.get(id) === pending) this.cache.set(id, row, now + this.ttlMs);
        return row;
      })
      .finally(() => {
        if (this.loading.get(id) === pending) this.loading.delete(id);
      });
    this.loading.set(id, pending);
    return pending;
  }

  /** Called when a key changes on this instance (revoked, rotated). */
  forget(id: string): void {
    this.cache.delete(id);
    this.loading.delete(id);
  }
}

function check(row: ApiKeyRow, secret: string, now: number): VerifiedApiKey | null {
  if (row.revoked_at) return null;
  const keyExpiry = row.expires_at?.getTime();
  if (keyExpiry !== undefined && keyExpiry <= now) return null;
  let expiresAtMs = keyExpiry;
  let issuedAt = row.rotated_at ?? row.created_at;
  if (!secretMatches(secret, row.secret_hash)) {
    // The secret before the last rotation, during the overlap its rotator chose.
    const overlapEnd = row.previous_expires_at?.getTime();
    if (overlapEnd === undefined || overlapEnd <= now || !secretMatches(secret, row.previous_secret_hash)) return null;
    expiresAtMs = keyExpiry === undefined ? overlapEnd : Math.min(keyExpiry, overlapEnd);
    issuedAt = row.created_at;
  }
  return {
    id: row.id,
    tenantId: row.tenant_id,
    scopes: row.scopes,
    planTier: row.plan_tier,
    issuedAt: Math.floor(issuedAt.getTime() / 1000),
    ...(expiresAtMs !== undefined ? { expiresAt: Math.floor(expiresAtMs / 1000) } : {}),
  };
}
