import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import passport from 'passport';
import CustomStrategy from 'passport-custom';
import { AppException, type Principal } from '#common';
import { AUTH_KIT_OPTIONS, type AuthKitOptions } from '../auth-kit.options.js';
import { presentedCredential, type RequestWithHeaders } from '../guards/credential-headers.js';
import { rememberOpaqueCredential } from './opaque-credential.js';
import { DEFERRED_REGISTRATION, KIT_STRATEGY_NAMES, type KitStrategyNames } from './strategy-names.js';

/**
 * Opaque credentials: API keys (`X-API-Key: nk_...`) and personal access tokens
 * (`Authorization: Bearer pat_...`), answered by the kit's CredentialIntrospector (auth-svc's
 * database in auth-svc, cached RFC 7662 introspection elsewhere).
 */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(CustomStrategy) {
  constructor(
    @Inject(AUTH_KIT_OPTIONS) private readonly options: AuthKitOptions,
    @Inject(KIT_STRATEGY_NAMES) names: KitStrategyNames,
  ) {
    super();
    passport.use(names.apiKey, this);
  }

  getPassportInstance(): typeof passport {
    return DEFERRED_REGISTRATION;
  }

  async validate(req: RequestWithHeaders): Promise<Principal> {
    const presented = presentedCredential(req.headers);
    if (!presented || presented.kind === 'jwt' || presented.kind === 'topic_token') throw AppException.unauthorized();
    const hint = presented.kind;
    const what = hint === 'api_key' ? 'API key' : 'personal access token';
    if (!this.options.introspector || presented.token.length > 512) throw AppException.unauthorized(`Invalid ${what}`);
    const p = await this.options.introspector.introspect(presented.token, hint);
    // The kind must match the form it came in, so no credential can pass as another kind.
    if (!p || p.kind !== hint || !p.tenantId) throw AppException.unauthorized(`Invalid or revoked ${what}`);
    // An open stream asks again about this credential while it lasts (StreamRevocations).
    rememberOpaqueCredential(p, { token: presented.token, hint });
    return p;
  }
}
