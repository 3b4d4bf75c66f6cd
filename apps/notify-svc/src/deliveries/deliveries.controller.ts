import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiHeader, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Role, Scope, SECURITY, type Principal, Idempotent } from '#common';
import { CurrentUser, Roles, Scopes } from '#auth-kit';
import { toDeliveryView } from './dtos/delivery.view.js';
import { ListDeliveriesQueryDto } from './dtos/list-deliveries.query.js';
import { SendBatchDto, SendDeliveryDto } from './dtos/send-delivery.dto.js';
import { CancelDeliveryUseCase } from './usecases/cancel-delivery/cancel-delivery.usecase.js';
import { GetDeliveryUseCase } from './usecases/get-delivery/get-delivery.usecase.js';
import { RetryDeliveryUseCase } from './usecases/retry-delivery/retry-delivery.usecase.js';
import { ListDeliveriesUseCase } from './usecases/list-deliveries/list-deliveries.usecase.js';
import { SendDeliveriesUseCase, type SendResult } from './usecases/send-deliveries/send-deliveries.usecase.js';

function batchView(r: SendResult) {
  const counts: Record<string, number> = {};
  for (const d of r.deliveries) counts[d.status] = (counts[d.status] ?? 0) + 1;
  return { batchId: r.batchId, accepted: r.deliveries.length, counts, deliveries: r.deliveries.map(toDeliveryView) };
}

const IDEMPOTENCY_HEADER = { name: 'Idempotency-Key', required: false, description: 'Replays the first response for 24 h' };

@ApiTags('deliveries')
@ApiBearerAuth(SECURITY.bearer)
@ApiSecurity(SECURITY.apiKey)
@Controller('notify/v1/deliveries')
export class DeliveriesController {
  constructor(
    private readonly send: SendDeliveriesUseCase,
    private readonly list: ListDeliveriesUseCase,
    private readonly get: GetDeliveryUseCase,
    private readonly cancelDelivery: CancelDeliveryUseCase,
    private readonly retryDelivery: RetryDeliveryUseCase,
  ) {}

  @Post()
  @Idempotent()
  @HttpCode(202)
  @Roles(Role.Organizer, Role.Admin)
  @Scopes(Scope.NotificationsSend)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({ summary: 'Send one notification (organizer, admin, or an API key with notifications:send)' })
  @ApiAcceptedResponse({ description: 'Stored durably with status queued, scheduled, suppressed or skipped' })
  async create(@CurrentUser() principal: Principal, @Body() dto: SendDeliveryDto) {
    const { to, ...content } = dto;
    const r = await this.send.execute({ principal, content, recipients: [{ to }], batch: false, recipientPath: () => 'to' });
    // `to: {groupId}` expands into one delivery per contact: answered like a batch.
    if (r.group?.expanding) {
      return {
        batchId: r.batchId,
        groupId: r.group.groupId,
        status: 'expanding',
        targeted: r.group.expanding.targeted,
        accepted: 0,
        deliveries: [],
      };
    }
    if (r.group) return { ...batchView(r), groupId: r.group.groupId, withoutAddress: r.group.withoutAddress };
    return toDeliveryView(r.deliveries[0]!);
  }

  @Post('batch')
  @Idempotent()
  @HttpCode(202)
  @Roles(Role.Organizer, Role.Admin)
  @Scopes(Scope.NotificationsSend)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({ summary: 'Send one notification to up to 1,000 recipients' })
  async batch(@CurrentUser() principal: Principal, @Body() dto: SendBatchDto) {
    const { recipients, ...content } = dto;
    const r = await this.send.execute({ principal, content, recipients, batch: true, recipientPath: (i) => `recipients.${i}.to` });
    return batchView(r);
  }

  @Get()
  @Scopes(Scope.NotificationsRead, Scope.NotificationsSend)
  @ApiOperation({ summary: 'List deliveries (users: their own; organizers, admins, API keys: the tenant)' })
  index(@CurrentUser() principal: Principal, @Query() query: ListDeliveriesQueryDto) {
    return this.list.execute(principal, query);
  }

  @Get(':id')
  @Scopes(Scope.NotificationsRead, Scope.NotificationsSend)
  @ApiOperation({ summary: 'One delivery with its event history' })
  show(@CurrentUser() principal: Principal, @Param('id') id: string) {
    return this.get.execute(principal, id);
  }

  @Post(':id/cancel')
  @Idempotent()
  @HttpCode(200)
  @Roles(Role.Admin)
  @Scopes(Scope.Admin)
  @ApiOperation({ summary: 'Cancel a delivery that has not been sent yet (admin)' })
  cancel(@CurrentUser() principal: Principal, @Param('id') id: string) {
    return this.cancelDelivery.execute(principal, id);
  }

  @Post(':id/retry')
  @Idempotent()
  @HttpCode(200)
  @Roles(Role.Admin)
  @Scopes(Scope.Admin)
  @ApiOperation({ summary: 'Replay a failed delivery with a fresh retry budget (admin); 409 unless it failed' })
  retry(@CurrentUser() principal: Principal, @Param('id') id: string) {
    return this.retryDelivery.execute(principal, id);
  }
}
