import { Acting, type Actor } from '../actors/acting.decorator.js';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
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
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { AppException, PaginationQueryDto, Role, type Page, type Principal } from '#common';
import { CurrentTenant, CurrentUser, Roles } from '#auth-kit';
import { ClientMeta, type RequestMeta } from '../audit/request-meta.decorator.js';
import { PublicIdPipe } from '../introspection/public-id.pipe.js';
import {
  CreatePersonalTokenDto,
  PersonalTokenView,
  PersonalTokenWithSecretView,
  RotatePersonalTokenDto,
} from './dtos/personal-token.dto.js';
import { CreatePersonalTokenUseCase } from './usecases/create-personal-token/create-personal-token.usecase.js';
import { ListPersonalTokensUseCase } from './usecases/list-personal-tokens/list-personal-tokens.usecase.js';
import { RevokePersonalTokenUseCase } from './usecases/revoke-personal-token/revoke-personal-token.usecase.js';
import { RotatePersonalTokenUseCase } from './usecases/rotate-personal-token/rotate-personal-token.usecase.js';

const userOf = (p: Principal): string => {
  if (!p.userId) throw AppException.forbidden('Personal tokens belong to users');
  return p.userId;
};

@ApiTags('personal-tokens')
@ApiBearerAuth('bearer')
@Roles(Role.User, Role.Organizer, Role.Admin)
@ApiUnauthorizedResponse({ description: 'UNAUTHORIZED: no valid credential' })
@ApiForbiddenResponse({ description: 'FORBIDDEN: API keys cannot manage personal tokens' })
@Controller('auth/v1/tokens')
export class PersonalTokensController {
  constructor(
    private readonly createToken: CreatePersonalTokenUseCase,
    private readonly listTokens: ListPersonalTokensUseCase,
    private readonly revokeToken: RevokePersonalTokenUseCase,
    private readonly rotateToken: RotatePersonalTokenUseCase,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a personal access token (shown once); it acts as you, with your roles or a subset' })
  @ApiCreatedResponse({ type: PersonalTokenWithSecretView })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED: name, expiresAt (required) or roles' })
  @ApiForbiddenResponse({ description: 'FORBIDDEN: roles you do not hold, or not called with an access token from a login' })
  @ApiUnprocessableEntityResponse({ description: 'UNPROCESSABLE: expiresAt not in the future or beyond PAT_MAX_TTL_DAYS' })
  create(
    @CurrentUser() principal: Principal,
    @Body() dto: CreatePersonalTokenDto,
    @ClientMeta() meta: RequestMeta,
    @Acting() acting: Actor,
  ) {
    return this.createToken.execute({ principal, name: dto.name, expiresAt: dto.expiresAt, roles: dto.roles, meta, acting });
  }

  @Get()
  @ApiOperation({ summary: 'List your personal access tokens with expiry and last use' })
  @ApiOkResponse({ type: PersonalTokenView, isArray: true })
  list(@CurrentUser() principal: Principal, @Query() query: PaginationQueryDto): Promise<Page<PersonalTokenView>> {
    return this.listTokens.execute(userOf(principal), query);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke one of your personal access tokens' })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: none of your live tokens has this id' })
  revoke(
    @CurrentUser() principal: Principal,
    @CurrentTenant() tenantId: string,
    @Param('id', new PublicIdPipe('Personal token')) id: string,
    @ClientMeta() meta: RequestMeta,
    @Acting() acting: Actor,
  ) {
    const userId = userOf(principal);
    return this.revokeToken.execute({ id, tenantId, userId, actorUserId: userId, meta, acting });
  }

  @Post(':id/rotate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Issue a successor token and revoke this one' })
  @ApiOkResponse({ type: PersonalTokenWithSecretView })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: none of your live tokens has this id' })
  @ApiConflictResponse({ description: 'CONFLICT: the token has expired' })
  @ApiUnprocessableEntityResponse({ description: 'UNPROCESSABLE: expiresAt not in the future or beyond PAT_MAX_TTL_DAYS' })
  rotate(
    @CurrentUser() principal: Principal,
    @Param('id', new PublicIdPipe('Personal token')) id: string,
    @Body() dto: RotatePersonalTokenDto,
    @ClientMeta() meta: RequestMeta,
    @Acting() acting: Actor,
  ) {
    return this.rotateToken.execute({ principal, id, expiresAt: dto.expiresAt, meta, acting });
  }
}
