import { createHash, randomBytes } from 'node:crypto';
import { TOPIC_TOKEN_PREFIX } from '#auth-kit';

/** `tk_` + 32 random bytes (base64url): shown once, only its SHA-256 is stored. */
export function newTopicToken(): { token: string; hash: string; prefix: string } {
  const token = `${TOPIC_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashTopicToken(token), prefix: token.slice(0, 11) };
}

/**
 * Looked up by this hash (a unique index), so no stored secret is ever compared in JS: an equality
 * lookup on a SHA-256 of 256 random bits leaks nothing usable through timing.
 */
export const hashTopicToken = (token: string) => createHash('sha256').update(token).digest('base64url');
