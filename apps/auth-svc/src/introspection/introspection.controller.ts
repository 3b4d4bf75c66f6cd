import { Acting, type Actor } from '../actors/acting.decorator.js';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { RawResponse, Role } from '#common';
import { InternalOnly, Roles } from '#auth-kit';
import { ClientMeta, type RequestMeta } from '../audit/request-meta.decorator.js';
import { IntrospectionResponseDto, parseTokenRequest, TokenRequestDto } from './dtos/token-request.dto.js';
import { IntrospectTokenUseCase } from './usecases/introspect-token/introspect-token.usecase.js';
import { RevokeTokenUseCase } from './usecases/revoke-token/revoke-token.usecase.js';

@ApiTags('introspection')
@Controller('auth/v1')
export class IntrospectionController {
  constructor(
    private readonly introspectToken: IntrospectTokenUseCase,
    private readonly revokeToken: RevokeTokenUseCase,
  ) {}

  @Post('introspect')
  @HttpCode(200)
  @InternalOnly()
  @RawResponse()
  @ApiSecurity('internal-key')
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({ type: TokenRequestDto })
  @ApiOkResponse({
    type: IntrospectionResponseDto,
    description: 'RFC 7662 answer (not enveloped); `{"active": false}` when unknown or revoked',
  })
  @ApiOperation({ summary: 'RFC 7662 token introspection for services (internal API key)' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED: token missing' })
  @ApiUnauthorizedResponse({ description: 'UNAUTHORIZED: missing or wrong x-internal-api-key' })
  introspect(@Body() body: Record<string, unknown>): Promise<IntrospectionResponseDto> {
    const { token, hint } = parseTokenRequest(body);
    return this.introspectToken.execute(token, hint);
  }

  @Post('revoke')
  @HttpCode(200)
  @Roles(Role.User, Role.Organizer, Role.Admin)
  @RawResponse()
  @ApiBearerAuth('bearer')
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({ type: TokenRequestDto })
  @ApiOkResponse({ description: 'RFC 7009: empty 200, also for unknown tokens' })
  @ApiOperation({ summary: 'RFC 7009 revocation: your refresh or personal tokens; admins any credential of the tenant' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED: token missing' })
  @ApiUnauthorizedResponse({ description: 'UNAUTHORIZED: no valid user credential' })
  @ApiForbiddenResponse({ description: 'FORBIDDEN: a credential of another user of your tenant (admins only), or an API key calling' })
  async revoke(@Acting() actor: Actor, @Body() body: Record<string, unknown>, @ClientMeta() meta: RequestMeta): Promise<void> {
    const { token, hint } = parseTokenRequest(body);
    await this.revokeToken.execute(actor, token, hint, meta);
  }
}
