import { Injectable } from '@nestjs/common';
import type { Page, PaginationQueryDto } from '#common';
import { UserDto } from '../../dtos/user.dto.js';
import { UsersService } from '../../users.service.js';

@Injectable()
export class ListUsersUseCase {
  constructor(private readonly users: UsersService) {}

  /** The tenant's users, oldest first. */
  async execute(tenantId: string, query: PaginationQueryDto): Promise<Page<UserDto>> {
    return (await this.users.listInTenant(tenantId, query)).map(UserDto.from);
  }
}
