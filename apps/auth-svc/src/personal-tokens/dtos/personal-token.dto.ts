import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { ALL_ROLES, type Role } from '#common';
import type { PersonalToken } from '../personal-token.entity.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreatePersonalTokenDto {
  @ApiProperty({ example: 'CI deploy script', maxLength: 100 })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name: string;

  @ApiProperty({ example: '2027-06-30T00:00:00Z', description: 'Required: ISO 8601, in the future, at most PAT_MAX_TTL_DAYS ahead' })
  @IsISO8601({ strict: true })
  expiresAt: string;

  @ApiPropertyOptional({ enum: ALL_ROLES, isArray: true, description: 'A subset of your roles; default: all of them' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ALL_ROLES.length)
  @ArrayUnique()
  @IsIn(ALL_ROLES, { each: true })
  roles?: Role[];
}

export class RotatePersonalTokenDto {
  @ApiPropertyOptional({ description: 'Expiry of the successor; default: the same lifetime as the old token, from now (capped)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}

export class PersonalTokenView {
  @ApiProperty({ example: 'Qm7XbP2kLw9a' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'pat_Qm7XbP2kLw9a_' }) prefix: string;
  @ApiProperty({ enum: ALL_ROLES, isArray: true, nullable: true, description: 'Null: acts with all of the user’s roles' }) roles:
    Role[] | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() expiresAt: string;
  @ApiProperty({ type: String, nullable: true, description: 'Updated within a few seconds of each use' }) lastUsedAt: string | null;
  @ApiProperty() expired: boolean;

  static of(t: PersonalToken): PersonalTokenView {
    return {
      id: t.id,
      name: t.name,
      prefix: `pat_${t.id}_`,
      roles: t.roles,
      createdAt: t.createdAt.toISOString(),
      expiresAt: t.expiresAt.toISOString(),
      lastUsedAt: t.lastUsedAt ? t.lastUsedAt.toISOString() : null,
      expired: t.expiresAt.getTime() <= Date.now(),
    };
  }
}

export class PersonalTokenWithSecretView extends PersonalTokenView {
  @ApiProperty({ description: 'The token itself (send as `Authorization: Bearer <token>`). Shown only in this response' })
  token: string;
}
