import { Inject, Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { ActingUserPolicy } from '../../../actors/acting-user.policy.js';
import type { Actor } from '../../../actors/acting.decorator.js';
import { AuditEventType } from '../../../audit/audit-event-types.js';
import { AuditService } from '../../../audit/audit.service.js';
import type { RequestMeta } from '../../../audit/request-meta.decorator.js';
import { AUTH_CONFIG, type AuthConfig } from '../../../config/auth-config.js';
import { mintCredential } from '../../../introspection/opaque-credential.js';
import { checkPersonalTokenExpiry, maxPersonalTokenExpiry } from '../../personal-token-expiry.js';
import { PersonalTokenView, type PersonalTokenWithSecretView } from '../../dtos/personal-token.dto.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { PersonalTokenStore } from '../../personal-token.store.js';

export interface RotatePersonalTokenCommand {
  principal: Principal;
  id: string;
  expiresAt?: string;
  meta?: RequestMeta;
  /** The caller, re-checked in the write's transaction (its current state and roles decide). */
  acting?: Actor;
}

/** Issues a successor (same name and roles) and revokes the old token, in one transaction. */
@Injectable()
export class RotatePersonalTokenUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly tokens: PersonalTokenStore,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly audit: AuditService,
    private readonly acting: ActingUserPolicy,
  ) {}

  async execute(cmd: RotatePersonalTokenCommand): Promise<PersonalTokenWithSecretView> {
    const userId = cmd.principal.userId;
    if (!userId) throw AppException.forbidden();
    const expiresAt = cmd.expiresAt ? checkPersonalTokenExpiry(cmd.expiresAt, this.config.PAT_MAX_TTL_DAYS) : undefined;
    return this.uow.run(async () => {
      if (cmd.acting) await this.acting.lock(cmd.acting);
      const old = await this.tokens.findOwnForUpdate(userId, cmd.id);
      if (!old || old.revokedAt) throw AppException.notFound('Personal token');
      if (old.expiresAt.getTime() <= Date.now()) throw AppException.conflict('This personal token has expired; create a new one');
      const lifetime = old.expiresAt.getTime() - old.createdAt.getTime();
      const max = maxPersonalTokenExpiry(this.config.PAT_MAX_TTL_DAYS);
      const successorExpiry = expiresAt ?? new Date(Math.min(Date.now() + lifetime, max.getTime()));
      const minted = mintCredential('personal_token');
      const successor = await this.tokens.insert({
        id: minted.id,
        tenantId: old.tenantId,
        userId: old.userId,
        name: old.name,
        roles: old.roles,
        secretHash: minted.secretHash,
        expiresAt: successorExpiry,
        lastUsedAt: null,
        revokedAt: null,
        replacedBy: null,
      });
      await this.tokens.markReplaced(old.id, successor.id);
      await this.audit.record({
        type: AuditEventType.PersonalTokenRotated,
        tenantId: old.tenantId,
        actorUserId: userId,
        targetUserId: old.userId,
        meta: cmd.meta,
        details: { tokenId: old.id, successorId: successor.id },
      });
      return { ...PersonalTokenView.of(successor), token: minted.token };
    });
  }
}
