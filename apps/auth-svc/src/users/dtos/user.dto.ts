import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ALL_ROLES, type Role } from '#common';
import type { User } from '../user.entity.js';

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) tenantId: string;
  @ApiProperty({ example: 'ada@example.com' }) email: string;
  @ApiPropertyOptional({ nullable: true }) name: string | null;
  @ApiPropertyOptional({ nullable: true }) firstName: string | null;
  @ApiPropertyOptional({ nullable: true }) lastName: string | null;
  @ApiPropertyOptional({ nullable: true }) phone: string | null;
  @ApiProperty({ enum: ALL_ROLES, isArray: true }) roles: Role[];
  @ApiProperty() isActive: boolean;
  @ApiProperty() emailVerified: boolean;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) lastLoginAt: Date | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: Date;

  static from(u: User): UserDto {
    return {
      id: u.id,
      tenantId: u.tenantId,
      email: u.email,
      name: u.name,
      firstName: u.firstName,
      lastName: u.lastName,
      phone: u.phone,
      roles: u.roles,
      isActive: u.isActive,
      emailVerified: u.emailVerified,
      lastLoginAt: u.lastLoginAt,
      createdAt: u.createdAt,
      updatedAt: u.updatedAt,
    };
  }
}
