import { Inject, Injectable } from '@nestjs/common';
import { AppException } from '#common';
import { AUTH_CONFIG, type AuthConfig } from '../../../config/auth-config.js';
import { GoogleOAuthClient } from '../../google-oauth.client.js';
import type { GoogleFlowRequest } from '../../google-state.store.js';

export interface StartedGoogleSignIn {
  /** Google's consent page. */
  location: string;
  /** Goes into the browser-binding cookie. */
  cookieNonce: string;
}

@Injectable()
export class StartGoogleSignInUseCase {
  private readonly allowlist: Set<string>;

  constructor(
    private readonly google: GoogleOAuthClient,
    @Inject(AUTH_CONFIG) config: AuthConfig,
  ) {
    this.allowlist = new Set(config.GOOGLE_REDIRECT_ALLOWLIST);
  }

  /** redirectUri must be one of GOOGLE_REDIRECT_ALLOWLIST exactly (open redirects hand tokens to strangers). */
  async execute(redirectUri: string | undefined): Promise<StartedGoogleSignIn> {
    if (!this.google.configured) throw AppException.unavailable('Google sign-in is not configured on this server (GOOGLE_CLIENT_ID)');
    if (redirectUri !== undefined && !this.allowlist.has(redirectUri)) {
      throw AppException.validation('redirect_uri is not a registered app URL', [
        { field: 'redirect_uri', messages: ['must be one of the URLs in GOOGLE_REDIRECT_ALLOWLIST'] },
      ]);
    }
    const req: GoogleFlowRequest = { query: {}, redirectUri: redirectUri ?? null };
    const location = await this.google.authorizationUrl(req);
    if (!req.newCookieNonce) throw AppException.unavailable('Google sign-in could not be started');
    return { location, cookieNonce: req.newCookieNonce };
  }
}
