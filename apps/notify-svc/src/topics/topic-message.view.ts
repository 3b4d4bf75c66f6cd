import type { TopicMessageRow } from './topics.repository.js';

/** A message as subscribers and the publish answer see it (ntfy's JSON shape: times in Unix seconds). */
export function topicMessageView(topic: string, m: TopicMessageRow) {
  return {
    id: m.id,
    time: Math.floor(m.time.getTime() / 1000),
    expires: Math.floor(m.expires_at.getTime() / 1000),
    event: 'message' as const,
    topic,
    message: m.message,
    ...(m.title !== null ? { title: m.title } : {}),
    priority: m.priority,
    ...(m.tags.length ? { tags: m.tags } : {}),
    ...(m.click !== null ? { click: m.click } : {}),
    ...(m.actions ? { actions: m.actions } : {}),
  };
}

export type TopicMessageView = ReturnType<typeof topicMessageView>;

/**
 * The other events of a subscription: `open` when it starts, `keepalive` every TOPIC_KEEPALIVE,
 * `revoked` last when the credential that opened it was revoked.
 */
export const topicControlEvent = (event: 'open' | 'keepalive' | 'revoked', topic: string) => ({
  id: '',
  time: Math.floor(Date.now() / 1000),
  event,
  topic,
});
