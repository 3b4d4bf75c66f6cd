import { PolledRevocationList, type RevocationFeed } from './revocation-list.js';

export interface RevocationFeedClientOptions {
  /** Poll every this many seconds; a revocation reaches this service within about one interval. Default 5; 0 never polls. */
  intervalSeconds?: number;
  timeoutMs?: number;
  onError?: (err: unknown) => void;
}

/**
 * Polls auth-svc's revocation feed with the internal key and keeps what it learns in memory, so
 * a request costs no network call. When auth-svc cannot be reached, what is already known stays in
 * force and tokens keep being verified offline (failing closed would take every resource service
 * down with auth-svc); `onError` reports each failed poll.
 */
export class RevocationFeedClient extends PolledRevocationList {
  constructor(feedUrl: string, internalKey: string, opts: RevocationFeedClientOptions = {}) {
    const timeoutMs = opts.timeoutMs ?? 3000;
    super((cursor) => fetchFeed(feedUrl, internalKey, cursor, timeoutMs), (opts.intervalSeconds ?? 5) * 1000, opts.onError);
  }
}

async function fetchFeed(feedUrl: string, internalKey: string, cursor: string | undefined, timeoutMs: number): Promise<RevocationFeed> {
  const url = new URL(feedUrl);
  if (cursor) url.searchParams.set('since', cursor);
  const res = await fetch(url, {
    headers: { accept: 'application/json', 'x-internal-api-key': internalKey },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`revocation feed answered HTTP ${res.status}`);
  const feed = (await res.json()) as Partial<RevocationFeed>;
  if (
    !feed ||
    typeof feed.cursor !== 'string' ||
    !Array.isArray(feed.sessions) ||
    !Array.isArray(feed.users) ||
    typeof feed.retainSeconds !== 'number'
  ) {
    throw new Error('revocation feed answer has an unexpected shape');
  }
  return {
    cursor: feed.cursor,
    sessions: feed.sessions.filter((s): s is string => typeof s === 'string'),
    users: feed.users.filter((u) => u && typeof u.id === 'string' && typeof u.before === 'number'),
    roles: (Array.isArray(feed.roles) ? feed.roles : []).filter(
      (r) => r && typeof r.id === 'string' && typeof r.before === 'number' && Array.isArray(r.roles),
    ),
    retainSeconds: feed.retainSeconds,
  };
}
