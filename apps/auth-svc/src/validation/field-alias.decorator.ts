import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Expose, Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';

export interface FieldAliasOptions {
  /**
   * `always`: both spellings in one body are refused (credentials: exactly one of them);
   * `when-different`: refused only when the two values differ.
   */
  refuseBoth: 'always' | 'when-different';
  /** Swagger description of the alias (its type, e.g. `{ type: String }`, and example). */
  swagger?: ApiPropertyOptions;
}

/** What the alias property holds when the body also had the canonical spelling: the validator below refuses or accepts it. */
class BothSpellings {
  constructor(
    readonly canonical: unknown,
    readonly alias: unknown,
  ) {}
}

/**
 * Accepts `alias` as another spelling of the decorated property, for clients written against
 * other products' docs (`refresh_token`, `expires_at`, `full_name`). The decorated property receives
 * the alias's value before validation, so its own validators check it and the code reads one name;
 * the alias becomes a known field, so unknown fields are still refused.
 *
 * Hand-written because class-transformer and class-validator have no alias notion (`@Expose({ name })`
 * renames a field, it does not accept two spellings). Place it first, above any other `@Transform` of
 * the property: class-transformer runs a property's transforms top-down, and the others must see the
 * alias's value.
 */
export function FieldAlias(alias: string, options: FieldAliasOptions): PropertyDecorator {
  return (target: object, canonicalKey: string | symbol) => {
    const canonical = String(canonicalKey);
    applyDecorators(
      Expose(),
      Transform(({ value, obj }) => (value === undefined && Object.hasOwn(obj, alias) ? obj[alias] : value)),
    )(target, canonicalKey);
    applyDecorators(
      ApiPropertyOptional({ description: `Another spelling of \`${canonical}\`: give one of them`, ...options.swagger }),
      Transform(({ value, obj }) =>
        Object.hasOwn(obj, canonical) && obj[canonical] !== undefined ? new BothSpellings(obj[canonical], value) : value,
      ),
      ValidateBy({
        name: 'fieldAlias',
        validator: {
          validate: (value: unknown) =>
            !(value instanceof BothSpellings) || (options.refuseBoth === 'when-different' && value.canonical === value.alias),
          defaultMessage: () =>
            options.refuseBoth === 'always'
              ? `give either ${canonical} or ${alias}, not both`
              : `${alias} and ${canonical} are the same field: give one of them, or the same value in both`,
        },
      }),
    )(target, alias);
  };
}
