import { Injectable } from '@nestjs/common';
import { AppException, Role } from '#common';
import { ActingUserPolicy } from '../../../actors/acting-user.policy.js';
import type { Actor } from '../../../actors/acting.decorator.js';
import { AuditEventType } from '../../../audit/audit-event-types.js';
import { AuditService } from '../../../audit/audit.service.js';
import type { RequestMeta } from '../../../audit/request-meta.decorator.js';
import { RevokeApiKeyUseCase } from '../../../api-keys/usecases/revoke-api-key/revoke-api-key.usecase.js';
import { RevokePersonalTokenUseCase } from '../../../personal-tokens/usecases/revoke-personal-token/revoke-personal-token.usecase.js';
import { SessionStore } from '../../../sessions/session.store.js';
import { JwtCredentialChecker } from '../../jwt-credential.checker.js';
import { LocalCredentialIntrospector } from '../../local-credential.introspector.js';
import type { TokenTypeHint } from '../../dtos/token-request.dto.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';

/**
 * RFC 7009. Users revoke their own refresh tokens (the whole session ends) and personal tokens;
 * admins any credential of their tenant (API keys also organizers, as on DELETE /api-keys/:id).
 * A token that is unknown, already inactive or of another tenant is answered like a success and
 * changes nothing (§2.2): the endpoint never tells whether a token exists elsewhere.
 */
@Injectable()
export class RevokeTokenUseCase {
  constructor(
    private readonly opaque: LocalCredentialIntrospector,
    private readonly jwts: JwtCredentialChecker,
    private readonly revokeApiKey: RevokeApiKeyUseCase,
    private readonly revokePersonalToken: RevokePersonalTokenUseCase,
    private readonly sessions: SessionStore,
    private readonly audit: AuditService,
    private readonly uow: UnitOfWork,
    private readonly acting: ActingUserPolicy,
  ) {}

  async execute(actor: Actor, token: string, hint?: TokenTypeHint, meta?: RequestMeta): Promise<void> {
    const { userId, tenantId } = actor.principal;
    if (!userId || !tenantId) throw AppException.forbidden('Only users revoke credentials here');
    // What the token is: verified before the transaction (no lock held during RSA or hashing).
    const opaque = token.startsWith('nk_') || token.startsWith('pat_') ? await this.opaque.verify(token) : null;
    const jwt = opaque ? null : await this.jwts.claims(token, hint === 'refresh_token');
    if (!opaque && !jwt) return;
    await this.uow.run(async () => {
      // The caller's roles as they are now decide (a demoted admin revokes only its own credentials).
      const caller = (await this.acting.lock(actor)).principal;
      const isAdmin = caller.roles.includes(Role.Admin);
      if (opaque?.kind === 'api_key') {
        if (opaque.key.tenantId !== tenantId) return;
        if (!isAdmin && !caller.roles.includes(Role.Organizer)) throw AppException.forbidden('Only admins and organizers revoke API keys');
        await this.revokeApiKey.execute(tenantId, opaque.key.id, { userId, meta }).catch(ignoreNotFound);
        return;
      }
      if (opaque?.kind === 'personal_token') {
        const t = opaque.token;
        if (t.tenantId !== tenantId) return;
        if (t.userId !== userId && !isAdmin) throw AppException.forbidden("Only an admin revokes another user's token");
        await this.revokePersonalToken.execute({ id: t.id, tenantId, userId: null, actorUserId: userId, meta }).catch(ignoreNotFound);
        return;
      }
      const { claims } = jwt!;
      if (claims.tenantId !== tenantId || typeof claims.sid !== 'string') return;
      if (claims.sub !== userId && !isAdmin) throw AppException.forbidden("Only an admin revokes another user's session");
      // Revoking a refresh or access token ends its session: every token of that session stops.
      if (await this.sessions.revokeInTenant(claims.sid, tenantId, 'revoked')) {
        await this.audit.record({
          type: AuditEventType.SessionRevoked,
          tenantId,
          actorUserId: userId,
          targetUserId: claims.sub as string,
          meta,
          details: { sessionId: claims.sid, via: 'revoke' },
        });
      }
    });
  }
}

function ignoreNotFound(err: unknown): void {
  // Revoked concurrently by someone else: the goal is reached.
  if (err instanceof AppException && err.getStatus() === 404) return;
  throw err;
}
