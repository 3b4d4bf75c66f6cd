import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { SECURITY, Idempotent } from '#common';
import { InternalOnly } from '#auth-kit';
import { RunMaintenanceUseCase } from './usecases/run-maintenance/run-maintenance.usecase.js';

/** Called by schedulers with x-internal-api-key; a user token is refused here. */
@ApiTags('jobs')
@ApiSecurity(SECURITY.internalKey)
@InternalOnly()
@Controller('notify/v1/jobs')
export class JobsController {
  constructor(private readonly maintenance: RunMaintenanceUseCase) {}

  @Post('dispatch-scheduled')
  @Idempotent()
  @HttpCode(200)
  @ApiOperation({ summary: 'Queue scheduled deliveries that are due' })
  dispatchScheduled() {
    return this.maintenance.dispatchScheduled();
  }

  @Post('retry-failed')
  @Idempotent()
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-queue failed deliveries that have attempts left' })
  retryFailed() {
    return this.maintenance.retryFailed();
  }

  @Post('purge')
  @Idempotent()
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete data older than RETENTION_DAYS and expired idempotency keys' })
  purge() {
    return this.maintenance.purge();
  }
}
