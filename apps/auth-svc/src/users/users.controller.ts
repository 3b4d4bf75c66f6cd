import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { PaginationQueryDto, Role, type Page } from '#common';
import { CurrentTenant, Roles } from '#auth-kit';
import { ClientMeta, type RequestMeta } from '../audit/request-meta.decorator.js';
import { uuidParam } from '../pipes/uuid-param.pipe.js';
import { Acting, type Actor } from '../actors/acting.decorator.js';
import { CreateUserDto } from './dtos/create-user.dto.js';
import { UpdateUserDto } from './dtos/update-user.dto.js';
import { UserDto } from './dtos/user.dto.js';
import { CreateUserUseCase } from './usecases/create-user/create-user.usecase.js';
import { ListUsersUseCase } from './usecases/list-users/list-users.usecase.js';
import { UpdateUserUseCase } from './usecases/update-user/update-user.usecase.js';

@ApiTags('team')
@ApiBearerAuth('bearer')
@ApiForbiddenResponse({ description: 'FORBIDDEN: admins only' })
@ApiUnauthorizedResponse({ description: 'No or invalid credential' })
@ApiBadRequestResponse({ description: 'VALIDATION_FAILED' })
@Roles(Role.Admin)
@Controller('auth/v1/users')
export class UsersController {
  constructor(
    private readonly createUser: CreateUserUseCase,
    private readonly listUsers: ListUsersUseCase,
    private readonly updateUser: UpdateUserUseCase,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Add a user to the caller’s tenant with roles and an initial password' })
  @ApiCreatedResponse({ type: UserDto })
  @ApiConflictResponse({ description: 'CONFLICT: the email is taken' })
  create(@Acting() actor: Actor, @Body() dto: CreateUserDto, @ClientMeta() meta: RequestMeta): Promise<UserDto> {
    return this.createUser.execute(actor, dto, meta);
  }

  @Get()
  @ApiOperation({ summary: 'Users of the caller’s tenant, oldest first' })
  @ApiOkResponse({ type: UserDto, isArray: true })
  list(@CurrentTenant() tenantId: string, @Query() query: PaginationQueryDto): Promise<Page<UserDto>> {
    return this.listUsers.execute(tenantId, query);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change roles or deactivate (ends all the user’s sessions); the last admin stays' })
  @ApiOkResponse({ type: UserDto })
  @ApiNotFoundResponse({ description: 'No such user in the caller’s tenant' })
  @ApiConflictResponse({ description: 'CONFLICT: would leave the tenant without an active admin' })
  @ApiForbiddenResponse({ description: 'FORBIDDEN: not an admin (now), or a change of your own active flag or roles' })
  update(
    @Acting() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Body() dto: UpdateUserDto,
    @ClientMeta() meta: RequestMeta,
  ): Promise<UserDto> {
    return this.updateUser.execute(actor, id, dto, meta);
  }
}
