import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateBy } from 'class-validator';
import { Role } from '#common';
import { resolveCountry } from '../../tenants/country.policy.js';
import { FieldAlias } from '../../validation/field-alias.decorator.js';
import { IsPassword } from '../../users/dtos/password.validator.js';
import { TokenPairDto } from '../../tokens/token-pair.js';
import { UserDto } from '../../users/dtos/user.dto.js';
import { TenantDto } from '../../tenants/dtos/tenant.dto.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class SignUpDto {
  @ApiProperty({ example: 'ada@example.com', description: 'Trimmed and lower-cased; unique' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: 8, description: 'At least 8 characters, at most 72 bytes (bcrypt limit)' })
  @IsPassword()
  password: string;

  @ApiPropertyOptional({ example: 'Ada Lovelace', description: 'Also accepted as `full_name` (AlertifyPro)' })
  @FieldAlias('full_name', { refuseBoth: 'when-different', swagger: { type: String, example: 'Ada Lovelace' } })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: 'Ada' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  firstName?: string;

  @ApiPropertyOptional({ example: 'Lovelace' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  lastName?: string;

  @ApiPropertyOptional({ example: 'Analytical Engines Ltd', description: 'Names the new tenant' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  companyName?: string;

  @ApiPropertyOptional({ example: '+44 20 7946 0958', description: 'Free-form; or give countryCode and phoneNumber instead' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(40)
  phone?: string;

  @ApiPropertyOptional({ example: '+254', description: 'Calling code; with phoneNumber it becomes the user’s E.164 phone' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Matches(/^\+?[0-9]{1,3}$/, { message: '$property must be a calling code such as +254' })
  countryCode?: string;

  @ApiPropertyOptional({ example: '712345678', description: 'National number without the calling code; needs countryCode' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Matches(/^[0-9 ().-]{2,25}$/, { message: '$property must be digits (spaces, dashes, dots and brackets allowed)' })
  phoneNumber?: string;

  @ApiPropertyOptional({ example: 'Technology', description: 'Industry sector, stored on the tenant' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  sector?: string;

  @ApiPropertyOptional({
    example: 'Kenya',
    description: 'Country of operation: an ISO 3166-1 English name, alpha-2 or alpha-3 code; stored on the tenant as alpha-2',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @ValidateBy({
    name: 'isCountry',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && resolveCountry(value) !== undefined,
      defaultMessage: () => '$property must be an ISO 3166-1 country name, alpha-2 or alpha-3 code',
    },
  })
  country?: string;

  @ApiPropertyOptional({
    enum: [Role.Admin],
    description: 'Only `admin` (NotifyHub’s default): whoever signs up creates the tenant and holds every role',
  })
  @IsOptional()
  @IsIn([Role.Admin], { message: '$property can only be admin: the first user of a new tenant holds every role' })
  role?: typeof Role.Admin;
}

export class SignUpResponseDto extends TokenPairDto {
  @ApiProperty({ type: UserDto }) user: UserDto;
  @ApiProperty({ type: TenantDto }) tenant: TenantDto;
}
