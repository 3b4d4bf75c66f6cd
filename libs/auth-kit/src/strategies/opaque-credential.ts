import type { Principal } from '#common';

/** An opaque credential (API key, personal token) as it was presented, to ask about it again. */
export interface OpaqueCredential {
  token: string;
  hint: 'api_key' | 'personal_token';
}

// Keyed by the principal object the strategy returned (the introspector's cached, frozen answer), so
// the secret is never copied onto the principal itself (principals are logged and serialised) and is
// forgotten with it.
const presented = new WeakMap<Principal, OpaqueCredential>();

/** Remembers which credential authenticated `p` (ApiKeyStrategy). */
export function rememberOpaqueCredential(p: Principal, credential: OpaqueCredential): void {
  presented.set(p, credential);
}

/** The credential that authenticated `p`, when it was an API key or personal token. */
export function opaqueCredentialOf(p: Principal): OpaqueCredential | undefined {
  return presented.get(p);
}
