import { Acting, type Actor } from '../actors/acting.decorator.js';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { PaginationQueryDto, Public, type Page } from '#common';
import { CurrentTenant } from '#auth-kit';
import { CurrentUserId } from '../users/current-user-id.decorator.js';
import { ClientMeta, type RequestMeta } from '../audit/request-meta.decorator.js';
import { IpRateLimit } from '../throttling/ip-rate-limit.guard.js';
import { TokenPairDto, type TokenPair } from '../tokens/token-pair.js';
import { TokenService } from '../tokens/token.service.js';
import { uuidParam } from '../pipes/uuid-param.pipe.js';
import { CurrentSessionId } from './current-session.decorator.js';
import { RefreshTokenDto } from './dtos/refresh-token.dto.js';
import { SessionDto } from './dtos/session.dto.js';
import { EndSessionUseCase } from './usecases/end-session/end-session.usecase.js';
import { ListSessionsUseCase } from './usecases/list-sessions/list-sessions.usecase.js';
import { LogOutUseCase } from './usecases/log-out/log-out.usecase.js';

@ApiTags('sessions')
@Controller('auth/v1')
export class SessionsController {
  constructor(
    private readonly tokens: TokenService,
    private readonly listSessions: ListSessionsUseCase,
    private readonly logOut: LogOutUseCase,
    private readonly endSession: EndSessionUseCase,
  ) {}

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @IpRateLimit('refresh')
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair (single use; a reused token ends the session)' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ description: 'UNAUTHORIZED or TOKEN_EXPIRED' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED' })
  refresh(@Body() dto: RefreshTokenDto, @ClientMeta() meta: RequestMeta): Promise<TokenPair> {
    return this.tokens.refresh(dto.refreshToken, meta);
  }

  @Post('logout')
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'End the session of this refresh token' })
  @ApiNoContentResponse()
  @ApiUnauthorizedResponse({ description: 'Not a valid refresh token' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED' })
  logout(@Body() dto: RefreshTokenDto, @ClientMeta() meta: RequestMeta): Promise<void> {
    return this.logOut.execute(dto.refreshToken, meta);
  }

  @Get('sessions')
  @ApiBearerAuth('bearer')
  @ApiOperation({ summary: 'The caller’s live sessions, newest first' })
  @ApiOkResponse({ type: SessionDto, isArray: true })
  @ApiUnauthorizedResponse({ description: 'No or invalid credential' })
  list(
    @CurrentUserId() userId: string,
    @CurrentSessionId() currentSessionId: string | null,
    @Query() query: PaginationQueryDto,
  ): Promise<Page<SessionDto>> {
    return this.listSessions.execute(userId, currentSessionId, query);
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @ApiBearerAuth('bearer')
  @ApiOperation({ summary: 'End one of the caller’s sessions' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'Not one of the caller’s live sessions' })
  @ApiBadRequestResponse({ description: 'The id is not a UUID' })
  remove(
    @CurrentUserId() userId: string,
    @CurrentTenant() tenantId: string,
    @Param('id', uuidParam) id: string,
    @ClientMeta() meta: RequestMeta,
    @Acting() actor: Actor,
  ): Promise<void> {
    return this.endSession.execute(tenantId, userId, id, meta, actor);
  }
}
