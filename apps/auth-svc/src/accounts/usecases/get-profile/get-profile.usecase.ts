import { Injectable } from '@nestjs/common';
import { AppException } from '#common';
import { UserDto } from '../../../users/dtos/user.dto.js';
import { UsersService } from '../../../users/users.service.js';

@Injectable()
export class GetProfileUseCase {
  constructor(private readonly users: UsersService) {}

  async execute(tenantId: string, userId: string): Promise<UserDto> {
    const user = await this.users.findInTenant(tenantId, userId);
    if (!user) throw AppException.notFound('User');
    return UserDto.from(user);
  }
}
