import { Body, Controller, Delete, Get, Param, Post, Query, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Idempotent, PaginationQueryDto, Role, Scope, SECURITY, type Principal } from '#common';
import { CurrentUser, Roles, Scopes } from '#auth-kit';
import { CreateWebhookEndpointDto, RotateWebhookSecretDto } from './dtos/webhook-endpoint.dto.js';
import { CreateWebhookEndpointUseCase } from './usecases/create-webhook-endpoint/create-webhook-endpoint.usecase.js';
import { DeleteWebhookEndpointUseCase } from './usecases/delete-webhook-endpoint/delete-webhook-endpoint.usecase.js';
import { GetWebhookEndpointUseCase } from './usecases/get-webhook-endpoint/get-webhook-endpoint.usecase.js';
import { ListWebhookEndpointsUseCase } from './usecases/list-webhook-endpoints/list-webhook-endpoints.usecase.js';
import { RotateWebhookSecretUseCase } from './usecases/rotate-webhook-secret/rotate-webhook-secret.usecase.js';

/** A change to the tenant's receivers: API keys need the admin scope. */
const ChangeRoute = (summary: string) => applyDecorators(Scopes(Scope.Admin), ApiOperation({ summary }));

/** A read: senders may list the receivers they send to (notifications:send). */
const ReadRoute = (summary: string) => applyDecorators(Scopes(Scope.Admin, Scope.NotificationsSend), ApiOperation({ summary }));

@ApiTags('webhook-endpoints')
@ApiBearerAuth(SECURITY.bearer)
@ApiSecurity(SECURITY.apiKey)
@Roles(Role.Organizer, Role.Admin)
@Controller('notify/v1/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(
    private readonly createEndpoint: CreateWebhookEndpointUseCase,
    private readonly listEndpoints: ListWebhookEndpointsUseCase,
    private readonly getEndpoint: GetWebhookEndpointUseCase,
    private readonly deleteEndpoint: DeleteWebhookEndpointUseCase,
    private readonly rotateSecret: RotateWebhookSecretUseCase,
  ) {}

  @Post()
  @Idempotent()
  @ChangeRoute('Register a webhook receiver; its whsec_ signing secret is shown once')
  create(@CurrentUser() p: Principal, @Body() dto: CreateWebhookEndpointDto) {
    return this.createEndpoint.execute(p, dto);
  }

  @Get()
  @ReadRoute("The tenant's webhook receivers (never their secrets)")
  list(@CurrentUser() p: Principal, @Query() q: PaginationQueryDto) {
    return this.listEndpoints.execute(p, q);
  }

  @Get(':id')
  @ReadRoute('One webhook receiver')
  get(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.getEndpoint.execute(p, id);
  }

  @Delete(':id')
  @ChangeRoute('Remove a webhook receiver (its pending deliveries fail)')
  remove(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.deleteEndpoint.execute(p, id);
  }

  @Post(':id/rotate-secret')
  @Idempotent()
  @ChangeRoute('A new signing secret (shown once); the old one also signs for up to 24 h')
  rotate(@CurrentUser() p: Principal, @Param('id') id: string, @Body() dto: RotateWebhookSecretDto) {
    return this.rotateSecret.execute(p, id, dto);
  }
}
