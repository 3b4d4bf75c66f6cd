import { Inject, Injectable, Optional } from '@nestjs/common';
import passport from 'passport';
import { AppException } from '#common';
import { GoogleStateStore, type GoogleFlowRequest } from './google-state.store.js';
import { GoogleStrategy, type GoogleProfile } from './google.strategy.js';

export type { GoogleProfile } from './google.strategy.js';

type Outcome =
  | { kind: 'redirect'; url: string }
  | { kind: 'success'; profile: GoogleProfile }
  | { kind: 'fail'; message: string; status: number }
  | { kind: 'error'; error: unknown };

/**
 * Runs the Google strategy through passport.authenticate without Express: on the request object we
 * build (query + the browser-binding cookie), with a response stand-in that catches passport's
 * redirect, so the outcome (redirect, success, fail, error) comes back as a value. The use cases need
 * it as a value: a failed sign-in that began in an app is answered with a redirect to that app.
 */
@Injectable()
export class GoogleOAuthClient {
  constructor(
    @Optional() @Inject(GoogleStrategy) private readonly strategy: GoogleStrategy | null,
    private readonly stateStore: GoogleStateStore,
  ) {}

  get configured(): boolean {
    return !!this.strategy;
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
      const headers: Record<string, string> = {};
      const res = {
        statusCode: 200,
        setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value),
        end: () =>
          resolve(
            headers.location
              ? { kind: 'redirect', url: headers.location }
              : { kind: 'fail', message: 'Google sign-in was refused', status: 401 },
          ),
      };
      const done = (err: unknown, user: unknown, info: unknown, status?: number) => {
        if (err) return resolve({ kind: 'error', error: err });
        if (user) return resolve({ kind: 'success', profile: user as GoogleProfile });
        const message = (info as { message?: unknown } | undefined)?.message;
        resolve({
          kind: 'fail',
          message: typeof message === 'string' && message ? message : 'Google sign-in was refused',
          status: typeof status === 'number' ? status : 401,
        });
      };
      try {
        passport.authenticate(strategy.strategyName, { session: false }, done)(req, res, (err?: unknown) =>
          resolve({ kind: 'error', error: err }),
        );
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
