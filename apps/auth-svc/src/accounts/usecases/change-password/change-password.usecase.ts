import { Injectable } from '@nestjs/common';
import { AppException, ErrorCode } from '#common';
import { ActingUserPolicy } from '../../../actors/acting-user.policy.js';
import type { Actor } from '../../../actors/acting.decorator.js';
import { AuditEventType } from '../../../audit/audit-event-types.js';
import { AuditService } from '../../../audit/audit.service.js';
import type { RequestMeta } from '../../../audit/request-meta.decorator.js';
import { SessionStore } from '../../../sessions/session.store.js';
import { LoginThrottle } from '../../../throttling/login-throttle.service.js';
import { PasswordHasher } from '../../../users/password-hasher.js';
import { UsersService } from '../../../users/users.service.js';
import type { ChangePasswordDto, ChangePasswordResponseDto } from '../../dtos/change-password.dto.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';

@Injectable()
export class ChangePasswordUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionStore,
    private readonly audit: AuditService,
    private readonly throttle: LoginThrottle,
    private readonly acting: ActingUserPolicy,
  ) {}

  /** Sets a new password and ends every session of the user except the one making the call. */
  async execute(
    tenantId: string,
    userId: string,
    currentSessionId: string | null,
    dto: ChangePasswordDto,
    meta: RequestMeta,
    actor: Actor,
  ): Promise<ChangePasswordResponseDto> {
    const user = await this.users.findInTenantWithSecret(tenantId, userId);
    if (!user) throw AppException.notFound('User');
    // Guessing the current password with a stolen access token meets the same lockout as login.
    await this.throttle.begin(userId);
    let ok: boolean;
    try {
      ok = await this.hasher.verify(dto.currentPassword, user.passwordHash);
    } catch (err) {
      await this.throttle.release(userId);
      throw err;
    }
    if (!ok) {
      await this.throttle.failed(userId, tenantId, meta);
      throw new AppException(ErrorCode.INVALID_CREDENTIALS, 'The current password is not correct', 403);
    }
    await this.throttle.succeeded(userId, { login: false });
    const hash = await this.hasher.hash(dto.newPassword);
    return this.uow.run(async () => {
      await this.acting.lock(actor);
      await this.users.setPasswordHash(userId, hash);
      const sessionsEnded = await this.sessions.revokeAllForUser(userId, 'password_changed', currentSessionId);
      await this.audit.record({
        type: AuditEventType.PasswordChanged,
        tenantId,
        actorUserId: userId,
        targetUserId: userId,
        meta,
        details: { sessionsEnded },
      });
      return { sessionsEnded };
    });
  }
}
