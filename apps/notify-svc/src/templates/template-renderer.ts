import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import Handlebars from 'handlebars';
import { AppException, ErrorCode } from '#common';
import { ExpiringLruCache } from '#auth-kit';
import { TemplateCompiler } from './template-compiler.js';
import { checkTemplateSource, TEMPLATE_LIMITS } from './template-limits.js';

export type ChannelContent = Record<string, string>;

/** Where a template went wrong: the content field and a 1-based position in its source. */
export interface TemplateErrorDetail {
  field: string;
  line?: number;
  column?: number;
  message: string;
}

class RenderLimitError extends Error {}

/**
 * Handlebars in strict mode: a variable the data lacks is an error (422 at send time), never an
 * empty string. Its own environment, so no global helper can leak in. Only `html` is
 * HTML-escaped; text, SMS and push bodies are sent as written. Compiled templates are cached by
 * source, so a template version compiles once per instance.
 *
 * Nothing a tenant writes may hold the event loop: sources are checked against TEMPLATE_LIMITS
 * by a linear scan first, compiled on a worker thread (`validate`, `prepare`), and rendered with
 * a budget of `#each` iterations and output characters.
 */
@Injectable()
export class TemplateRenderer implements OnModuleDestroy {
  private readonly hbs = Handlebars.create();
  private readonly compiler = new TemplateCompiler();
  private readonly compiled = new ExpiringLruCache<HandlebarsTemplateDelegate>(5_000);
  /** The running render's budget (rendering is synchronous, so one at a time). */
  private budget: { iterations: number; chars: number } | null = null;

