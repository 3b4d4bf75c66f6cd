import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { DirectRoute } from '#common';
import { InternalOnly } from '#auth-kit';
import { AuditEventType } from '../audit/audit-event-types.js';
import { AuditService } from '../audit/audit.service.js';
import { ClientMeta, type RequestMeta } from '../audit/request-meta.decorator.js';
import type { AuthConfig } from '../config/auth-config.js';
import { RotationResultDto } from './dtos/rotation-result.dto.js';
import { SigningKeyStore } from './signing-key.store.js';

@ApiTags('keys')
@Controller()
export class KeysController {
  constructor(
    private readonly keys: SigningKeyStore,
    private readonly audit: AuditService,
  ) {}

  @Post('auth/v1/admin/keys/rotate')
  @InternalOnly()
  @HttpCode(200)
  @ApiSecurity('internal-key')
  @ApiOperation({ summary: 'Replace the signing key now (internal API key); the old key stays published until its tokens expire' })
  @ApiOkResponse({ type: RotationResultDto })
  @ApiUnauthorizedResponse({ description: 'Missing or wrong x-internal-api-key' })
  async rotate(@ClientMeta() meta: RequestMeta): Promise<RotationResultDto> {
    const result = await this.keys.rotate();
    await this.audit.record({ type: AuditEventType.KeyRotated, meta, details: { ...result, trigger: 'api' } });
    return result;
  }
}

export function discoveryDocument(config: AuthConfig) {
  const base = (config.AUTH_PUBLIC_URL ?? config.AUTH_ISSUER).replace(/\/+$/, '');
  return {
    issuer: config.AUTH_ISSUER,
    jwks_uri: `${base}/.well-known/jwks.json`,
    token_endpoint: `${base}/auth/v1/refresh`,
    userinfo_endpoint: `${base}/auth/v1/me`,
    introspection_endpoint: `${base}/auth/v1/introspect`,
    revocation_endpoint: `${base}/auth/v1/revoke`,
    registration_endpoint: `${base}/auth/v1/signup`,
    end_session_endpoint: `${base}/auth/v1/logout`,
    grant_types_supported: ['password', 'refresh_token'],
    response_types_supported: ['token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['none'],
    introspection_endpoint_auth_methods_supported: ['internal_api_key'],
    claims_supported: ['iss', 'aud', 'sub', 'exp', 'iat', 'jti', 'sid', 'tenantId', 'email', 'roles', 'planTier'],
  };
}

/**
 * JWKS and discovery are public, static and on every resource server's hot path, so Fastify
 * answers them directly (see DirectRoute in #common), pre-serialised, with cache headers.
 */
export function wellKnownRoutes(keys: SigningKeyStore, config: AuthConfig): DirectRoute[] {
  const discovery = JSON.stringify(discoveryDocument(config));
  return [
    {
      url: '/.well-known/jwks.json',
      tag: 'keys',
      quiet: true, // every resource service refetches it on a timer
      summary: 'Public signing keys (RFC 7517); retired keys stay until their tokens have expired',
      handler: (_req, reply) =>
        reply
          .header('content-type', 'application/jwk-set+json; charset=utf-8')
          // Short: after a rotation, resource servers refetch on an unknown kid and must not get a stale copy for long.
          .header('cache-control', 'public, max-age=60, stale-while-revalidate=30')
          .send(keys.jwksJson()),
    },
    {
      url: '/.well-known/openid-configuration',
      tag: 'keys',
      summary: 'OpenID Connect discovery document',
      handler: (_req, reply) =>
        reply.header('content-type', 'application/json; charset=utf-8').header('cache-control', 'public, max-age=3600').send(discovery),
    },
  ];
}
