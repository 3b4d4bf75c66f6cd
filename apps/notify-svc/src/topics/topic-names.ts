import { randomBytes } from 'node:crypto';

/** Random lowercase base-32 text (no look-alike 0/1/8/9), for public slugs and message ids. */
export function randomBase32(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i]! & 31];
  return out;
}

/** The public path of a topic: what an anonymous reader needs (never the tenant's id). */
export const publicPathOf = (slug: string, name: string) => `/notify/v1/t/${slug}/${name}`;

/** The live-bus topic of one notify topic (ids only travel on it). */
export const topicBusKey = (topicId: string) => `topic:${topicId}`;
/** Revoked topic tokens: their open streams end on every instance. */
export const TOPIC_TOKENS_BUS_KEY = 'topic-tokens';
