import { Inject, Injectable } from '@nestjs/common';
import { AppException, ErrorCode, type Principal, type Role } from '#common';
import { ActingUserPolicy } from '../../../actors/acting-user.policy.js';
import type { Actor } from '../../../actors/acting.decorator.js';
import { AuditEventType } from '../../../audit/audit-event-types.js';
import { AuditService } from '../../../audit/audit.service.js';
import type { RequestMeta } from '../../../audit/request-meta.decorator.js';
import { AUTH_CONFIG, type AuthConfig } from '../../../config/auth-config.js';
import { mintCredential } from '../../../introspection/opaque-credential.js';
import { checkPersonalTokenExpiry } from '../../personal-token-expiry.js';
import { PersonalTokenView, type PersonalTokenWithSecretView } from '../../dtos/personal-token.dto.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { PersonalTokenStore } from '../../personal-token.store.js';

export interface CreatePersonalTokenCommand {
  principal: Principal;
  name: string;
  expiresAt: string;
  roles?: Role[];
  meta?: RequestMeta;
  /** The caller, re-checked in the write's transaction (its current state and roles decide). */
  acting?: Actor;
}

@Injectable()
export class CreatePersonalTokenUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly tokens: PersonalTokenStore,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly audit: AuditService,
    private readonly acting: ActingUserPolicy,
  ) {}

  async execute(cmd: CreatePersonalTokenCommand): Promise<PersonalTokenWithSecretView> {
    return this.uow.run(async () => {
      const principal = cmd.acting ? (await this.acting.lock(cmd.acting)).principal : cmd.principal;
      return this.create({ ...cmd, principal });
    });
  }

  private async create(cmd: CreatePersonalTokenCommand): Promise<PersonalTokenWithSecretView> {
    const p = cmd.principal;
    // A long-lived token is minted from a fresh login only, so a leaked token cannot extend itself.
    if (p.kind !== 'access_token' || !p.userId || !p.tenantId) {
      throw AppException.forbidden('Personal tokens are created with an access token from a login');
    }
    if (cmd.roles) {
      const beyond = cmd.roles.filter((r) => !p.roles.includes(r));
      if (beyond.length) throw new AppException(ErrorCode.FORBIDDEN, `You do not hold: ${beyond.join(', ')}`, 403, { roles: beyond });
    }
    const expiresAt = checkPersonalTokenExpiry(cmd.expiresAt, this.config.PAT_MAX_TTL_DAYS);
    const minted = mintCredential('personal_token');
    const saved = await this.tokens.insert({
      id: minted.id,
      tenantId: p.tenantId,
      userId: p.userId,
      name: cmd.name,
      roles: cmd.roles ?? null,
      secretHash: minted.secretHash,
      expiresAt,
      lastUsedAt: null,
      revokedAt: null,
      replacedBy: null,
    });
    await this.audit.record({
      type: AuditEventType.PersonalTokenCreated,
      tenantId: p.tenantId,
      actorUserId: p.userId,
      targetUserId: p.userId,
      meta: cmd.meta,
      details: { tokenId: saved.id, name: saved.name, expiresAt: saved.expiresAt.toISOString(), roles: saved.roles },
    });
    return { ...PersonalTokenView.of(saved), token: minted.token };
  }
}
