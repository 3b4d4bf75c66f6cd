import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';

export const GENERIC_RECEIPT_TYPES = ['delivered', 'bounced', 'failed', 'complained', 'unsubscribed'] as const;

/**
 * The receipt a generic provider posts to /notify/v1/webhooks/generic, signed per Standard Webhooks
 * with RECEIPTS_WEBHOOK_SECRET. The message is named by the provider's id (what the send returned)
 * or by the delivery id (sent to the provider as the idempotency key).
 */
export class GenericReceiptDto {
  @ApiProperty({ enum: GENERIC_RECEIPT_TYPES }) @IsIn(GENERIC_RECEIPT_TYPES) type: (typeof GENERIC_RECEIPT_TYPES)[number];

  @ApiPropertyOptional({ example: 'msg_01HZX…' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  providerMessageId?: string;

  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() deliveryId?: string;

  @ApiPropertyOptional({ example: '550 5.1.1 mailbox unavailable' }) @IsOptional() @IsString() @MaxLength(500) reason?: string;

  @ApiPropertyOptional({ description: 'bounced: a hard bounce (default true) suppresses the address; false is a soft bounce (failed)' })
  @IsOptional()
  @IsBoolean()
  hard?: boolean;
}
