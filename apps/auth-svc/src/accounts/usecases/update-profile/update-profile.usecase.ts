import { Injectable } from '@nestjs/common';
import { AppException } from '#common';
import { AuditEventType } from '../../../audit/audit-event-types.js';
import { AuditService } from '../../../audit/audit.service.js';
import type { RequestMeta } from '../../../audit/request-meta.decorator.js';
import { UserDto } from '../../../users/dtos/user.dto.js';
import type { User } from '../../../users/user.entity.js';
import { UsersService } from '../../../users/users.service.js';
import type { UpdateProfileDto } from '../../dtos/update-profile.dto.js';

@Injectable()
export class UpdateProfileUseCase {
  constructor(
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  async execute(tenantId: string, userId: string, dto: UpdateProfileDto, meta: RequestMeta): Promise<UserDto> {
    const user = await this.users.findInTenant(tenantId, userId);
    if (!user) throw AppException.notFound('User');
    const patch: Partial<Pick<User, 'name' | 'firstName' | 'lastName' | 'phone'>> = {};
    for (const field of ['name', 'firstName', 'lastName', 'phone'] as const) {
      if (dto[field] !== undefined) patch[field] = dto[field] || null;
    }
    const changed = Object.keys(patch);
    if (changed.length) {
      await this.users.users.update({ id: user.id, tenantId }, patch);
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
  }
}
