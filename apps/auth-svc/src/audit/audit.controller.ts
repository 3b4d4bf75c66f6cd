import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Role, paginate, type Page } from '#common';
import { CurrentTenant, Roles } from '#auth-kit';
import { AuditEvent } from './audit-event.entity.js';
import { AuditEventDto, AuditEventQueryDto } from './dtos/audit-event.dto.js';

@ApiTags('audit')
@ApiBearerAuth('bearer')
@Controller('auth/v1/audit-events')
export class AuditController {
  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  @Get()
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Security events of the caller’s tenant, newest first' })
  @ApiOkResponse({ type: AuditEventDto, isArray: true })
  @ApiForbiddenResponse({ description: 'FORBIDDEN: admins only' })
  @ApiUnauthorizedResponse({ description: 'No or invalid credential' })
  @ApiBadRequestResponse({ description: 'Bad cursor, limit or type' })
  async list(@CurrentTenant() tenantId: string, @Query() query: AuditEventQueryDto): Promise<Page<AuditEventDto>> {
    const qb = this.events.createQueryBuilder('e').where('e.tenant_id = :tenantId', { tenantId });
    if (query.type) qb.andWhere('e.type = :type', { type: query.type });
    const page = await paginate(qb, query, { sortColumn: 'e.created_at', idColumn: 'e.id' });
    return page.map(AuditEventDto.from);
  }
}
