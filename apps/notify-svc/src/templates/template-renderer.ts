import { Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { AppException, ErrorCode } from '#common';
import { ExpiringLruCache } from '#auth-kit';

export type ChannelContent = Record<string, string>;

/**
 * Handlebars in strict mode: a variable the data lacks is an error (422 at send time), never an
 * empty string. Its own environment, so no global helper can leak in. Only `html` is
 * HTML-escaped; text, SMS and push bodies are sent as written. Compiled templates are cached by
 * source, so a template version compiles once per instance.
 */
@Injectable()
export class TemplateRenderer {
  private readonly hbs = Handlebars.create();
  private readonly compiled = new ExpiringLruCache<HandlebarsTemplateDelegate>(5_000);

  /** Throws 400 naming the field when a template does not parse. */
  validate(content: Record<string, unknown>, path: string): void {
    for (const [field, source] of Object.entries(content)) {
      if (typeof source !== 'string') continue;
      try {
        this.hbs.precompile(source, { strict: true });
      } catch (err) {
        throw AppException.validation('Template does not parse', [{ field: `${path}.${field}`, messages: [firstLine(err)] }]);
      }
    }
  }

  render(content: Record<string, unknown>, data: Record<string, unknown>): ChannelContent {
    const out: ChannelContent = {};
    for (const [field, source] of Object.entries(content)) {
      if (typeof source !== 'string') continue;
      try {
        out[field] = this.template(source, field === 'html')(data, {
          allowProtoPropertiesByDefault: false,
          allowProtoMethodsByDefault: false,
        });
      } catch (err) {
        throw AppException.unprocessable(
          'Template could not be rendered with the given data',
          [{ field, message: firstLine(err) }],
          ErrorCode.TEMPLATE_RENDER_FAILED,
        );
      }
    }
    return out;
  }

  private template(source: string, escape: boolean): HandlebarsTemplateDelegate {
    const cacheKey = `${escape ? 'h' : 't'}:${source}`;
    let t = this.compiled.get(cacheKey);
    if (!t) {
      t = this.hbs.compile(source, { strict: true, noEscape: !escape });
      this.compiled.set(cacheKey, t, Number.MAX_SAFE_INTEGER);
    }
    return t;
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300);
}
