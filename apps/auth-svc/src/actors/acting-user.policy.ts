import { Injectable } from '@nestjs/common';
import { AppException, type Principal, type Role } from '#common';
import { UnitOfWork } from '../database/unit-of-work.js';
import type { Actor } from './acting.decorator.js';

interface CallerRow {
  is_active: boolean;
  roles: Role[];
  deactivated_before: string | null;
}

/** The caller as the database has it now, locked until the write commits. */
export interface ActingUser {
  /** The principal with the roles it still holds (the token's roles that the user still has). */
  principal: Principal;
  userId: string | null;
  tenantId: string;
}

const refused = () => AppException.unauthorized('This credential is no longer valid');

/**
 * Every write of auth-svc starts here, inside its transaction: the caller's user row is read FOR
 * SHARE (and its session, personal token or API key row too), so
 * - a deactivation, session end or credential revocation committed before this point refuses the
 *   write (401), whatever the caches and revocation lists of this instance know yet;
 * - one committed after has to wait for this write to finish (its UPDATE needs the row), so a
 *   write never runs "during" its caller's deactivation;
 * - the caller acts with the roles it holds now (token roles ∩ user roles): a demoted admin gets 403.
 *
 * Lock order: callers that also lock their tenant row (team changes) lock it first, then call this.
 */
@Injectable()
export class ActingUserPolicy {
  constructor(private readonly uow: UnitOfWork) {}

  /** Locks the caller's rows in the open transaction (a write's use case opens it: `uow.run`). */
  async lock(actor: Actor): Promise<ActingUser> {
    const tx = this.uow.current();
    if (!tx) throw new Error('ActingUserPolicy.lock needs the write’s transaction');
    const p = actor.principal;
    const tenantId = p.tenantId!;
    if (p.kind === 'api_key') {
      const key = await tx.rows(
        `SELECT 1 FROM api_keys WHERE id = $1 AND tenant_id = $2 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()) FOR SHARE`,
        [p.credentialId, tenantId],
      );
      if (!key.length) throw refused();
      return { principal: p, userId: null, tenantId };
    }
    if (!p.userId || (p.kind !== 'access_token' && p.kind !== 'personal_token')) throw AppException.forbidden();
    const [user] = await tx.rows<CallerRow>(
      `SELECT is_active, roles, floor(extract(epoch FROM deactivated_at))::bigint AS deactivated_before
         FROM users WHERE id = $1 AND tenant_id = $2 FOR SHARE`,
      [p.userId, tenantId],
    );
    if (!user || !user.is_active) throw refused();
    if (p.kind === 'access_token') {
      if (user.deactivated_before !== null && (p.issuedAt ?? 0) <= Number(user.deactivated_before)) throw refused();
      if (p.sessionId) {
        const s = await tx.rows(`SELECT 1 FROM sessions WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL FOR SHARE`, [
          p.sessionId,
          p.userId,
        ]);
        if (!s.length) throw refused();
      }
    } else {
      const t = await tx.rows(
        `SELECT 1 FROM personal_tokens WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now() FOR SHARE`,
        [p.credentialId, p.userId],
      );
      if (!t.length) throw refused();
    }
    const roles = p.roles.filter((r) => user.roles.includes(r));
    if (actor.routeRoles && !actor.routeRoles.some((r) => roles.includes(r))) {
      throw AppException.forbidden(`This needs one of the roles: ${actor.routeRoles.join(', ')}`);
    }
    return { principal: roles.length === p.roles.length ? p : { ...p, roles }, userId: p.userId, tenantId };
  }
}
