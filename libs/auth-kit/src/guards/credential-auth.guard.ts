import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppException } from '#common';
import { presentedCredential, type RequestWithHeaders } from './credential-headers.js';
import { InternalApiKeyGuard } from './internal-api-key.guard.js';
import { ApiKeyAuthGuard, JwtAuthGuard } from './jwt-auth.guard.js';
import { routeAuth } from './route-auth.js';

/**
 * Global authentication: every route needs a credential unless @Public. Chooses the guard by what
 * the request brings: an access token goes to JwtAuthGuard, an API key or personal token to
 * ApiKeyAuthGuard. Only the internal key opens @InternalOnly routes, and it opens nothing else.
 */
@Injectable()
export class CredentialAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly internalKey: InternalApiKeyGuard,
    private readonly jwt: JwtAuthGuard,
    private readonly apiKey: ApiKeyAuthGuard,
  ) {}

  // Not async: a cached access token is answered synchronously, without a promise per request.
  canActivate(ctx: ExecutionContext): boolean | Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const route = routeAuth(this.reflector, ctx);
    if (route.internalOnly) return this.internalKey.canActivate(ctx);
    if (route.isPublic) return true;
    const presented = presentedCredential(ctx.switchToHttp().getRequest<RequestWithHeaders>().headers);
    if (!presented) throw AppException.unauthorized();
    // Topic routes are @Public and check their tokens themselves; everywhere else a topic token opens nothing.
    if (presented.kind === 'topic_token') throw AppException.forbidden('A topic token opens only its own topic');
    if (presented.kind === 'jwt') return this.jwt.activate(ctx, presented.token);
    // AuthGuard's canActivate is declared as CanActivate's union; it always returns a Promise<boolean>.
    return this.apiKey.canActivate(ctx) as Promise<boolean>;
  }
}
