import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Idempotent, PaginationQueryDto, Role, Scope, SECURITY, type Principal } from '#common';
import { CurrentUser, Roles, Scopes } from '#auth-kit';
import { CreateWebhookEndpointDto, RotateWebhookSecretDto } from './dtos/webhook-endpoint.dto.js';
import { ManageWebhookEndpointsUseCase } from './usecases/manage-webhook-endpoints/manage-webhook-endpoints.usecase.js';

@ApiTags('webhook-endpoints')
@ApiBearerAuth(SECURITY.bearer)
@ApiSecurity(SECURITY.apiKey)
@Roles(Role.Organizer, Role.Admin)
@Controller('notify/v1/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(private readonly manage: ManageWebhookEndpointsUseCase) {}

  @Post()
  @Idempotent()
  @Scopes(Scope.Admin)
  @ApiOperation({ summary: 'Register a webhook receiver; its whsec_ signing secret is shown once' })
  create(@CurrentUser() p: Principal, @Body() dto: CreateWebhookEndpointDto) {
    return this.manage.create(p, dto);
  }

  @Get()
  @Scopes(Scope.Admin, Scope.NotificationsSend)
  @ApiOperation({ summary: "The tenant's webhook receivers (never their secrets)" })
  list(@CurrentUser() p: Principal, @Query() q: PaginationQueryDto) {
    return this.manage.list(p, q);
  }

  @Get(':id')
  @Scopes(Scope.Admin, Scope.NotificationsSend)
  @ApiOperation({ summary: 'One webhook receiver' })
  get(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.manage.get(p, id);
  }

  @Delete(':id')
  @Scopes(Scope.Admin)
  @ApiOperation({ summary: 'Remove a webhook receiver (its pending deliveries fail)' })
  remove(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.manage.remove(p, id);
  }

  @Post(':id/rotate-secret')
  @Idempotent()
  @Scopes(Scope.Admin)
  @ApiOperation({ summary: 'A new signing secret (shown once); the old one also signs for up to 24 h' })
  rotate(@CurrentUser() p: Principal, @Param('id') id: string, @Body() dto: RotateWebhookSecretDto) {
    return this.manage.rotateSecret(p, id, dto);
  }
}
