import { createParser, type EventSourceMessage } from 'eventsource-parser';

/**
 * A Server-Sent Events client for tests: a real HTTP request (fetch) read with a spec-compliant
 * parser. Events accumulate in `events`; `until` waits for a condition over them.
 */
export class SseClient {
  readonly events: EventSourceMessage[] = [];
  raw = '';
  /** Settles when the server ends the stream (or the client closes it). */
  readonly ended: Promise<void>;
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly response: Response,
    private readonly ctrl: AbortController,
  ) {
    const parser = createParser({ onEvent: (e) => this.events.push(e) });
    this.ended = (async () => {
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const text = decoder.decode(value, { stream: true });
          this.raw += text;
          parser.feed(text);
          for (const w of [...this.waiters]) w();
        }
      } catch {
        // aborted by close()
      } finally {
        for (const w of [...this.waiters]) w();
      }
    })();
  }

  /** Opens the stream; answers that are not event streams (401, 400...) are returned with their body in `raw`. */
  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const ctrl = new AbortController();
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: ctrl.signal });
    return new SseClient(res, ctrl);
  }

  get status(): number {
    return this.response.status;
  }

  /** Resolves once `check(events)` holds; rejects after `timeoutMs`, or when the stream ends first. */
  until(check: (events: EventSourceMessage[]) => boolean, timeoutMs = 5_000): Promise<EventSourceMessage[]> {
    return new Promise((resolve, reject) => {
      let ended = false;
      void this.ended.then(() => {
        ended = true;
        test();
      });
      const timer = setTimeout(() => {
        this.waiters.delete(test);
        reject(new Error(`SSE condition not met within ${timeoutMs} ms (${this.events.length} events)`));
      }, timeoutMs);
      const test = () => {
        if (check(this.events)) {
          clearTimeout(timer);
          this.waiters.delete(test);
          resolve(this.events);
        } else if (ended) {
          clearTimeout(timer);
          this.waiters.delete(test);
          reject(new Error(`SSE stream ended before the condition held (${this.events.length} events)`));
        }
      };
      this.waiters.add(test);
      test();
    });
  }

  /** The events of one type. */
  of(type: string): EventSourceMessage[] {
    return this.events.filter((e) => e.event === type);
  }

  async close(): Promise<void> {
    this.ctrl.abort();
    await this.ended;
  }
}
