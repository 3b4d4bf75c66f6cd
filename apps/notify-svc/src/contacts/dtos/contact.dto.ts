import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
} from 'class-validator';
import { Exclude } from 'class-transformer';
import { PaginationQueryDto } from '#common';
import { EXTERNAL_ID_MAX, MAX_DEVICE_TOKENS } from '../contact-fields.js';
import { GROUP_KINDS, type GroupKind } from '../entities/contact.entity.js';

/**
 * A contact's fields. Format rules beyond the shape (E.164, IANA zone, BCP 47, attributes size and
 * keys, FCM tokens) live in contact-fields.ts and are applied by the use case, so the CSV import
 * shares them. In a PATCH, an absent field is kept and `null` clears it.
 */
/**
 * RAW_JSON_NOTE: free JSON members (a contact's attributes, a group's filter) are excluded from
 * class-transformer, which fails (500) on an object with an own `constructor` key, and read from
 * the parsed body as they came (RawBodyField); contact-fields.ts / audience.ts validate them.
 */
export class CreateContactDto {
  @ApiPropertyOptional({ maxLength: EXTERNAL_ID_MAX, description: "The tenant's own id for this person (unique per tenant)" })
  @IsOptional()
  @IsString()
  @MaxLength(EXTERNAL_ID_MAX)
  externalId?: string | null;

  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) name?: string | null;

  @ApiPropertyOptional({ example: 'ada@example.com', description: 'Unique per tenant (case-insensitive)' })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string | null;

  @ApiPropertyOptional({ example: '+14155550123', description: 'Stored in E.164; unique per tenant' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string | null;

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_DEVICE_TOKENS,
    description: 'FCM registration tokens (stored encrypted, never returned)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_DEVICE_TOKENS)
  @IsString({ each: true })
  deviceTokens?: string[] | null;

  @ApiPropertyOptional({ example: 'fr-CA', description: 'BCP 47 language tag' })
  @IsOptional()
  @IsString()
  locale?: string | null;

  @ApiPropertyOptional({ example: 'America/Toronto', description: 'IANA time zone' })
  @IsOptional()
  @IsString()
  timezone?: string | null;

  /** Read raw (RawBodyField), validated by checkAttributes: see RAW_JSON_NOTE. */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Free JSON object, at most 16 KB' })
  @Exclude({ toClassOnly: true })
  @Allow()
  attributes?: unknown;
}

export class UpdateContactDto extends CreateContactDto {}

/** `GET /contacts`: besides these, `attribute.<key>=<value>` parameters (see ContactsQuery). */
export class ListContactsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ description: 'Substring of name, email or phone (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Members of a static group, or contacts matching a dynamic one' })
  @IsOptional()
  @IsUUID()
  groupId?: string;

  @ApiPropertyOptional({ example: 'fr', description: 'Locale ("fr" matches "fr-CA")' }) @IsOptional() @IsString() locale?: string;
  @ApiPropertyOptional({ example: 'Europe/Paris' }) @IsOptional() @IsString() timezone?: string;
}

export class CreateGroupDto {
  @ApiProperty({ maxLength: 200 }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiPropertyOptional({ maxLength: 1000 }) @IsOptional() @IsString() @MaxLength(1000) description?: string | null;
  @ApiProperty({ enum: GROUP_KINDS }) @IsIn(GROUP_KINDS) kind: GroupKind;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Dynamic groups: {attributes?: {key: value | [values]}, locale?: tag | [tags], timezone?: zone | [zones]}',
  })
  @Exclude({ toClassOnly: true })
  @Allow()
  filter?: unknown;
}

export class UpdateGroupDto {
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional({ maxLength: 1000 }) @IsOptional() @IsString() @MaxLength(1000) description?: string | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Dynamic groups only' })
  @Exclude({ toClassOnly: true })
  @Allow()
  filter?: unknown;
}

export const MEMBERS_MAX = 1000;

export class GroupMembersDto {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: MEMBERS_MAX })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MEMBERS_MAX)
  @IsUUID('all', { each: true })
  contactIds: string[];
}
