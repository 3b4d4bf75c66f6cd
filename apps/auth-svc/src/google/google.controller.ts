import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppException, Public } from '#common';
import { ClientMeta, type RequestMeta } from '../audit/request-meta.decorator.js';
import { AUTH_CONFIG, type AuthConfig } from '../config/auth-config.js';
import { IpRateLimit } from '../throttling/ip-rate-limit.guard.js';
import { GoogleSignInResultDto, StartGoogleSignInQueryDto } from './dtos/google.dto.js';
import { GOOGLE_STATE_COOKIE, GOOGLE_STATE_TTL_SECONDS } from './google-state.store.js';
import { CompleteGoogleSignInUseCase } from './usecases/complete-google-sign-in/complete-google-sign-in.usecase.js';
import { StartGoogleSignInUseCase } from './usecases/start-google-sign-in/start-google-sign-in.usecase.js';

const COOKIE_PATH = '/auth/v1/google';

@ApiTags('google')
@ApiServiceUnavailableResponse({ description: 'SERVICE_UNAVAILABLE: Google sign-in is not configured, or Google is unreachable' })
@Public()
@Controller('auth/v1/google')
export class GoogleController {
  private readonly secureCookie: boolean;

  constructor(
    private readonly start: StartGoogleSignInUseCase,
    private readonly complete: CompleteGoogleSignInUseCase,
    @Inject(AUTH_CONFIG) config: AuthConfig,
  ) {
    const callback = config.GOOGLE_CALLBACK_URL ?? config.AUTH_PUBLIC_URL ?? config.AUTH_ISSUER;
    this.secureCookie = callback.startsWith('https:');
  }

  @Get()
  @IpRateLimit('login')
  @ApiOperation({ summary: 'Start Google sign-in: redirects to Google (state + PKCE)' })
  @ApiFoundResponse({ description: 'Redirect to Google' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED: redirect_uri not in GOOGLE_REDIRECT_ALLOWLIST' })
  async begin(@Query() query: StartGoogleSignInQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const started = await this.start.execute(query.redirect_uri);
    reply.header('set-cookie', this.cookie(started.cookieNonce, GOOGLE_STATE_TTL_SECONDS));
    reply.header('cache-control', 'no-store');
    reply.status(302).header('location', started.location);
  }

  @Get('callback')
  @IpRateLimit('login')
  @ApiOperation({
    summary: "Google's redirect back: signs in (creating or linking the account) and returns the token pair",
    description:
      'JSON, or a 302 to the app URL given at the start with access_token, refresh_token, expires_in and token_type in the fragment.',
  })
  @ApiQuery({ name: 'code', required: false })
  @ApiQuery({ name: 'state', required: true })
  @ApiOkResponse({ type: GoogleSignInResultDto })
  @ApiFoundResponse({
    description:
      'Redirect to the app URL given at the start: tokens in the fragment, or `error` (access_denied, invalid_request, temporarily_unavailable) and `error_description`',
  })
  @ApiUnauthorizedResponse({ description: 'UNAUTHORIZED: refused at Google, or the code was not accepted' })
  @ApiForbiddenResponse({
    description: 'FORBIDDEN: missing, forged, reused or foreign-browser state; unverified email; deactivated account',
  })
  async callback(
    @Req() req: FastifyRequest,
    @Query() query: Record<string, unknown>,
    @ClientMeta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<GoogleSignInResultDto | undefined> {
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(query ?? {})) {
      if (typeof v !== 'string')
        throw AppException.validation(`Invalid query parameter ${k}`, [{ field: k, messages: ['must be given once'] }]);
      params[k] = v;
    }
    reply.header('cache-control', 'no-store');
    // The state is single use: the cookie goes whatever the outcome.
    reply.header('set-cookie', this.cookie('', 0));
    const done = await this.complete.execute(params, readCookie(req.headers.cookie, GOOGLE_STATE_COOKIE), meta);
    if ('failure' in done) {
      const fragment = new URLSearchParams({ error: done.failure.error, error_description: done.failure.description });
      reply.status(302).header('location', `${done.redirectUri}#${fragment.toString()}`);
      return undefined;
    }
    if (!done.redirectUri) return done.result;
    const fragment = new URLSearchParams({
      access_token: done.result.accessToken,
      refresh_token: done.result.refreshToken,
      expires_in: String(done.result.expiresIn),
      token_type: done.result.tokenType,
    });
    reply.status(302).header('location', `${done.redirectUri}#${fragment.toString()}`);
    return undefined;
  }

  private cookie(value: string, maxAge: number): string {
    return `${GOOGLE_STATE_COOKIE}=${value}; Max-Age=${maxAge}; Path=${COOKIE_PATH}; HttpOnly; SameSite=Lax${this.secureCookie ? '; Secure' : ''}`;
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value || undefined;
    }
  }
  return undefined;
}
