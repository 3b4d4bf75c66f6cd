import { Injectable } from '@nestjs/common';
import type { Page } from '#common';
import { AuditService } from '../../audit.service.js';
import { AuditEventDto, type AuditEventQueryDto } from '../../dtos/audit-event.dto.js';

@Injectable()
export class ListAuditEventsUseCase {
  constructor(private readonly audit: AuditService) {}

  async execute(tenantId: string, query: AuditEventQueryDto): Promise<Page<AuditEventDto>> {
    return (await this.audit.list(tenantId, query)).map(AuditEventDto.from);
  }
}
