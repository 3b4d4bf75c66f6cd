import { Inject, Injectable } from '@nestjs/common';
import GoogleOAuth from 'passport-google-oauth20';
import { AppException } from '#common';
import { AUTH_CONFIG, type AuthConfig } from '../config/auth-config.js';
import { GoogleStateStore, type GoogleFlowRequest } from './google-state.store.js';

export interface GoogleProfile {
  /** Google's stable account id (`sub`). */
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  firstName: string | null;
  lastName: string | null;
}

type Outcome =
  | { kind: 'redirect'; url: string }
  | { kind: 'success'; profile: GoogleProfile }
  | { kind: 'fail'; message: string; status: number }
  | { kind: 'error'; error: unknown };

/** The actions passport's strategy calls on the object it runs on (normally set by passport.authenticate). */
interface StrategyActions {
  redirect(url: string, status?: number): void;
  success(user: unknown, info?: unknown): void;
  fail(challenge?: unknown, status?: number): void;
  error(err: unknown): void;
  pass(): void;
  authenticate(req: unknown, options?: unknown): void;
}

/**
 * passport-google-oauth20 driven without Express: the strategy runs on a request object we build
 * (query + the browser-binding cookie), and its outcome (redirect, success, fail, error) comes
 * back as a value. State and PKCE (S256) go through GoogleStateStore.
 */
@Injectable()
export class GoogleOAuthClient {
  private readonly strategy: StrategyActions | null;

  constructor(
    @Inject(AUTH_CONFIG) config: AuthConfig,
    private readonly stateStore: GoogleStateStore,
  ) {
    if (!config.GOOGLE_CLIENT_ID || !config.GOOGLE_CLIENT_SECRET) {
      this.strategy = null;
      return;
    }
    const base = (config.AUTH_PUBLIC_URL ?? config.AUTH_ISSUER).replace(/\/+$/, '');
    this.strategy = new GoogleOAuth.Strategy(
      {
        clientID: config.GOOGLE_CLIENT_ID,
        clientSecret: config.GOOGLE_CLIENT_SECRET,
        callbackURL: config.GOOGLE_CALLBACK_URL ?? `${base}/auth/v1/google/callback`,
        authorizationURL: config.GOOGLE_AUTH_URL,
        tokenURL: config.GOOGLE_TOKEN_URL,
        userProfileURL: config.GOOGLE_USERINFO_URL,
        scope: ['openid', 'email', 'profile'],
        pkce: true,
        store: stateStore as never,
      } as GoogleOAuth.StrategyOptions,
      (_accessToken: string, _refreshToken: string, profile: GoogleOAuth.Profile, done: GoogleOAuth.VerifyCallback) =>
        done(null, toProfile(profile) as unknown as Express.User),
    ) as unknown as StrategyActions;
  }

  get configured(): boolean {
    return this.strategy !== null;
  }

  /** The URL of Google's consent page for a new sign-in (state and PKCE recorded). */
  async authorizationUrl(req: GoogleFlowRequest): Promise<string> {
    const outcome = await this.run(req);
    if (outcome.kind === 'redirect') return outcome.url;
    throw toException(outcome);
  }

  /** Finishes a sign-in from Google's redirect: state checked, code exchanged, profile read. */
  async complete(req: GoogleFlowRequest): Promise<GoogleProfile> {
    if (!req.query.code && !req.query.error)
      throw AppException.validation('Missing code', [{ field: 'code', messages: ['code is required'] }]);
    if (req.query.error) {
      // passport gives up before looking at the state; consuming it here tells us where the app waits.
      await new Promise<void>((resolve, reject) =>
        this.stateStore.verify(req, req.query.state, null, (err) => (err ? reject(err) : resolve())),
      ).catch(() => undefined);
      throw AppException.unauthorized(
        req.query.error === 'access_denied' ? 'The sign-in was cancelled at Google' : 'Google refused the sign-in',
      );
    }
    const outcome = await this.run(req);
    if (outcome.kind === 'success') return outcome.profile;
    throw toException(outcome);
  }

  private run(req: GoogleFlowRequest): Promise<Outcome> {
    const strategy = this.strategy;
    if (!strategy) return Promise.reject(AppException.unavailable('Google sign-in is not configured on this server (GOOGLE_CLIENT_ID)'));
    return new Promise<Outcome>((resolve) => {
      const run = Object.create(strategy) as StrategyActions;
      run.redirect = (url) => resolve({ kind: 'redirect', url });
      run.success = (user) => resolve({ kind: 'success', profile: user as GoogleProfile });
      run.fail = (challenge, status) => {
        const message = (challenge as { message?: unknown } | undefined)?.message;
        resolve({
          kind: 'fail',
          message: typeof message === 'string' && message ? message : 'Google sign-in was refused',
          status: status ?? 401,
        });
      };
      run.error = (error) => resolve({ kind: 'error', error });
      run.pass = () => resolve({ kind: 'fail', message: 'Google sign-in was refused', status: 401 });
      try {
        run.authenticate(req);
      } catch (error) {
        resolve({ kind: 'error', error });
      }
    });
  }
}

function toException(o: Outcome): AppException {
  if (o.kind === 'fail') return o.status === 403 ? AppException.forbidden(o.message) : AppException.unauthorized(o.message);
  if (o.kind === 'error') {
    const e = o.error as { name?: string; code?: string; oauthError?: { statusCode?: number } };
    if (e?.name === 'AuthorizationError') return AppException.unauthorized('Google refused the sign-in');
    const upstream = e?.oauthError?.statusCode;
    if (typeof upstream === 'number' && upstream >= 400 && upstream < 500) {
      return AppException.unauthorized('Google did not accept the authorization code');
    }
    if (o.error instanceof AppException) return o.error;
    return AppException.unavailable('Google sign-in is temporarily unavailable');
  }
  return AppException.unavailable('Google sign-in is temporarily unavailable');
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
