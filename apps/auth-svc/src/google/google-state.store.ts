import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { UnitOfWork } from '../database/unit-of-work.js';

/** Lifetime of a started sign-in: time enough to pick an account and consent. */
export const GOOGLE_STATE_TTL_SECONDS = 600;
export const GOOGLE_STATE_COOKIE = 'g_oauth';

/** What passport hands the state store: the in-flight sign-in, described by us, not by the client. */
export interface GoogleFlowRequest {
  query: Record<string, string>;
  /** Value of the browser-binding cookie sent with the callback. */
  cookieNonce?: string;
  /** Start: the allow-listed app URL to return to. Callback: the one recorded at the start. */
  redirectUri?: string | null;
  /** Start: the nonce to put in the browser-binding cookie. */
  newCookieNonce?: string;
  /** Callback: why the state was refused. */
  stateProblem?: string;
}

type StoreCallback = (err: Error | null, state?: string) => void;
type VerifyCallback = (err: Error | null, ok?: string | false, info?: { message: string } | Record<string, unknown>) => void;

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/**
 * passport-oauth2 state store (the PKCE form: it also keeps the code verifier). The state is
 * random, stored as a hash in PostgreSQL (any instance can finish the flow), single use (consumed by
 * DELETE .. RETURNING) and bound to the browser that started it: the callback must bring the cookie
 * whose nonce was recorded with it, so a callback URL planted in another browser is refused.
 */
@Injectable()
export class GoogleStateStore {
  constructor(private readonly uow: UnitOfWork) {}

  store(req: GoogleFlowRequest, verifier: string, _state: unknown, _meta: unknown, callback: StoreCallback): void {
    const state = randomBytes(32).toString('base64url');
    const nonce = randomBytes(32).toString('base64url');
    const db = this.uow.db;
    void db
      .rows(`DELETE FROM google_auth_states WHERE expires_at < now() - interval '1 minute'`)
      .then(() =>
        db.rows(
          `INSERT INTO google_auth_states (state_hash, browser_hash, code_verifier, redirect_uri, expires_at)
           VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
          [sha256(state), sha256(nonce), verifier, req.redirectUri ?? null, GOOGLE_STATE_TTL_SECONDS],
        ),
      )
      .then(
        () => {
          req.newCookieNonce = nonce;
          callback(null, state);
        },
        (err: Error) => callback(err),
      );
  }

  verify(req: GoogleFlowRequest, state: unknown, _meta: unknown, callback: VerifyCallback): void {
    const refuse = (why: string) => {
      req.stateProblem = why;
      callback(null, false, { message: why });
    };
    if (typeof state !== 'string' || state.length === 0 || state.length > 128) return refuse('The sign-in state is missing or malformed');
    if (!req.cookieNonce) return refuse('The sign-in was not started in this browser (state cookie missing)');
    const nonceHash = sha256(req.cookieNonce);
    void this.uow.db
      .rows<{ browser_hash: Buffer; code_verifier: string; redirect_uri: string | null; live: boolean }>(
        `DELETE FROM google_auth_states WHERE state_hash = $1
       RETURNING browser_hash, code_verifier, redirect_uri, expires_at > now() AS live`,
        [sha256(state)],
      )
      .then(
        (rows) => {
          const row = rows[0];
          if (!row) return refuse('Unknown or already used sign-in state');
          if (!row.live) return refuse('The sign-in took too long; start again');
          if (row.browser_hash.length !== nonceHash.length || !timingSafeEqual(row.browser_hash, nonceHash)) {
            return refuse('The sign-in was started in another browser');
          }
          req.redirectUri = row.redirect_uri;
          callback(null, row.code_verifier, {});
        },
        (err: Error) => callback(err),
      );
  }
}
