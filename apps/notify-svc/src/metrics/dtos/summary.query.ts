import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';

export class SummaryQueryDto {
  @ApiPropertyOptional({ description: 'Start (ISO 8601); default 7 days ago' }) @IsOptional() @IsISO8601({ strict: true }) from?: string;
  @ApiPropertyOptional({ description: 'End (ISO 8601); default now' }) @IsOptional() @IsISO8601({ strict: true }) to?: string;
}
