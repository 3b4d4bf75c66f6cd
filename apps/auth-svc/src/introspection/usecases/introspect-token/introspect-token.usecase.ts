import { Injectable } from '@nestjs/common';
import { JwtCredentialChecker } from '../../jwt-credential.checker.js';
import { LocalCredentialIntrospector } from '../../local-credential.introspector.js';
import type { IntrospectionResponseDto, TokenTypeHint } from '../../dtos/token-request.dto.js';

const INACTIVE: IntrospectionResponseDto = Object.freeze({ active: false }) as IntrospectionResponseDto;

/** RFC 7662: what a credential is and whom it acts for, or just `active: false`. */
@Injectable()
export class IntrospectTokenUseCase {
  constructor(
    private readonly opaque: LocalCredentialIntrospector,
    private readonly jwts: JwtCredentialChecker,
  ) {}

  async execute(token: string, hint?: TokenTypeHint): Promise<IntrospectionResponseDto> {
    if (token.startsWith('nk_') || token.startsWith('pat_')) {
      const v = await this.opaque.verify(token);
      if (!v) return INACTIVE;
      if (v.kind === 'api_key') {
        const k = v.key;
        return {
          active: true,
          token_type: 'api_key',
          sub: k.id,
          tenantId: k.tenantId,
          roles: [],
          scope: k.scopes.join(' '),
          ...(k.expiresAt !== undefined ? { exp: k.expiresAt } : {}),
          iat: k.issuedAt,
          client_id: k.id,
          planTier: k.planTier,
        };
      }
      const t = v.token;
      return {
        active: true,
        token_type: 'personal_token',
        sub: t.userId,
        tenantId: t.tenantId,
        roles: t.roles,
        exp: t.expiresAt,
        iat: t.issuedAt,
        client_id: t.id,
        planTier: t.planTier,
        email: t.email,
      };
    }
    const jwt = await this.jwts.active(token, hint === 'refresh_token');
    if (!jwt) return INACTIVE;
    return {
      active: true,
      token_type: jwt.kind,
      sub: jwt.sub,
      tenantId: jwt.tenantId,
      roles: jwt.roles,
      exp: jwt.exp,
      iat: jwt.iat,
      client_id: jwt.jti,
      planTier: jwt.planTier,
      ...(jwt.email ? { email: jwt.email } : {}),
    };
  }
}
