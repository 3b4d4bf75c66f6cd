import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

/** The content shapes a template holds per channel (`CHANNEL_REGISTRY[channel].contentDto`). */
const TEXT_MAX = 100_000;

export class EmailContentDto {
  @ApiProperty({ example: 'Welcome, {{name}}' }) @IsString() @MinLength(1) @MaxLength(1000) subject: string;
  @ApiPropertyOptional({ example: 'Hello {{name}}' }) @IsOptional() @IsString() @MaxLength(TEXT_MAX) text?: string;
  @ApiPropertyOptional({ example: '<p>Hello {{name}}</p>' }) @IsOptional() @IsString() @MaxLength(TEXT_MAX) html?: string;
}
export class TextContentDto {
  @ApiProperty({ example: 'Your code is {{code}}' }) @IsString() @MinLength(1) @MaxLength(4000) text: string;
}
export class PushContentDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(500) title: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(4000) body: string;
}
export class InAppContentDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) title?: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(TEXT_MAX) body: string;
}
export class WebhookContentDto {
  @ApiProperty({ description: 'Body posted to the URL (a template; usually JSON)' })
  @IsString()
  @MinLength(1)
  @MaxLength(TEXT_MAX)
  body: string;
}
