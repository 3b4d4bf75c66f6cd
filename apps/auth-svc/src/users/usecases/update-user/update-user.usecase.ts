import { Injectable } from '@nestjs/common';
import { AppException, Role } from '#common';
import { AuditEventType } from '../../../audit/audit-event-types.js';
import { AuditService } from '../../../audit/audit.service.js';
import type { RequestMeta } from '../../../audit/request-meta.decorator.js';
import { ActingUserPolicy } from '../../../actors/acting-user.policy.js';
import type { Actor } from '../../../actors/acting.decorator.js';
import { RevocationEvents } from '../../../revocations/revocation-events.js';
import { SessionStore } from '../../../sessions/session.store.js';
import type { UpdateUserDto } from '../../dtos/update-user.dto.js';
import { UserDto } from '../../dtos/user.dto.js';
import { UsersService } from '../../users.service.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';

@Injectable()
export class UpdateUserUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UsersService,
    private readonly sessions: SessionStore,
    private readonly audit: AuditService,
    private readonly acting: ActingUserPolicy,
    private readonly events: RevocationEvents,
  ) {}

  /**
   * Changes roles and/or deactivates. Admin changes of one tenant are serialised on the tenant row,
   * so two admins demoting each other at once cannot leave the tenant without an admin. The caller
   * must still be an active admin when the change commits (its row is locked after the tenant's),
   * and nobody changes their own active flag or roles: a deactivated admin cannot undo its deactivation.
   */
  async execute(actor: Actor, userId: string, dto: UpdateUserDto, meta: RequestMeta): Promise<UserDto> {
    const tenantId = actor.principal.tenantId!;
    const actorUserId = actor.principal.userId;
    if (userId === actorUserId && (dto.isActive !== undefined || dto.roles !== undefined)) {
      throw AppException.forbidden('You cannot change your own active flag or roles; ask another admin');
    }
    return this.uow.run(async () => {
      await this.users.lockTenant(tenantId);
      await this.acting.lock(actor);
      const user = await this.users.findInTenant(tenantId, userId);
      if (!user) throw AppException.notFound('User');

      const roles = dto.roles ? [...new Set(dto.roles)] : user.roles;
      const isActive = dto.isActive ?? user.isActive;
      const wasAdmin = user.isActive && user.roles.includes(Role.Admin);
      const staysAdmin = isActive && roles.includes(Role.Admin);
      if (wasAdmin && !staysAdmin) {
        if ((await this.users.countOtherActiveAdmins(tenantId, userId)) === 0)
          throw AppException.conflict('A tenant must keep at least one active admin');
      }

      const rolesChanged = roles.length !== user.roles.length || roles.some((r) => !user.roles.includes(r));
      const activeChanged = isActive !== user.isActive;
      if (rolesChanged || activeChanged) {
        const deactivated = activeChanged && !isActive;
        await this.users.setRolesAndActive(tenantId, userId, { roles, isActive, deactivated, rolesChanged });
        // Every instance refuses the user's older tokens (deactivated), or their lost roles, from the commit on.
        const before = await this.users.nowSeconds();
        await this.events.publish({
          users: deactivated ? [{ id: userId, before }] : [],
          roles: rolesChanged ? [{ id: userId, before, roles }] : [],
        });
      }
      if (rolesChanged) {
        await this.audit.record({
          type: AuditEventType.RoleChanged,
          tenantId,
          actorUserId,
          targetUserId: userId,
          meta,
          details: { from: user.roles, to: roles },
        });
      }
      if (activeChanged) {
        const sessionsEnded = isActive ? 0 : await this.sessions.revokeAllForUser(userId, 'user_deactivated', null);
        await this.audit.record({
          type: isActive ? AuditEventType.UserReactivated : AuditEventType.UserDeactivated,
          tenantId,
          actorUserId,
          targetUserId: userId,
          meta,
          details: isActive ? {} : { sessionsEnded },
        });
      }
      return UserDto.from((await this.users.findInTenant(tenantId, userId))!);
    });
  }
}
