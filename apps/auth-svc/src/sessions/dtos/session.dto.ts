import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Session } from '../session.entity.js';

export class SessionDto {
  @ApiProperty({ format: 'uuid', description: 'The `sid` of the session’s refresh tokens' }) id: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time' }) lastUsedAt: Date;
  @ApiProperty({ type: String, format: 'date-time', description: 'Ends unless refreshed before' }) expiresAt: Date;
  @ApiProperty({ type: String, format: 'date-time', description: 'Ends at the latest' }) absoluteExpiresAt: Date;
  @ApiPropertyOptional({ nullable: true }) userAgent: string | null;
  @ApiPropertyOptional({ nullable: true }) ip: string | null;
  @ApiProperty({ example: 'password' }) method: string;
  @ApiProperty({ description: 'The session of the access token making this call' }) current: boolean;

  static from(s: Session, currentSessionId: string | null): SessionDto {
    return {
      id: s.id,
      createdAt: s.createdAt,
      lastUsedAt: s.lastUsedAt,
      expiresAt: s.expiresAt,
      absoluteExpiresAt: s.absoluteExpiresAt,
      userAgent: s.userAgent,
      ip: s.ip,
      method: s.method,
      current: s.id === currentSessionId,
    };
  }
}
