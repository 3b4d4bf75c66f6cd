import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppException, Role } from '#common';
import { AuditEventType } from '../../../audit/audit-event-types.js';
import { AuditService } from '../../../audit/audit.service.js';
import type { RequestMeta } from '../../../audit/request-meta.decorator.js';
import { SessionStore } from '../../../sessions/session.store.js';
import type { UpdateUserDto } from '../../dtos/update-user.dto.js';
import { UserDto } from '../../dtos/user.dto.js';
import { User } from '../../user.entity.js';

@Injectable()
export class UpdateUserUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: SessionStore,
    private readonly audit: AuditService,
  ) {}

  /**
   * Changes roles and/or deactivates. Admin changes of one tenant are serialised on the tenant row,
   * so two admins demoting each other at once cannot leave the tenant without an admin.
   */
  async execute(tenantId: string, actorUserId: string, userId: string, dto: UpdateUserDto, meta: RequestMeta): Promise<UserDto> {
    return this.dataSource.transaction(async (em) => {
      await em.query('SELECT id FROM tenants WHERE id = $1 FOR UPDATE', [tenantId]);
      const user = await em.findOne(User, { where: { id: userId, tenantId } });
      if (!user) throw AppException.notFound('User');

      const roles = dto.roles ? [...new Set(dto.roles)] : user.roles;
      const isActive = dto.isActive ?? user.isActive;
      const wasAdmin = user.isActive && user.roles.includes(Role.Admin);
      const staysAdmin = isActive && roles.includes(Role.Admin);
      if (wasAdmin && !staysAdmin) {
        const [{ n }] = await em.query(
          `SELECT count(*)::int AS n FROM users WHERE tenant_id = $1 AND id <> $2 AND is_active AND 'admin' = ANY(roles)`,
          [tenantId, userId],
        );
        if (n === 0) throw AppException.conflict('A tenant must keep at least one active admin');
      }

      const rolesChanged = roles.length !== user.roles.length || roles.some((r) => !user.roles.includes(r));
      const activeChanged = isActive !== user.isActive;
      if (rolesChanged || activeChanged) {
        await em.update(
          User,
          { id: userId, tenantId },
          { roles, isActive, ...(activeChanged && !isActive ? { deactivatedAt: () => 'now()' } : {}) },
        );
      }
      if (rolesChanged) {
        await this.audit.record(
          { type: AuditEventType.RoleChanged, tenantId, actorUserId, targetUserId: userId, meta, details: { from: user.roles, to: roles } },
          em,
        );
      }
      if (activeChanged) {
        const sessionsEnded = isActive ? 0 : await this.sessions.revokeAllForUser(userId, 'user_deactivated', null, em);
        await this.audit.record(
          {
            type: isActive ? AuditEventType.UserReactivated : AuditEventType.UserDeactivated,
            tenantId,
            actorUserId,
            targetUserId: userId,
            meta,
            details: isActive ? {} : { sessionsEnded },
          },
          em,
        );
      }
      return UserDto.from((await em.findOne(User, { where: { id: userId, tenantId } }))!);
    });
  }
}
