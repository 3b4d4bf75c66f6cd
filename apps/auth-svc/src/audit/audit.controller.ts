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
import { Role, type Page } from '#common';
import { CurrentTenant, Roles } from '#auth-kit';
import { AuditEventDto, AuditEventQueryDto } from './dtos/audit-event.dto.js';
import { ListAuditEventsUseCase } from './usecases/list-audit-events/list-audit-events.usecase.js';

@ApiTags('audit')
@ApiBearerAuth('bearer')
@Controller('auth/v1/audit-events')
export class AuditController {
  constructor(private readonly listEvents: ListAuditEventsUseCase) {}

  @Get()
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Security events of the caller’s tenant, newest first' })
  @ApiOkResponse({ type: AuditEventDto, isArray: true })
  @ApiForbiddenResponse({ description: 'FORBIDDEN: admins only' })
  @ApiUnauthorizedResponse({ description: 'No or invalid credential' })
  @ApiBadRequestResponse({ description: 'Bad cursor, limit or type' })
  list(@CurrentTenant() tenantId: string, @Query() query: AuditEventQueryDto): Promise<Page<AuditEventDto>> {
    return this.listEvents.execute(tenantId, query);
  }
}
