import { Global, Module } from '@nestjs/common';
import { DeliverySummaryRepository } from './delivery-summary.repository.js';
import { MetricsController } from './metrics.controller.js';
import { NotifyMetrics } from './notify-metrics.js';
import { QueueDepthMetrics } from './queue-depth.metrics.js';
import { SummarizeDeliveriesUseCase } from './usecases/summarize-deliveries/summarize-deliveries.usecase.js';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [NotifyMetrics, QueueDepthMetrics, DeliverySummaryRepository, SummarizeDeliveriesUseCase],
  exports: [NotifyMetrics],
})
export class MetricsModule {}
