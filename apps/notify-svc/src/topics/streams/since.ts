import { AppException } from '#common';

/** Where a subscription starts: only new messages, or the retained ones from a point on. */
export type SinceSpec = { kind: 'new' } | { kind: 'all' } | { kind: 'latest' } | { kind: 'time'; time: Date } | { kind: 'id'; id: string };

const DURATION = /^(\d{1,9})([smhd])$/;
const UNIX = /^\d{1,12}$/;
const MESSAGE_ID = /^[a-z2-7]{12}$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * `since=` as ntfy reads it: `all`, `latest`, a duration (`10m`), a Unix time, or a message id.
 * Last-Event-ID (an SSE reconnect) wins over it. Absent: new messages only (poll: all).
 */
export function parseSince(since: string | undefined, lastEventId: string | undefined, poll: boolean): SinceSpec {
  if (lastEventId !== undefined) {
    if (!MESSAGE_ID.test(lastEventId)) {
      throw AppException.validation('Last-Event-ID is not a message id of this topic', [
        { field: 'Last-Event-ID', messages: ['must be a message id'] },
      ]);
    }
    return { kind: 'id', id: lastEventId };
  }
  if (since === undefined || since === '') return poll ? { kind: 'all' } : { kind: 'new' };
  if (since === 'all') return { kind: 'all' };
  if (since === 'latest') return { kind: 'latest' };
  const d = DURATION.exec(since);
  if (d) return { kind: 'time', time: new Date(Date.now() - Number(d[1]) * UNIT_SECONDS[d[2]!]! * 1000) };
  if (UNIX.test(since)) return { kind: 'time', time: new Date(Number(since) * 1000) };
  if (MESSAGE_ID.test(since)) return { kind: 'id', id: since };
  throw AppException.validation('since must be all, latest, a duration (10m), a Unix time or a message id', [
    { field: 'since', messages: ['must be all, latest, a duration (e.g. 10m), a Unix time or a message id'] },
  ]);
}
