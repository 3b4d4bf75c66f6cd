import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiSecurity,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { QuietAccessLog, RawResponse } from '#common';
import { InternalOnly, type RevocationFeed } from '#auth-kit';
import { ListRevocationsUseCase } from './usecases/list-revocations/list-revocations.usecase.js';

@ApiTags('introspection')
@Controller('auth/v1/revocations')
export class RevocationsController {
  constructor(private readonly listRevocations: ListRevocationsUseCase) {}

  @Get()
  @InternalOnly()
  @RawResponse()
  @QuietAccessLog() // polled by every resource service (AUTH_REVOCATION_POLL, 5 s by default)
  @ApiSecurity('internal-key')
  @ApiQuery({ name: 'since', required: false, description: 'The `cursor` of the previous answer' })
  @ApiOperation({
    summary: 'Revocation feed for resource services (internal API key): sessions ended and users deactivated since a cursor',
  })
  @ApiOkResponse({ description: '`{cursor, sessions: [sid], users: [{id, before}], retainSeconds}` (not enveloped)' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED: malformed cursor' })
  @ApiUnauthorizedResponse({ description: 'UNAUTHORIZED: missing or wrong x-internal-api-key' })
  list(@Query('since') since?: string): Promise<RevocationFeed> {
    return this.listRevocations.execute(since);
  }
}
