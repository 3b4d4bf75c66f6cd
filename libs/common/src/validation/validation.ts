import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { AppException } from '../errors/app.exception.js';
import { cacheValidationMetadata } from './validation-metadata-cache.js';

export interface FieldError {
  field: string;
  messages: string[];
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    if (e.constraints) out.push({ field, messages: Object.values(e.constraints) });
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

/**
 * The path of the first string (value or key) holding a NUL character, or null. PostgreSQL cannot
 * store NUL in text, so such input would otherwise fail deep in a query as a 500. Bodies are at most
 * MAX_JSON_DEPTH deep (the JSON parser refuses deeper ones); the bound here only guards other callers.
 */
export function findNul(value: unknown, path = '', depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\0') ? path || '(value)' : null;
  if (value === null || typeof value !== 'object' || depth > 64) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNul(value[i], `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return null;
  }
  for (const [key, v] of Object.entries(value)) {
    const field = path ? `${path}.${key}` : key;
    if (key.includes('\0')) return field;
    const found = findNul(v, field, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * Nest's ValidationPipe, plus two rules: no NUL in any string of a body, query or path parameter,
 * and a body bound to a DTO class is a JSON object.
 */
class AppValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Nest validates a null or primitive body as an empty object (all-optional DTOs pass) and then
    // hands the handler the null, so `PATCH /me` with `null` answered 200; an array was validated
    // as the array. A missing body (undefined: no content-type) keeps Nest's meaning, an empty DTO.
    if (metadata.type === 'body' && !metadata.data && value !== undefined && !isPlainObject(value) && this.toValidate(metadata)) {
      throw AppException.validation('The body must be a JSON object', [
        { field: 'body', messages: ['must be a JSON object'] },
      ] satisfies FieldError[]);
    }
    if (metadata.type !== 'custom') {
      const field = findNul(value, typeof value === 'string' ? (metadata.data ?? '') : '');
      if (field) {
        throw AppException.validation(`Invalid request: ${field}`, [
          { field, messages: ['must not contain NUL (\\u0000) characters'] },
        ] satisfies FieldError[]);
      }
    }
    return super.transform(value, metadata);
  }
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whitelist, reject unknown fields, transform to DTO classes; errors name every field. */
export function createValidationPipe(): ValidationPipe {
  cacheValidationMetadata();
  return new AppValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const details = flattenValidationErrors(errors);
      return AppException.validation(`Invalid request: ${details.map((d) => d.field).join(', ')}`, details);
    },
  });
}
