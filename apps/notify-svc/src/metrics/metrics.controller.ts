import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AppException, RawResponse, Scope, SECURITY, serviceMetrics, type Principal } from '#common';
import { CurrentUser, InternalOnly, Scopes } from '#auth-kit';
import { SummaryQueryDto } from './dtos/summary.query.js';
import { NotifyMetrics } from './notify-metrics.js';
import { SummarizeDeliveriesUseCase } from './usecases/summarize-deliveries/summarize-deliveries.usecase.js';

@ApiTags('metrics')
@Controller()
export class MetricsController {
  constructor(
    private readonly summarize: SummarizeDeliveriesUseCase,
    private readonly metrics: NotifyMetrics,
  ) {}

  @Get('notify/v1/metrics/summary')
  @ApiBearerAuth(SECURITY.bearer)
  @ApiSecurity(SECURITY.apiKey)
  @Scopes(Scope.NotificationsRead, Scope.NotificationsSend)
  @ApiOperation({ summary: 'Delivery counts by status and channel, latency p50/p95 (users: their own)' })
  summary(@CurrentUser() p: Principal, @Query() q: SummaryQueryDto) {
    return this.summarize.execute(p, q);
  }

  @Get('metrics')
  @InternalOnly()
  @RawResponse()
  @ApiSecurity(SECURITY.internalKey)
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics (internal key)' })
  prometheus(): Promise<string> {
    // On several processes (NOTIFY_PROCESSES): their sum, so one scrape of the port sees the whole instance.
    return serviceMetrics(this.metrics.registry).catch((err: unknown) => {
      throw new AppException('SERVICE_UNAVAILABLE', `Metrics not gathered: ${String(err)}`, 503);
    });
  }
}
