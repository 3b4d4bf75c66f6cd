import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min, ValidateIf } from 'class-validator';

export class SetQuotaDto {
  @ApiProperty({ nullable: true, example: 5000, description: 'Deliveries per UTC day; null returns to the plan default' })
  @ValidateIf((_o, v) => v !== null)
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  dailyLimit: number | null;
}
