import { Injectable } from '@nestjs/common';
import { AppException, Role, type Principal } from '#common';
import { AuditEventType } from '../../../audit/audit-event-types.js';
import { AuditService } from '../../../audit/audit.service.js';
import type { RequestMeta } from '../../../audit/request-meta.decorator.js';
import { RevokeApiKeyUseCase } from '../../../api-keys/usecases/revoke-api-key/revoke-api-key.usecase.js';
import { RevokePersonalTokenUseCase } from '../../../personal-tokens/usecases/revoke-personal-token/revoke-personal-token.usecase.js';
import { SessionStore } from '../../../sessions/session.store.js';
import { JwtCredentialChecker } from '../../jwt-credential.checker.js';
import { LocalCredentialIntrospector } from '../../local-credential.introspector.js';
import type { TokenTypeHint } from '../../dtos/token-request.dto.js';

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
  ) {}

  async execute(caller: Principal, token: string, hint?: TokenTypeHint, meta?: RequestMeta): Promise<void> {
    if (!caller.userId || !caller.tenantId) throw AppException.forbidden('Only users revoke credentials here');
    const isAdmin = caller.roles.includes(Role.Admin);
    if (token.startsWith('nk_') || token.startsWith('pat_')) {
      const v = await this.opaque.verify(token);
      if (!v) return;
      if (v.kind === 'api_key') {
        if (v.key.tenantId !== caller.tenantId) return;
        if (!isAdmin && !caller.roles.includes(Role.Organizer)) throw AppException.forbidden('Only admins and organizers revoke API keys');
        await this.revokeApiKey.execute(caller.tenantId, v.key.id, { userId: caller.userId, meta }).catch(ignoreNotFound);
        return;
      }
      const t = v.token;
      if (t.tenantId !== caller.tenantId) return;
      if (t.userId !== caller.userId && !isAdmin) throw AppException.forbidden("Only an admin revokes another user's token");
      await this.revokePersonalToken
        .execute({ id: t.id, tenantId: caller.tenantId, userId: null, actorUserId: caller.userId, meta })
        .catch(ignoreNotFound);
      return;
    }
    const jwt = await this.jwts.claims(token, hint === 'refresh_token');
    if (!jwt) return;
    const { claims } = jwt;
    if (claims.tenantId !== caller.tenantId || typeof claims.sid !== 'string') return;
    if (claims.sub !== caller.userId && !isAdmin) throw AppException.forbidden("Only an admin revokes another user's session");
    // Revoking a refresh or access token ends its session: every token of that session stops.
    if (await this.sessions.revokeInTenant(claims.sid, caller.tenantId, 'revoked')) {
      await this.audit.record({
        type: AuditEventType.SessionRevoked,
        tenantId: caller.tenantId,
        actorUserId: caller.userId,
        targetUserId: claims.sub as string,
        meta,
        details: { sessionId: claims.sid, via: 'revoke' },
      });
    }
  }
}

function ignoreNotFound(err: unknown): void {
  // Revoked concurrently by someone else: the goal is reached.
  if (err instanceof AppException && err.getStatus() === 404) return;
  throw err;
}
