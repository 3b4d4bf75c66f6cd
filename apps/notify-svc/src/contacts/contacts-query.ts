import { createParamDecorator, Injectable, type ExecutionContext, type PipeTransform } from '@nestjs/common';
import { createValidationPipe } from '#common';
import { parseAudienceFilter } from './audience.js';
import { attributePath, fieldError } from './contact-fields.js';
import { ListContactsQueryDto } from './dtos/contact.dto.js';
import type { AudienceFilter } from './entities/contact.entity.js';

/** What a contacts list asks for, after ContactsQueryPipe. */
export interface ContactListQuery {
  limit?: number;
  cursor?: string;
  q?: string;
  groupId?: string;
  filter: AudienceFilter;
}

const ATTRIBUTE_PREFIX = 'attribute.';
const MAX_ATTRIBUTE_PARAMS = 10;

/**
 * The raw query string of `GET /contacts`. The global pipe would refuse `attribute.<key>` names (it
 * rejects unknown fields), so this decorator hands the raw query to ContactsQueryPipe, which splits
 * the attribute parameters off and validates the rest with the usual DTO pipe.
 */
/** One member of the parsed JSON body as sent, untouched by class-transformer (see RAW_JSON_NOTE in dtos/contact.dto.ts). */
export const RawBodyField = createParamDecorator((field: string, ctx: ExecutionContext) => {
  const body = ctx.switchToHttp().getRequest<{ body?: unknown }>().body;
  return body && typeof body === 'object' && Object.hasOwn(body, field) ? (body as Record<string, unknown>)[field] : undefined;
});

export const ContactsQuery = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<{ query: unknown }>().query,
);

@Injectable()
export class ContactsQueryPipe implements PipeTransform<unknown, Promise<ContactListQuery>> {
  private readonly validation = createValidationPipe();

  async transform(raw: unknown): Promise<ContactListQuery> {
    const query = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
    const rest: Record<string, unknown> = {};
    const attributes: Record<string, string | string[]> = {};
    let count = 0;
    for (const [name, value] of Object.entries(query)) {
      if (!name.startsWith(ATTRIBUTE_PREFIX)) {
        rest[name] = value;
        continue;
      }
      if (++count > MAX_ATTRIBUTE_PARAMS) throw fieldError('attribute', `at most ${MAX_ATTRIBUTE_PARAMS} attribute parameters`);
      const values = Array.isArray(value) ? value : [value];
      if (!values.every((v): v is string => typeof v === 'string')) throw fieldError(name.slice(0, 80), 'must be a string');
      const path = name.slice(ATTRIBUTE_PREFIX.length);
      // Before it becomes a property name: `__proto__` would set the object's prototype, not a key.
      attributePath(path, name.slice(0, 80));
      Object.defineProperty(attributes, path, { value: values.length === 1 ? values[0]! : values, enumerable: true });
    }
    const dto = (await this.validation.transform(rest, { type: 'query', metatype: ListContactsQueryDto })) as ListContactsQueryDto;
    const rawFilter: Record<string, unknown> = {};
    if (count) rawFilter.attributes = attributes;
    if (dto.locale !== undefined) rawFilter.locale = dto.locale;
    if (dto.timezone !== undefined) rawFilter.timezone = dto.timezone;
    const filter = parseAudienceFilter(rawFilter, 'query', (c, path) => (c === 'attributes' ? `attribute.${path ?? ''}` : c));
    return { limit: dto.limit, cursor: dto.cursor, q: dto.q, groupId: dto.groupId, filter };
  }
}
