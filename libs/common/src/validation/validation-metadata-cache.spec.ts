import { describe, expect, it } from '@jest/globals';
import 'reflect-metadata';
import { IsEmail, IsInt, IsOptional, IsString, MaxLength, Min, ValidateNested, getMetadataStorage, validate } from 'class-validator';
import { Type } from 'class-transformer';
import { cacheValidationMetadata } from './validation-metadata-cache.js';

class Base {
  @IsString()
  @MaxLength(5)
  name!: string;
}

class Address {
  @IsEmail()
  email!: string;
}

class Child extends Base {
  @IsInt()
  @Min(1, { groups: ['strict'] })
  count!: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => Address)
  to?: Address;
}

const make = (v: Partial<Child> & { to?: Partial<Address> }) =>
  Object.assign(new Child(), v, v.to ? { to: Object.assign(new Address(), v.to) } : {});
const fields = async (v: Child, groups?: string[]) =>
  (await validate(v, { groups })).flatMap((e) => [e.property, ...(e.children ?? []).map((c) => `${e.property}.${c.property}`)]).sort();

describe('cacheValidationMetadata', () => {
  it('answers what class-validator itself answers: own, inherited, grouped and nested rules', async () => {
    const storage = getMetadataStorage();
    const before = {
      own: storage.getTargetValidationMetadatas(Child, '', false, false),
      strict: storage.getTargetValidationMetadatas(Child, '', false, false, ['strict']),
      base: storage.getTargetValidationMetadatas(Base, '', false, false),
    };
    const bad = make({ name: 'too long', count: 0, to: { email: 'nope' } });
    const beforeErrors = [await fields(bad), await fields(bad, ['strict'])];

    cacheValidationMetadata();
    cacheValidationMetadata(); // once per process, however many apps start

    expect(storage.getTargetValidationMetadatas(Child, '', false, false)).toEqual(before.own);
    expect(storage.getTargetValidationMetadatas(Child, '', false, false, ['strict'])).toEqual(before.strict);
    expect(storage.getTargetValidationMetadatas(Base, '', false, false)).toEqual(before.base);
    // The inherited rule is there, the grouped one only for its group.
    expect(before.own.map((m) => m.propertyName)).toContain('name');
    expect(before.strict.length).not.toEqual(before.own.length);
    expect([await fields(bad), await fields(bad, ['strict'])]).toEqual(beforeErrors);
    expect(beforeErrors[0]).toEqual(['count', 'name', 'to', 'to.email']);
    expect(await fields(make({ name: 'ok', count: 3, to: { email: 'a@example.com' } }))).toEqual([]);
  });

  it('keeps one answer per class and options', () => {
    cacheValidationMetadata();
    const storage = getMetadataStorage();
    const a = storage.getTargetValidationMetadatas(Child, '', false, false);
    expect(storage.getTargetValidationMetadatas(Child, '', false, false)).toBe(a);
    expect(storage.getTargetValidationMetadatas(Child, '', true, false)).not.toBe(a);
    expect(storage.groupByPropertyName(a)).toBe(storage.groupByPropertyName(a));
  });
});
