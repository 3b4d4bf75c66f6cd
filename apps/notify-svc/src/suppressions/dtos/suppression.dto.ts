import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PaginationQueryDto } from '#common';
import { CHANNELS, type Channel } from '../../channels/channel-registry.js';

export class CreateSuppressionDto {
  @ApiProperty({ enum: CHANNELS }) @IsIn(CHANNELS) channel: Channel;
  @ApiProperty({ example: 'ada@example.com', description: 'Email, phone, device token, URL or user id, by channel' })
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  address: string;
  @ApiProperty({ example: 'unsubscribed' }) @IsString() @MinLength(1) @MaxLength(500) reason: string;
}

export class ListSuppressionsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: CHANNELS }) @IsOptional() @IsIn(CHANNELS) channel?: Channel;
}
