import type { VerifyOptions } from 'jsonwebtoken';
import { ACCESS_TOKEN_TYP, AppException, ErrorCode, isUuid, REFRESH_TOKEN_TYP } from '#common';

/** The two JWT kinds auth-svc issues. A token of one kind never passes as the other. */
export type JwtKind = 'access' | 'refresh';

/** Allowed clock skew between auth-svc and any verifier, for `exp` and `nbf`, in seconds. */
export const CLOCK_TOLERANCE_SECONDS = 30;
const MAX_TOKEN_LENGTH = 8192;
const TYP: Record<JwtKind, string> = { access: ACCESS_TOKEN_TYP, refresh: REFRESH_TOKEN_TYP };
/**
 * Headers that point at or carry a key. auth-svc never sets them; a token bringing one is refused
 * outright rather than having the header ignored, so no verifier can be talked into following it.
 */
const KEY_BEARING_HEADERS = ['jku', 'jwk', 'x5u', 'x5c', 'x5t', 'x5t#S256', 'crit'];

export interface TokenRulesConfig {
  issuer: string;
  audience: string;
}

/** Why a token was refused. `expired` maps to TOKEN_EXPIRED, everything else to UNAUTHORIZED. */
export class TokenRejected extends Error {
  constructor(
    reason: string,
    readonly expired = false,
  ) {
    super(reason);
    this.name = 'TokenRejected';
  }

  toException(what: string): AppException {
    return this.expired
      ? AppException.unauthorized(`The ${what} has expired`, ErrorCode.TOKEN_EXPIRED)
      : AppException.unauthorized(`Invalid ${what}`);
  }

  /** jsonwebtoken's errors, and ours, as a TokenRejected. */
  static from(err: unknown): TokenRejected {
    if (err instanceof TokenRejected) return err;
    const name = (err as { name?: unknown } | null)?.name;
    if (name === 'TokenExpiredError') return new TokenRejected('expired', true);
    return new TokenRejected(err instanceof Error ? err.message : 'invalid');
  }
}

/**
 * The one set of rules for auth-svc's JWTs, applied by every verifier: the kit's passport strategy
 * (resource services, and auth-svc's own routes), auth-svc's introspection and its refresh. Header
 * checks run before any key lookup; the signature, `iss`, `aud`, `exp` and `nbf` are jsonwebtoken's
 * (through passport-jwt or @nestjs/jwt) with `verifyOptions`; claim shapes come last.
 */
export class TokenRules {
  /** For jsonwebtoken: RS256 only, our issuer and audience, the shared clock tolerance. */
  readonly verifyOptions: Readonly<VerifyOptions & { algorithms: ['RS256'] }>;

  constructor(config: TokenRulesConfig) {
    this.verifyOptions = Object.freeze({
      algorithms: ['RS256'] as ['RS256'],
      issuer: config.issuer,
      audience: config.audience,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    });
  }

  /** The `kid` to verify a token of this kind with; throws TokenRejected before any key or RSA work. */
  keyIdOf(token: unknown, kind: JwtKind): string {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw new TokenRejected('not a JWT');
    const parts = token.split('.');
    if (parts.length !== 3) throw new TokenRejected('not a JWT');
    // base64url leaves unused low bits in the last character; decoders ignore them, so without this
    // one token would have several spellings (and several cache entries, or revocation entries).
    if (!isCanonicalBase64url(parts[2]!)) throw new TokenRejected('non-canonical signature encoding');
    let header: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new TokenRejected('malformed header');
    }
    if (!header || typeof header !== 'object' || Array.isArray(header)) throw new TokenRejected('malformed header');
    if (header.alg !== 'RS256') throw new TokenRejected('algorithm not allowed');
    if (!typMatches(header.typ, kind)) throw new TokenRejected(`not a ${kind} token`);
    if (KEY_BEARING_HEADERS.some((h) => h in header)) throw new TokenRejected('key-bearing header');
    const kid = header.kid;
    if (typeof kid !== 'string' || kid.length === 0 || kid.length > 200) throw new TokenRejected('missing kid');
    return kid;
  }

  /** After the signature and registered claims: what every token of the kind must carry. */
  checkClaims(p: Record<string, unknown>, kind: JwtKind): void {
    const ok =
      typeof p.sub === 'string' &&
      p.sub.length > 0 &&
      typeof p.tenantId === 'string' &&
      typeof p.exp === 'number' &&
      typeof p.iat === 'number' &&
      typeof p.jti === 'string' &&
      (kind === 'access'
        ? Array.isArray(p.roles) && p.roles.every((r) => typeof r === 'string') && (p.sid === undefined || isUuid(p.sid))
        : isUuid(p.sid));
    if (!ok) throw new TokenRejected('missing claims');
  }
}

function typMatches(typ: unknown, kind: JwtKind): boolean {
  if (typeof typ !== 'string') return false;
  // RFC 7515 §4.1.9: "application/" may be omitted from a media type, and media types are case-insensitive.
  const t = typ.toLowerCase();
  return t === TYP[kind] || t === `application/${TYP[kind]}`;
}

function isCanonicalBase64url(s: string): boolean {
  return s.length > 0 && Buffer.from(s, 'base64url').toString('base64url') === s;
}
