import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** What the worker answers: the precompiled template spec (JavaScript source), or the parse error. */
export type Precompiled = { spec: string } | { error: string; line?: number; column?: number };

/** Longest one precompile may take before the worker is replaced and the template refused. */
const COMPILE_TIMEOUT_MS = 5_000;

// The worker: Handlebars' precompile, which is the costly part (parse + code generation), away from
// the event loop. An inline script, so the same code runs from TypeScript under jest and from dist/.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Handlebars = require(workerData.handlebars);
const hbs = Handlebars.create();
// Jison passes the error's location in a hash that Handlebars' default handler drops: keep it.
hbs.Parser.parseError = function (str, hash) {
  const e = new Error(str);
  e.hash = hash;
  throw e;
};
parentPort.on('message', ({ id, source, options }) => {
  try {
    parentPort.postMessage({ id, spec: String(hbs.precompile(source, options)) });
  } catch (err) {
    const e = err || {};
    const hash = e.hash && e.hash.loc ? e.hash.loc : null;
    // A parse error's message is 'Parse error on line N:', the source, a caret, then 'Expecting …, got …'.
    const lines = String(e.message || e).split('\\n');
    parentPort.postMessage({
      id,
      error: (lines.length > 1 ? lines[lines.length - 1] : lines[0]).slice(0, 300),
      line: e.lineNumber || (hash ? hash.first_line : undefined),
      column: e.column !== undefined ? e.column + 1 : hash ? hash.first_column + 1 : undefined,
    });
  }
});
`;

/**
 * Compiles Handlebars sources on one worker thread, so that a costly template (up to the limits of
 * template-limits.ts) never holds the event loop other tenants' requests run on. Hand-written
 * rather than piscina/tinypool: those load the worker from a file, and this service's sources are
 * TypeScript under jest; one worker with a queue and a timeout is all this needs.
 */
export class TemplateCompiler {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Precompiled) => void; timer: NodeJS.Timeout }>();
  private readonly handlebarsPath = createRequire(import.meta.url).resolve('handlebars');

  precompile(source: string, options: Record<string, unknown>): Promise<Precompiled> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<Precompiled>((resolve) => {
      const timer = setTimeout(() => {
        // Too slow: start over with a fresh worker (the ones waiting behind it are refused too).
        this.pending.delete(id);
        resolve({ error: 'the template is too complex to compile' });
        this.restart();
      }, COMPILE_TIMEOUT_MS);
      timer.unref();
      this.pending.set(id, { resolve, timer });
      worker.postMessage({ id, source, options });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ error: 'the service is stopping' });
    }
    this.pending.clear();
    await w?.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { handlebars: this.handlebarsPath } });
    w.unref();
    w.on('message', (m: { id: number } & Precompiled) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      p.resolve(m);
    });
    const fail = (why: string) => {
      if (this.worker !== w) return;
      this.worker = null;
      for (const [, p] of this.pending) {
        clearTimeout(p.timer);
        p.resolve({ error: why });
      }
      this.pending.clear();
    };
    w.on('error', () => fail('the template could not be compiled'));
    w.on('exit', () => fail('the template could not be compiled'));
    this.worker = w;
    return w;
  }

  private restart(): void {
    const w = this.worker;
    this.worker = null;
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ error: 'the template could not be compiled in time' });
    }
    this.pending.clear();
    void w?.terminate();
  }
}
