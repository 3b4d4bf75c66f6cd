import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Role, Scope, SECURITY, type Principal } from '#common';
import { CurrentTenant, CurrentUser, Roles, Scopes } from '#auth-kit';
import { SetQuotaDto } from './dtos/quota.dto.js';
import { GetQuotaUseCase } from './usecases/get-quota/get-quota.usecase.js';
import { ListProvidersUseCase } from './usecases/list-providers/list-providers.usecase.js';
import { SetQuotaUseCase } from './usecases/set-quota/set-quota.usecase.js';

@ApiTags('admin')
@ApiBearerAuth(SECURITY.bearer)
@ApiSecurity(SECURITY.apiKey)
@Roles(Role.Admin)
@Scopes(Scope.Admin)
@Controller('notify/v1/admin')
export class AdminController {
  constructor(
    private readonly getQuotaUseCase: GetQuotaUseCase,
    private readonly setQuotaUseCase: SetQuotaUseCase,
    private readonly providers: ListProvidersUseCase,
  ) {}

  @Get('quotas/:tenantId')
  @ApiOperation({ summary: "Your tenant's daily quota, its source and today's usage" })
  getQuota(@CurrentUser() p: Principal, @Param('tenantId') tenantId: string) {
    return this.getQuotaUseCase.execute(p, tenantId);
  }

  @Put('quotas/:tenantId')
  @ApiOperation({ summary: "Override your tenant's daily quota (null: back to the plan default)" })
  setQuota(@CurrentUser() p: Principal, @Param('tenantId') tenantId: string, @Body() dto: SetQuotaDto) {
    return this.setQuotaUseCase.execute(p, tenantId, dto.dailyLimit);
  }

  @Get('providers')
  @ApiOperation({
    summary: "Each channel's providers in failover order: circuit breaker state (on this instance), 24 h counts, error rate, last error",
  })
  listProviders(@CurrentTenant() tenantId: string) {
    return this.providers.execute(tenantId);
  }
}
