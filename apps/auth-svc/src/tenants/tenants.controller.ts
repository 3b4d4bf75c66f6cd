import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AppException } from '#common';
import { CurrentTenant } from '#auth-kit';
import { TenantDto } from './dtos/tenant.dto.js';
import { Tenant } from './tenant.entity.js';

@ApiTags('tenants')
@ApiBearerAuth('bearer')
@Controller('auth/v1/tenant')
export class TenantsController {
  constructor(@InjectRepository(Tenant) private readonly tenants: Repository<Tenant>) {}

  @Get()
  @ApiOperation({ summary: 'The caller’s tenant and its plan tier' })
  @ApiOkResponse({ type: TenantDto })
  @ApiUnauthorizedResponse({ description: 'No or invalid credential' })
  async get(@CurrentTenant() tenantId: string): Promise<TenantDto> {
    const tenant = await this.tenants.findOne({ where: { id: tenantId } });
    if (!tenant) throw AppException.notFound('Tenant');
    return TenantDto.from(tenant);
  }
}
