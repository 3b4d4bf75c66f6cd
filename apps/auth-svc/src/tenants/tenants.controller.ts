import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { CurrentTenant } from '#auth-kit';
import { TenantDto } from './dtos/tenant.dto.js';
import { GetTenantUseCase } from './usecases/get-tenant/get-tenant.usecase.js';

@ApiTags('tenants')
@ApiBearerAuth('bearer')
@Controller('auth/v1/tenant')
export class TenantsController {
  constructor(private readonly getTenant: GetTenantUseCase) {}

  @Get()
  @ApiOperation({ summary: 'The caller’s tenant and its plan tier' })
  @ApiOkResponse({ type: TenantDto })
  @ApiUnauthorizedResponse({ description: 'No or invalid credential' })
  get(@CurrentTenant() tenantId: string): Promise<TenantDto> {
    return this.getTenant.execute(tenantId);
  }
}
