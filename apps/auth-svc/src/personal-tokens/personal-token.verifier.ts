import { Injectable } from '@nestjs/common';
import type { PlanTier, Role } from '#common';
import { secretMatches } from '../introspection/opaque-credential.js';
import { UnitOfWork } from '../database/unit-of-work.js';

interface PersonalTokenRow {
  id: string;
  tenant_id: string;
  user_id: string;
  token_roles: Role[] | null;
  secret_hash: Buffer;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  user_roles: Role[];
  is_active: boolean;
  email: string;
  plan_tier: PlanTier;
}

export interface VerifiedPersonalToken {
  id: string;
  userId: string;
  tenantId: string;
  email: string;
  /** The token's roles as of now: its chosen subset, never beyond what the user holds today. */
  roles: Role[];
  planTier: PlanTier;
  issuedAt: number;
  expiresAt: number;
}

const SELECT_TOKEN = `
  SELECT p.id, p.tenant_id, p.user_id, p.roles AS token_roles, p.secret_hash, p.created_at, p.expires_at, p.revoked_at,
         u.roles AS user_roles, u.is_active, u.email, t.plan_tier
    FROM personal_tokens p
    JOIN users u ON u.id = p.user_id
    JOIN tenants t ON t.id = p.tenant_id
   WHERE p.id = $1`;

/**
 * Checks a personal access token against its row and its user in one query, uncached: a token
 * stops at once when it is revoked, expires, or its user is deactivated.
 */
@Injectable()
export class PersonalTokenVerifier {
  constructor(private readonly uow: UnitOfWork) {}

  async verify(id: string, secret: string, now = Date.now()): Promise<VerifiedPersonalToken | null> {
    const rows = await this.uow.db.rows<PersonalTokenRow>(SELECT_TOKEN, [id]);
    const row = rows[0];
    if (!row || row.revoked_at || !row.is_active || row.expires_at.getTime() <= now) return null;
    if (!secretMatches(secret, row.secret_hash)) return null;
    const roles = row.token_roles ? row.token_roles.filter((r) => row.user_roles.includes(r)) : row.user_roles;
    return {
      id: row.id,
      userId: row.user_id,
      tenantId: row.tenant_id,
      email: row.email,
      roles,
      planTier: row.plan_tier,
      issuedAt: Math.floor(row.created_at.getTime() / 1000),
      expiresAt: Math.floor(row.expires_at.getTime() / 1000),
    };
  }
}
