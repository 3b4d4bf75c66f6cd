import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The transaction open on the current async path (a unit of work's ambient transaction), kept in an
 * AsyncLocalStorage that is switched off whenever no `run` is in progress.
 *
 * Why: on Node 20 an enabled AsyncLocalStorage installs async hooks that run for every promise and
 * every `process.nextTick` of the whole process, whether or not the code involved ever reads the
 * store. Measured on this machine (docs/benchmarks.md, issue 20): one enabled storage takes bare
 * Fastify from 22.8 to 29.1 µs of CPU a request and from ~35k to ~27k req/s. Most requests of these
 * services open no transaction (health, JWKS, `/me`, a cached introspection), so they should not pay
 * for it. Node switches the storage on in `run`; the last run to end switches it off again
 * (`disable()`: getStore() answers undefined until the next `run`). A timer or promise started
 * inside a run that fires after every run has ended therefore sees no transaction, which is also the
 * truth: that transaction has ended.
 */
export class AmbientTransaction<T> {
  private readonly storage = new AsyncLocalStorage<T>();
  private running = 0;

  /** The store of the run this async path is inside, if any. */
  get(): T | undefined {
    return this.storage.getStore();
  }

  /** Runs `fn` with `store` as the ambient value of every async path it starts. */
  async run<R>(store: T, fn: () => Promise<R>): Promise<R> {
    this.running++;
    try {
      return await this.storage.run(store, fn);
    } finally {
      if (--this.running === 0) this.storage.disable();
    }
  }
}
