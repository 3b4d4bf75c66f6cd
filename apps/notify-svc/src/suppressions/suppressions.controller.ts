import { Body, Controller, Delete, Get, Param, Post, Query, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Scope, SECURITY, type Principal, Idempotent } from '#common';
import { CurrentUser, Scopes } from '#auth-kit';
import { CreateSuppressionDto, ListSuppressionsQueryDto } from './dtos/suppression.dto.js';
import { CreateSuppressionUseCase } from './usecases/create-suppression/create-suppression.usecase.js';
import { DeleteSuppressionUseCase } from './usecases/delete-suppression/delete-suppression.usecase.js';
import { ListSuppressionsUseCase } from './usecases/list-suppressions/list-suppressions.usecase.js';

/** A change to the list: API keys need notifications:send. */
const ChangeRoute = (summary: string) => applyDecorators(Scopes(Scope.NotificationsSend), ApiOperation({ summary }));

@ApiTags('suppressions')
@ApiBearerAuth(SECURITY.bearer)
@ApiSecurity(SECURITY.apiKey)
@Controller('notify/v1/suppressions')
export class SuppressionsController {
  constructor(
    private readonly createSuppression: CreateSuppressionUseCase,
    private readonly listSuppressions: ListSuppressionsUseCase,
    private readonly deleteSuppression: DeleteSuppressionUseCase,
  ) {}

  @Get()
  @Scopes(Scope.NotificationsRead, Scope.NotificationsSend)
  @ApiOperation({ summary: 'Suppressed addresses (users: their own)' })
  list(@CurrentUser() p: Principal, @Query() q: ListSuppressionsQueryDto) {
    return this.listSuppressions.execute(p, q);
  }

  @Post()
  @Idempotent()
  @ChangeRoute('Suppress an address (users: only their own)')
  create(@CurrentUser() p: Principal, @Body() dto: CreateSuppressionDto) {
    return this.createSuppression.execute(p, dto);
  }

  @Delete(':id')
  @ChangeRoute('Lift a suppression (users: only their own)')
  remove(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.deleteSuppression.execute(p, id);
  }
}
