import type { KeyObject } from 'node:crypto';
import type { Principal } from '#common';
import type { RevocationList } from './revocation/revocation-list.js';

/** kid -> public KeyObject (parsed once, never a PEM string per request). */
export interface VerificationKeyResolver {
  getKey(kid: string): Promise<KeyObject | null>;
}

/** Opaque credentials (API keys, personal access tokens): who they act for, or null when not active. */
export interface CredentialIntrospector {
  introspect(token: string, hint: 'api_key' | 'personal_token'): Promise<Principal | null>;
}

export interface AuthKitOptions {
  issuer: string;
  audience: string;
  internalApiKeys: string[];
  keyResolver: VerificationKeyResolver;
  introspector?: CredentialIntrospector;
  /** Ended sessions and deactivated users, consulted for every access token (no I/O per request). */
  revocations?: RevocationList;
  /** How often the API key or personal token of each open stream is introspected again, in seconds (default 5). */
  streamRecheckSeconds?: number;
  /** Verified access tokens kept in memory (by hash) until their exp. Default 10,000; 0 disables. */
  tokenCacheSize?: number;
}

export const AUTH_KIT_OPTIONS = Symbol('AUTH_KIT_OPTIONS');
