import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller.js';
import { AuditService } from './audit.service.js';
import { ListAuditEventsUseCase } from './usecases/list-audit-events/list-audit-events.usecase.js';

@Module({
  controllers: [AuditController],
  providers: [AuditService, ListAuditEventsUseCase],
  exports: [AuditService],
})
export class AuditModule {}
