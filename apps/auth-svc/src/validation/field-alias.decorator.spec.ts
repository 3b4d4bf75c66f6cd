import { describe, expect, it } from '@jest/globals';
import { plainToInstance, Transform } from 'class-transformer';
import { IsOptional, IsString, validateSync } from 'class-validator';
import { FieldAlias } from './field-alias.decorator.js';

class Strict {
  @FieldAlias('refresh_token', { refuseBoth: 'always' })
  @IsString()
  refreshToken: string;
}

class Lenient {
  @FieldAlias('full_name', { refuseBoth: 'when-different' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  name?: string;
}

function check<T extends object>(cls: new () => T, body: Record<string, unknown>) {
  const dto = plainToInstance(cls, body);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  return { dto, fields: errors.map((e) => e.property).sort() };
}

describe('FieldAlias', () => {
  it('moves the alias value onto the canonical property, which validates it', () => {
    expect(check(Strict, { refresh_token: 'abc' })).toMatchObject({ dto: { refreshToken: 'abc' }, fields: [] });
    expect(check(Strict, { refreshToken: 'abc' })).toMatchObject({ dto: { refreshToken: 'abc' }, fields: [] });
    expect(check(Strict, { refresh_token: 42 }).fields).toEqual(['refreshToken']);
  });

  it('refuses neither, and both spellings when told to always', () => {
    expect(check(Strict, {}).fields).toEqual(['refreshToken']);
    expect(check(Strict, { refreshToken: 'abc', refresh_token: 'abc' }).fields).toEqual(['refresh_token']);
  });

  it('accepts both spellings with the same value when told to refuse only different ones', () => {
    expect(check(Lenient, { name: 'Ada', full_name: 'Ada' })).toMatchObject({ dto: { name: 'Ada' }, fields: [] });
    expect(check(Lenient, { name: 'Ada', full_name: 'Grace' }).fields).toEqual(['full_name']);
  });

  it('runs the canonical property’s other transforms on the alias value', () => {
    expect(check(Lenient, { full_name: '  Ada  ' }).dto.name).toBe('Ada');
  });

  it('still refuses unknown fields', () => {
    expect(check(Strict, { refresh_token: 'abc', refreshtoken: 'abc' }).fields).toEqual(['refreshtoken']);
  });
});
