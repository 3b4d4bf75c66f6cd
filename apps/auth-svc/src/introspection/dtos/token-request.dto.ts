import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AppException } from '#common';

export const TOKEN_TYPE_HINTS = ['api_key', 'personal_token', 'access_token', 'refresh_token'] as const;
export type TokenTypeHint = (typeof TOKEN_TYPE_HINTS)[number];

/** RFC 7662 / RFC 7009 request: form-encoded or JSON. Documented here, parsed by parseTokenRequest. */
export class TokenRequestDto {
  @ApiProperty({ description: 'The credential: access token, refresh token, `nk_...` API key or `pat_...` personal token' })
  token: string;

  @ApiPropertyOptional({ enum: TOKEN_TYPE_HINTS, description: 'Optional; the credential’s own format decides' })
  token_type_hint?: TokenTypeHint;
}

export class IntrospectionResponseDto {
  @ApiProperty() active: boolean;
  @ApiPropertyOptional({ enum: TOKEN_TYPE_HINTS }) token_type?: string;
  @ApiPropertyOptional({ description: 'User id; for an API key, the key id' }) sub?: string;
  @ApiPropertyOptional({ format: 'uuid' }) tenantId?: string;
  @ApiPropertyOptional({ type: [String] }) roles?: string[];
  @ApiPropertyOptional({ description: 'API keys: space-separated scopes' }) scope?: string;
  @ApiPropertyOptional({ description: 'Epoch seconds; absent when the credential never expires' }) exp?: number;
  @ApiPropertyOptional() iat?: number;
  @ApiPropertyOptional({ description: 'Key, token or JWT id' }) client_id?: string;
  @ApiPropertyOptional() planTier?: string;
  @ApiPropertyOptional() email?: string;
}

const MAX_TOKEN_LENGTH = 8192;

/**
 * The two parameters of a token request. Parsed by hand rather than by a DTO class: the body may be
 * form-encoded or JSON, RFC 7662 lets clients send extra parameters, and this is the hot path.
 */
export function parseTokenRequest(body: unknown): { token: string; hint?: TokenTypeHint } {
  const b = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const token = b.token;
  const hint = b.token_type_hint;
  const problems: Array<{ field: string; messages: string[] }> = [];
  if (typeof token !== 'string' || token.length === 0) problems.push({ field: 'token', messages: ['token is required'] });
  else if (token.length > MAX_TOKEN_LENGTH)
    problems.push({ field: 'token', messages: [`token must be at most ${MAX_TOKEN_LENGTH} characters`] });
  if (hint !== undefined && typeof hint !== 'string')
    problems.push({ field: 'token_type_hint', messages: ['token_type_hint must be a string'] });
  if (problems.length) throw AppException.validation(`Invalid request: ${problems.map((p) => p.field).join(', ')}`, problems);
  // An unknown hint is ignored, as RFC 7662 §2.1 allows.
  const known = TOKEN_TYPE_HINTS.includes(hint as TokenTypeHint) ? (hint as TokenTypeHint) : undefined;
  return { token: token as string, ...(known ? { hint: known } : {}) };
}
