import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppException, Role } from '#common';
import { AuditEventType } from '../../../audit/audit-event-types.js';
import { AuditService } from '../../../audit/audit.service.js';
import type { RequestMeta } from '../../../audit/request-meta.decorator.js';
import type { CreateUserDto } from '../../dtos/create-user.dto.js';
import { UserDto } from '../../dtos/user.dto.js';
import { PasswordHasher } from '../../password-hasher.js';
import { UsersService } from '../../users.service.js';

@Injectable()
export class CreateUserUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
  ) {}

  async execute(tenantId: string, actorUserId: string, dto: CreateUserDto, meta: RequestMeta): Promise<UserDto> {
    if (await this.users.findByEmail(dto.email)) throw AppException.conflict('An account with this email already exists');
    const passwordHash = await this.hasher.hash(dto.password);
    const roles = dto.roles ?? [Role.User];
    return this.dataSource.transaction(async (em) => {
      const user = await this.users.createInTenant(tenantId, { ...dto, passwordHash }, roles, em);
      await this.audit.record(
        {
          type: AuditEventType.UserCreated,
          tenantId,
          actorUserId,
          targetUserId: user.id,
          meta,
          details: { email: user.email, roles: user.roles },
        },
        em,
      );
      return UserDto.from(user);
    });
  }
}
