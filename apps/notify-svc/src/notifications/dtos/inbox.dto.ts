import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { PaginationQueryDto } from '#common';

export class ListInboxQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ description: 'Only unread items' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  unread?: boolean;
}

/** At least one of read, seen, archived (read implies seen). */
export class MarkNotificationDto {
  @ApiPropertyOptional({ description: 'true marks read (and seen), false marks unread' }) @IsOptional() @IsBoolean() read?: boolean;
  @ApiPropertyOptional({ description: 'true marks seen (shown to the user), false unseen' }) @IsOptional() @IsBoolean() seen?: boolean;
  @ApiPropertyOptional({ description: 'true archives, false restores' }) @IsOptional() @IsBoolean() archived?: boolean;
}
