import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PaginationQueryDto } from '#common';
import type { AuditEvent } from '../audit-event.entity.js';

export class AuditEventQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ example: 'login.failed', description: 'Only events of this type' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(/^[a-z_.]+$/)
  type?: string;
}

export class AuditEventDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'login.failed' }) type: string;
  @ApiPropertyOptional({ nullable: true, format: 'uuid', description: 'Who acted' }) actorUserId: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'uuid', description: 'Whom it concerned' }) targetUserId: string | null;
  @ApiPropertyOptional({ nullable: true }) ip: string | null;
  @ApiPropertyOptional({ nullable: true }) requestId: string | null;
  @ApiPropertyOptional({ nullable: true }) userAgent: string | null;
  @ApiProperty({ type: Object }) details: Record<string, unknown>;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;

  static from(e: AuditEvent): AuditEventDto {
    return {
      id: e.id,
      type: e.type,
      actorUserId: e.actorUserId,
      targetUserId: e.targetUserId,
      ip: e.ip,
      requestId: e.requestId,
      userAgent: e.userAgent,
      details: e.details,
      createdAt: e.createdAt,
    };
  }
}
