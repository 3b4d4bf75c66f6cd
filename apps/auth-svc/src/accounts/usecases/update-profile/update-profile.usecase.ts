import { Injectable } from '@nestjs/common';
import { AppException } from '#common';
import { ActingUserPolicy } from '../../../actors/acting-user.policy.js';
import type { Actor } from '../../../actors/acting.decorator.js';
import { AuditEventType } from '../../../audit/audit-event-types.js';
import { AuditService } from '../../../audit/audit.service.js';
import type { RequestMeta } from '../../../audit/request-meta.decorator.js';
import { UserDto } from '../../../users/dtos/user.dto.js';
import { type ProfilePatch, UsersService } from '../../../users/users.service.js';
import type { UpdateProfileDto } from '../../dtos/update-profile.dto.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';

@Injectable()
export class UpdateProfileUseCase {
  constructor(
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly uow: UnitOfWork,
    private readonly acting: ActingUserPolicy,
  ) {}

  async execute(tenantId: string, userId: string, dto: UpdateProfileDto, meta: RequestMeta, actor: Actor): Promise<UserDto> {
    return this.uow.run(async () => {
      await this.acting.lock(actor);
      const user = await this.users.findInTenant(tenantId, userId);
      if (!user) throw AppException.notFound('User');
      const patch: ProfilePatch = {};
      for (const field of ['name', 'firstName', 'lastName', 'phone'] as const) {
        if (dto[field] !== undefined) patch[field] = dto[field] || null;
      }
      const changed = Object.keys(patch);
      if (changed.length) {
        await this.users.updateProfile(tenantId, user.id, patch);
        await this.audit.record({
          type: AuditEventType.ProfileUpdated,
          tenantId,
          actorUserId: userId,
          targetUserId: userId,
          meta,
          details: { fields: changed },
        });
      }
      return UserDto.from((await this.users.findInTenant(tenantId, userId))!);
    });
  }
}
