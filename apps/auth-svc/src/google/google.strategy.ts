import { PassportStrategy } from '@nestjs/passport';
import passport from 'passport';
import GoogleOAuth from 'passport-google-oauth20';
import type { AuthConfig } from '../config/auth-config.js';
import type { GoogleStateStore } from './google-state.store.js';

export interface GoogleProfile {
  /** Google's stable account id (`sub`). */
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  firstName: string | null;
  lastName: string | null;
}

let instances = 0;
const NO_GLOBAL_REGISTRATION = { use: () => NO_GLOBAL_REGISTRATION } as unknown as typeof passport;

/**
 * passport-google-oauth20 with PKCE (S256) and our state store. Registered under a name of its own
 * (`google`, numbered after the first) so two auth-svc apps in one process (tests) never share one.
 * Built only when GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET are set (see GoogleModule).
 */
export class GoogleStrategy extends PassportStrategy(GoogleOAuth.Strategy) {
  readonly strategyName: string;

  constructor(config: AuthConfig, stateStore: GoogleStateStore) {
    const base = (config.AUTH_PUBLIC_URL ?? config.AUTH_ISSUER).replace(/\/+$/, '');
    super({
      clientID: config.GOOGLE_CLIENT_ID!,
      clientSecret: config.GOOGLE_CLIENT_SECRET!,
      callbackURL: config.GOOGLE_CALLBACK_URL ?? `${base}/auth/v1/google/callback`,
      authorizationURL: config.GOOGLE_AUTH_URL,
      tokenURL: config.GOOGLE_TOKEN_URL,
      userProfileURL: config.GOOGLE_USERINFO_URL,
      scope: ['openid', 'email', 'profile'],
      pkce: true,
      state: true,
      store: stateStore as never,
    } as GoogleOAuth.StrategyOptions);
    instances++;
    this.strategyName = instances === 1 ? 'google' : `google-${instances}`;
    passport.use(this.strategyName, this);
  }

  getPassportInstance(): typeof passport {
    return NO_GLOBAL_REGISTRATION;
  }

  validate(_accessToken: string, _refreshToken: string, profile: GoogleOAuth.Profile): GoogleProfile {
    return toProfile(profile);
  }
}

function toProfile(p: GoogleOAuth.Profile): GoogleProfile {
  const raw = (p._json ?? {}) as Record<string, unknown>;
  const email = p.emails?.[0]?.value ?? (typeof raw.email === 'string' ? raw.email : null);
  const verified = p.emails?.[0]?.verified ?? raw.email_verified;
  return {
    subject: p.id ? String(p.id) : '',
    email: email ? email.trim().toLowerCase() : null,
    // Google sends a boolean; some compatible providers send the string "true".
    emailVerified: verified === true || verified === 'true',
    name: p.displayName || null,
    firstName: p.name?.givenName || null,
    lastName: p.name?.familyName || null,
  };
}
