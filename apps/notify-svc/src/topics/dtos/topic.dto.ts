import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDateString,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { RecipientDto } from '../../deliveries/dtos/send-delivery.dto.js';
import {
  TOPIC_ACCESS_LEVELS,
  TOPIC_SUBSCRIPTION_CHANNELS,
  TOPIC_VISIBILITIES,
  type TopicAccessLevel,
  type TopicSubscriptionChannel,
  type TopicVisibility,
} from '../entities/topic.entity.js';

/** URL-safe topic names, unique per tenant. */
export const TOPIC_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export class CreateTopicDto {
  @ApiProperty({ example: 'server-alerts', description: '`[A-Za-z0-9_-]{1,64}`, unique in the tenant' })
  @IsString()
  @Matches(TOPIC_NAME, { message: 'name must be 1 to 64 of A-Z a-z 0-9 _ -' })
  name: string;

  @ApiProperty({
    enum: TOPIC_VISIBILITIES,
    description: 'public: anyone may read it at its publicPath; publishing always needs a credential',
  })
  @IsIn(TOPIC_VISIBILITIES)
  visibility: TopicVisibility;

  @ApiPropertyOptional({ example: 'Alerts from the production servers' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class UpdateTopicDto {
  @ApiPropertyOptional({ enum: TOPIC_VISIBILITIES }) @IsOptional() @IsIn(TOPIC_VISIBILITIES) visibility?: TopicVisibility;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @MaxLength(500) description?: string | null;
}

export class CreateTopicTokenDto {
  @ApiProperty({ example: 'grafana' }) @IsString() @MinLength(1) @MaxLength(100) name: string;
  @ApiProperty({ enum: TOPIC_ACCESS_LEVELS }) @IsIn(TOPIC_ACCESS_LEVELS) accessLevel: TopicAccessLevel;
  @ApiPropertyOptional({ description: 'ISO 8601; the token is refused after it' }) @IsOptional() @IsDateString() expiresAt?: string;
}

export class TopicActionDto {
  @ApiProperty({ enum: ['view', 'http'] }) @IsIn(['view', 'http']) action: 'view' | 'http';
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(100) label: string;
  @ApiProperty() @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }) @MaxLength(2048) url: string;
  @ApiPropertyOptional({ enum: ['GET', 'POST', 'PUT', 'DELETE'] }) @IsOptional() @IsIn(['GET', 'POST', 'PUT', 'DELETE']) method?: string;
}

/** The JSON form of a publish (a plain-text body is the message itself, with the ntfy-style headers). */
export class PublishTopicMessageDto {
  @ApiProperty({ example: 'Server is down!' }) @IsString() @MinLength(1) message: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(250) title?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 5, default: 3 }) @IsOptional() @IsInt() @Min(1) @Max(5) priority?: number;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  tags?: string[];
  @ApiPropertyOptional() @IsOptional() @IsUrl({ require_protocol: true, require_tld: false }) @MaxLength(2048) click?: string;
  @ApiPropertyOptional({ example: '30m', description: 'Deliver later: a duration (30s to 3d: 90s, 30m, 2h, 1d) or a Unix time' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  delay?: string;
  @ApiPropertyOptional({ type: [TopicActionDto], maxItems: 3 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(3)
  @ValidateNested({ each: true })
  @Type(() => TopicActionDto)
  actions?: TopicActionDto[];
}

export class CreateTopicSubscriptionDto {
  @ApiProperty({ enum: TOPIC_SUBSCRIPTION_CHANNELS }) @IsIn(TOPIC_SUBSCRIPTION_CHANNELS) channel: TopicSubscriptionChannel;

  @ApiProperty({
    type: RecipientDto,
    description:
      'email: email; sms: phone; push: deviceToken; webhook: endpointId or url of a registered endpoint; userId (optional) applies that user’s preferences',
  })
  @IsObject()
  @ValidateNested()
  @Type(() => RecipientDto)
  to: RecipientDto;
}
