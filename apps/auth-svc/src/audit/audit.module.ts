import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEvent } from './audit-event.entity.js';
import { AuditController } from './audit.controller.js';
import { AuditService } from './audit.service.js';
import { ListAuditEventsUseCase } from './usecases/list-audit-events/list-audit-events.usecase.js';

@Module({
  imports: [TypeOrmModule.forFeature([AuditEvent])],
  controllers: [AuditController],
  providers: [AuditService, ListAuditEventsUseCase],
  exports: [AuditService],
})
export class AuditModule {}
