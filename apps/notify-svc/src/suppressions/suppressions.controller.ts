import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Scope, SECURITY, type Principal, Idempotent } from '#common';
import { CurrentUser, Scopes } from '#auth-kit';
import { CreateSuppressionDto, ListSuppressionsQueryDto } from './dtos/suppression.dto.js';
import { ManageSuppressionsUseCase } from './usecases/manage-suppressions/manage-suppressions.usecase.js';

@ApiTags('suppressions')
@ApiBearerAuth(SECURITY.bearer)
@ApiSecurity(SECURITY.apiKey)
@Controller('notify/v1/suppressions')
export class SuppressionsController {
  constructor(private readonly manage: ManageSuppressionsUseCase) {}

  @Get()
  @Scopes(Scope.NotificationsRead, Scope.NotificationsSend)
  @ApiOperation({ summary: 'Suppressed addresses (users: their own)' })
  list(@CurrentUser() p: Principal, @Query() q: ListSuppressionsQueryDto) {
    return this.manage.list(p, q);
  }

  @Post()
  @Idempotent()
  @Scopes(Scope.NotificationsSend)
  @ApiOperation({ summary: 'Suppress an address (users: only their own)' })
  create(@CurrentUser() p: Principal, @Body() dto: CreateSuppressionDto) {
    return this.manage.create(p, dto);
  }

  @Delete(':id')
  @Scopes(Scope.NotificationsSend)
  @ApiOperation({ summary: 'Lift a suppression (users: only their own)' })
  remove(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.manage.remove(p, id);
  }
}