  constructor() {
    const each = this.hbs.helpers['each']!;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the helper's own `this` is the template context
    const self = this;
    // #each with a budget: every iteration and the characters it produces count against the render.
    this.hbs.registerHelper('each', function (this: unknown, context: unknown, options: Handlebars.HelperOptions) {
      const budget = self.budget;
      if (!budget || !options?.fn) return each.call(this, context, options);
      const fn = options.fn;
      const counted = Object.assign((ctx: unknown, opts?: Handlebars.RuntimeOptions) => {
        if (++budget.iterations > TEMPLATE_LIMITS.maxEachIterations) {
          throw new RenderLimitError(`#each ran more than ${TEMPLATE_LIMITS.maxEachIterations} times`);
        }
        const out = fn(ctx, opts);
        budget.chars += out.length;
        if (budget.chars > TEMPLATE_LIMITS.maxRenderedChars) {
          throw new RenderLimitError(`renders to more than ${TEMPLATE_LIMITS.maxRenderedChars} characters`);
        }
        return out;
      }, fn);
      return each.call(this, context, { ...options, fn: counted });
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.compiler.close();
  }

  /** Throws 400 naming the field (and the line and column) when a template breaks a limit or does not parse. */
  async validate(content: Record<string, unknown>, path: string): Promise<void> {
    for (const [field, source] of Object.entries(content)) {
      if (typeof source !== 'string') continue;
      const problem = await this.compile(source, field === 'html');
      if (problem) {
        throw AppException.validation(`Template ${path}.${field}: ${problem.message}`, [
          {
            field: `${path}.${field}`,
            messages: [problem.line ? `${problem.message} (line ${problem.line}, column ${problem.column})` : problem.message],
            line: problem.line,
            column: problem.column,
          },
        ]);
      }
    }
  }

  /** Compiles (off the event loop) what `render` will need; a stored template that no longer passes is 422. */
  async prepare(content: Record<string, unknown>): Promise<void> {
    for (const [field, source] of Object.entries(content)) {
      if (typeof source !== 'string') continue;
      const problem = await this.compile(source, field === 'html');
      if (problem) throw renderFailed({ field, ...problem });
    }
  }

  /** Renders every field; call `prepare` first (a field not compiled yet is compiled here, on this thread). */
  render(content: Record<string, unknown>, data: Record<string, unknown>): ChannelContent {
    const out: ChannelContent = {};
    for (const [field, source] of Object.entries(content)) {
      if (typeof source !== 'string') continue;
      const template = this.compiled.get(cacheKey(source, field === 'html')) ?? this.compileHere(field, source);
      this.budget = { iterations: 0, chars: 0 };
      try {
        const text = template(data, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
        if (text.length > TEMPLATE_LIMITS.maxRenderedChars) {
          throw new RenderLimitError(`renders to more than ${TEMPLATE_LIMITS.maxRenderedChars} characters`);
        }
        out[field] = text;
      } catch (err) {
        throw renderFailed(describe(field, err));
      } finally {
        this.budget = null;
      }
    }
    return out;
  }

  /** Checks the limits, then compiles on the worker and caches; returns the problem, if any. */
  private async compile(source: string, escape: boolean): Promise<{ message: string; line?: number; column?: number } | null> {
    const key = cacheKey(source, escape);
    if (this.compiled.get(key)) return null;
    const problem = checkTemplateSource(source);
    if (problem) return problem;
    const r = await this.compiler.precompile(source, { strict: true, noEscape: !escape });
    if ('error' in r) return { message: r.error, line: r.line, column: r.column };
    // The spec is JavaScript Handlebars generated from the source (it quotes every literal); turning
    // it into a function is what Handlebars.compile itself does.
    const spec = new Function(`return ${r.spec}`)() as TemplateSpecification;
    this.compiled.set(key, this.hbs.template(spec), Number.MAX_SAFE_INTEGER);
    return null;
  }

  private compileHere(field: string, source: string): HandlebarsTemplateDelegate {
    const problem = checkTemplateSource(source);
    if (problem) throw renderFailed({ field, ...problem });
    const escape = field === 'html';
    const t = this.hbs.compile(source, { strict: true, noEscape: !escape });
    this.compiled.set(cacheKey(source, escape), t, Number.MAX_SAFE_INTEGER);
    return t;
  }
}

function cacheKey(source: string, escape: boolean): string {
  return `${escape ? 'h' : 't'}:${source}`;
}

function renderFailed(detail: TemplateErrorDetail): AppException {
  return AppException.unprocessable('Template could not be rendered with the given data', [detail], ErrorCode.TEMPLATE_RENDER_FAILED);
}

/**
 * A render error as a field, a position and a sentence: Handlebars' own errors carry the tag's
 * location; anything else (a JavaScript error from inside the runtime) is not shown raw.
 */
export function describe(field: string, err: unknown): TemplateErrorDetail {
  if (err instanceof AppException) {
    const d = (err.details as TemplateErrorDetail[] | undefined)?.[0];
    return { field, message: d?.message ?? err.message };
  }
  if (err instanceof RenderLimitError) return { field, message: err.message };
  const e = err as { message?: unknown; lineNumber?: unknown; column?: unknown; name?: unknown };
  if (err instanceof Error && typeof e.lineNumber === 'number') {
    const missing = /^"([^"]{0,200})" not defined/.exec(String(e.message));
    const message = missing
      ? `"${missing[1]}" is not defined in the data`
      : String(e.message)
          .split('\n')[0]!
          .replace(/ - \d+:\d+$/, '')
          .slice(0, 300);
    return { field, line: e.lineNumber, column: typeof e.column === 'number' ? e.column + 1 : undefined, message };
  }
  if (err instanceof RangeError) return { field, message: 'the template renders to too much text' };
  return { field, message: 'the template could not be rendered with this data' };
}

/** One line for a recipient's failure reason: `field (line L, column C): message`. */
export function renderFailureReason(err: unknown): string {
  const d = err instanceof AppException ? (err.details as TemplateErrorDetail[] | undefined)?.[0] : undefined;
  if (!d) return err instanceof AppException ? err.message : 'the template could not be rendered';
  const at = d.line ? ` (line ${d.line}, column ${d.column})` : '';
  return `${d.field}${at}: ${d.message}`.slice(0, 300);
}
