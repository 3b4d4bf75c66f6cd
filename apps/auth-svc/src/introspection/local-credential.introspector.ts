import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import type { CredentialIntrospector } from '#auth-kit';
import { ApiKeyVerifier, type VerifiedApiKey } from '../api-keys/api-key.verifier.js';
import { PersonalTokenVerifier, type VerifiedPersonalToken } from '../personal-tokens/personal-token.verifier.js';
import { CredentialUsageRecorder } from './credential-usage.recorder.js';
import { parseCredential } from './opaque-credential.js';

export type VerifiedOpaque = { kind: 'api_key'; key: VerifiedApiKey } | { kind: 'personal_token'; token: VerifiedPersonalToken };

/**
 * auth-svc's own answer for API keys and personal tokens, straight from its database: used by the
 * introspection endpoint and, through AuthKitModule, by auth-svc's own routes. Every successful
 * check is recorded as a use (written in batches).
 */
@Injectable()
export class LocalCredentialIntrospector implements CredentialIntrospector {
  constructor(
    private readonly apiKeys: ApiKeyVerifier,
    private readonly personalTokens: PersonalTokenVerifier,
    private readonly usage: CredentialUsageRecorder,
  ) {}

  /** The credential's facts when it is active now; null otherwise. The format decides the kind, never the hint. */
  async verify(token: string): Promise<VerifiedOpaque | null> {
    const parsed = parseCredential(token);
    if (!parsed) return null;
    if (parsed.kind === 'api_key') {
      const key = await this.apiKeys.verify(parsed.id, parsed.secret);
      if (!key) return null;
      this.usage.apiKeyUsed(key.id);
      return { kind: 'api_key', key };
    }
    const pat = await this.personalTokens.verify(parsed.id, parsed.secret);
    if (!pat) return null;
    this.usage.personalTokenUsed(pat.id);
    return { kind: 'personal_token', token: pat };
  }

  async introspect(token: string, hint: 'api_key' | 'personal_token'): Promise<Principal | null> {
    const v = await this.verify(token);
    if (!v || v.kind !== hint) return null;
    return toPrincipal(v);
  }
}

export function toPrincipal(v: VerifiedOpaque): Principal {
  if (v.kind === 'api_key') {
    const k = v.key;
    return {
      kind: 'api_key',
      userId: null,
      tenantId: k.tenantId,
      roles: [],
      scopes: k.scopes,
      planTier: k.planTier,
      credentialId: k.id,
      ...(k.expiresAt !== undefined ? { expiresAt: k.expiresAt } : {}),
    };
  }
  const t = v.token;
  return {
    kind: 'personal_token',
    userId: t.userId,
    tenantId: t.tenantId,
    email: t.email,
    roles: t.roles,
    scopes: [],
    planTier: t.planTier,
    credentialId: t.id,
    expiresAt: t.expiresAt,
  };
}
