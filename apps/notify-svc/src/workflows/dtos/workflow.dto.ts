import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Exclude } from 'class-transformer';
import { Allow, IsIn, IsObject, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PaginationQueryDto } from '#common';
import { CHANNELS } from '../../channels/channel-registry.js';
import { CATEGORY_KEY } from '../../deliveries/dtos/send-delivery.dto.js';
import { TEMPLATE_KEY } from '../../templates/dtos/template.dto.js';

const STEPS_DESCRIPTION =
  `In order. A channel step {type: ${CHANNELS.join('|')}, templateKey | content {subject?, body}, name?, if?}; ` +
  '{type: delay, for: "30m"} | {type: delay, until: "data.remindAt"} | {type: delay, localTime: "09:00", defaultTimezone?}; ' +
  '{type: digest, window: "10m", key?: "data.postId"}; {type: throttle, limit: 3, window: "1h", key?}. ' +
  '`if`: {step: <earlier step name>, is: seen|unseen|read|unread|sent|delivered|failed|suppressed|skipped}, ' +
  '{field: "data.amount", eq|ne|gt|gte|lt|lte|in|exists|contains: value}, {all: [...]}, {any: [...]}, {not: {...}}. ' +
  'A step without a name is called step-<n> (1-based).';

/** `steps` is free JSON checked by workflow-definition.ts (RAW_JSON_NOTE in contacts/dtos/contact.dto.ts). */
export class CreateWorkflowDto {
  @ApiProperty({ example: 'comment-digest', description: 'Unique per tenant; lowercase letters, digits, _ . -' })
  @Matches(TEMPLATE_KEY, { message: 'key must be lowercase letters, digits, _ . - (max 100)' })
  key: string;

  @ApiProperty({ maxLength: 200 }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiPropertyOptional({ maxLength: 1000 }) @IsOptional() @IsString() @MaxLength(1000) description?: string;

  @ApiPropertyOptional({
    example: 'social',
    description:
      "Preference category of its deliveries (default workflow.<key>); a user turns the workflow off with categories['workflow.<key>']",
  })
  @IsOptional()
  @Matches(CATEGORY_KEY, { message: 'category must be lowercase letters, digits, _ . - (max 64)' })
  category?: string;

  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: STEPS_DESCRIPTION })
  @Exclude({ toClassOnly: true })
  @Allow()
  steps?: unknown;
}

/** PUT: the whole definition again (a new version); the key is the path's. */
export class ReplaceWorkflowDto {
  @ApiProperty({ maxLength: 200 }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiPropertyOptional({ maxLength: 1000 }) @IsOptional() @IsString() @MaxLength(1000) description?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(CATEGORY_KEY, { message: 'category must be lowercase letters, digits, _ . - (max 64)' })
  category?: string;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: STEPS_DESCRIPTION })
  @Exclude({ toClassOnly: true })
  @Allow()
  steps?: unknown;
}

export class TriggerWorkflowDto {
  @ApiProperty({
    oneOf: [
      { type: 'object', additionalProperties: true },
      { type: 'array', items: { type: 'object', additionalProperties: true } },
    ],
    description:
      'One recipient or up to 1,000: {userId?, email?, phone?, deviceToken?, endpointId?, url?} (several addresses of one person), {contactId}, {externalId}, or {groupId} (one run per contact of the group)',
  })
  @Exclude({ toClassOnly: true })
  @Allow()
  to?: unknown;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'The payload: template variables and what conditions read as data.*',
  })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: 200, description: 'Dedupes: the same transactionId triggers a recipient once; cancel by it' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  transactionId?: string;
}

export class CancelByTransactionDto {
  @ApiProperty({ maxLength: 200 }) @IsString() @MinLength(1) @MaxLength(200) transactionId: string;
}

export const RUN_STATUSES = ['running', 'waiting', 'completed', 'cancelled', 'throttled', 'digested', 'failed'] as const;

export class ListRunsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional() @IsOptional() @Matches(TEMPLATE_KEY, { message: 'workflowKey must be a workflow key' }) workflowKey?: string;
  @ApiPropertyOptional({ enum: RUN_STATUSES }) @IsOptional() @IsIn(RUN_STATUSES) status?: string;
}
