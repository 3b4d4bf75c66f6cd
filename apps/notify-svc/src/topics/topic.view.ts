import type { Topic, TopicAccessToken, TopicSubscription } from './entities/topic.entity.js';
import { publicPathOf } from './topic-names.js';

/** A topic as its owners see it. */
export const topicView = (t: Topic, slug: string) => ({
  name: t.name,
  visibility: t.visibility,
  description: t.description,
  publicPath: publicPathOf(slug, t.name),
  createdBy: t.created_by,
  createdAt: t.created_at,
  updatedAt: t.updated_at,
});

/** A topic token without the token itself (shown once, by the create answer only). */
export const topicTokenView = (t: TopicAccessToken, topic: string) => ({
  id: t.id,
  topic,
  name: t.name,
  accessLevel: t.access_level,
  tokenPrefix: t.token_prefix,
  expiresAt: t.expires_at,
  lastUsedAt: t.last_used_at,
  createdBy: t.created_by,
  createdAt: t.created_at,
});

export const topicSubscriptionView = (s: TopicSubscription, topic: string) => ({
  id: s.id,
  topic,
  channel: s.channel,
  to: s.recipient,
  createdBy: s.created_by,
  createdAt: s.created_at,
});
