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
import { PaginationQueryDto, Role, type Page, type Principal } from '#common';
import { CurrentTenant, CurrentUser, Roles } from '#auth-kit';
import { ApiKeyView, ApiKeyWithSecretView, CreateApiKeyDto, RotateApiKeyDto } from './dtos/api-key.dto.js';
import { CreateApiKeyUseCase } from './usecases/create-api-key/create-api-key.usecase.js';
import { ListApiKeysUseCase } from './usecases/list-api-keys/list-api-keys.usecase.js';
import { RevokeApiKeyUseCase } from './usecases/revoke-api-key/revoke-api-key.usecase.js';
import { RotateApiKeyUseCase } from './usecases/rotate-api-key/rotate-api-key.usecase.js';
import { ClientMeta, type RequestMeta } from '../audit/request-meta.decorator.js';
import { PublicIdPipe } from '../introspection/public-id.pipe.js';

@ApiTags('api-keys')
@ApiBearerAuth('bearer')
@Roles(Role.Admin, Role.Organizer)
@ApiUnauthorizedResponse({ description: 'UNAUTHORIZED: no valid credential' })
@ApiForbiddenResponse({ description: 'FORBIDDEN: admins and organizers only; scopes beyond your roles' })
@Controller('auth/v1/api-keys')
export class ApiKeysController {
  constructor(
    private readonly createKey: CreateApiKeyUseCase,
    private readonly listKeys: ListApiKeysUseCase,
    private readonly revokeKey: RevokeApiKeyUseCase,
    private readonly rotateKey: RotateApiKeyUseCase,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key for the tenant (the key is shown once)' })
  @ApiCreatedResponse({ type: ApiKeyWithSecretView })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED: name, scopes or expiresAt' })
  @ApiUnprocessableEntityResponse({ description: 'UNPROCESSABLE: expiresAt is not in the future' })
  create(
    @CurrentUser() principal: Principal,
    @CurrentTenant() tenantId: string,
    @Body() dto: CreateApiKeyDto,
    @ClientMeta() meta: RequestMeta,
    @Acting() acting: Actor,
  ) {
    return this.createKey.execute({ principal, tenantId, name: dto.name, scopes: dto.scopes, expiresAt: dto.expiresAt, meta, acting });
  }

  @Get()
  @ApiOperation({ summary: "List the tenant's API keys (never the secret)" })
  @ApiOkResponse({ type: ApiKeyView, isArray: true })
  list(@CurrentTenant() tenantId: string, @Query() query: PaginationQueryDto): Promise<Page<ApiKeyView>> {
    return this.listKeys.execute(tenantId, query);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke an API key (it stops working at once)' })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no live key with this id in your tenant' })
  revoke(
    @CurrentUser() principal: Principal,
    @CurrentTenant() tenantId: string,
    @Param('id', new PublicIdPipe('API key')) id: string,
    @ClientMeta() meta: RequestMeta,
    @Acting() acting: Actor,
  ) {
    return this.revokeKey.execute(tenantId, id, { userId: principal.userId, meta, acting });
  }

  @Post(':id/rotate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Issue a new secret; the old one keeps working for overlapSeconds (≤ 24 h)' })
  @ApiOkResponse({ type: ApiKeyWithSecretView })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED: overlapSeconds beyond 86400' })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no live key with this id in your tenant' })
  @ApiConflictResponse({ description: 'CONFLICT: the key has expired' })
  rotate(
    @CurrentUser() principal: Principal,
    @CurrentTenant() tenantId: string,
    @Param('id', new PublicIdPipe('API key')) id: string,
    @Body() dto: RotateApiKeyDto,
    @ClientMeta() meta: RequestMeta,
    @Acting() acting: Actor,
  ) {
    return this.rotateKey.execute({ principal, tenantId, id, overlapSeconds: dto.overlapSeconds ?? 0, meta, acting });
  }
}
