import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional } from 'class-validator';
import { ALL_ROLES, type Role } from '#common';

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: ALL_ROLES, isArray: true, description: 'Replaces the user’s roles' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ALL_ROLES.length)
  @IsIn(ALL_ROLES, { each: true })
  roles?: Role[];

  @ApiPropertyOptional({ description: 'false deactivates the user and ends all their sessions at once' })
  @IsOptional()
  @IsBoolean()
  isActive?: boolean;
}
