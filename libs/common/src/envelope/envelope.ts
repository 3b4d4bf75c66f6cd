import type { ErrorBody } from '../errors/app.exception.js';
import type { ResponseMeta } from '../http/request-context.js';

export interface PageInfo {
  next_cursor: string | null;
  has_more: boolean;
  limit: number;
}

export interface Envelope<T> {
  data: T | null;
  error: ErrorBody | null;
  page?: PageInfo;
  meta: ResponseMeta;
}

/** Returned by a handler that lists: the interceptor puts `items` in `data` and the rest in `page`. */
export class Page<T> {
  constructor(
    readonly items: T[],
    readonly nextCursor: string | null,
    readonly limit: number,
  ) {}

  map<U>(fn: (item: T) => U): Page<U> {
    return new Page(this.items.map(fn), this.nextCursor, this.limit);
  }
}
