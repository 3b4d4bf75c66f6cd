import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, IsString, IsUrl, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';

export class PushSubscriptionKeysDto {
  @ApiProperty({ description: "The browser's P-256 public key, base64url (PushSubscription.getKey('p256dh'))" })
  @IsString()
  @MaxLength(200)
  p256dh: string;

  @ApiProperty({ description: 'The 16-byte authentication secret, base64url' })
  @IsString()
  @MaxLength(100)
  auth: string;
}

/** The browser's `PushSubscription.toJSON()`, as it comes. */
export class CreatePushSubscriptionDto {
  @ApiProperty({
    example: 'https://fcm.googleapis.com/fcm/send/abc…',
    description: 'The push service URL (https; private addresses refused)',
  })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2048)
  endpoint: string;

  @ApiProperty({ type: PushSubscriptionKeysDto })
  @IsObject()
  @ValidateNested()
  @Type(() => PushSubscriptionKeysDto)
  keys: PushSubscriptionKeysDto;

  @ApiPropertyOptional({ description: 'Epoch milliseconds after which the subscription is not used (null: none)', nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  expirationTime?: number | null;

  @ApiPropertyOptional({ description: 'Which browser, to show in the list' }) @IsOptional() @IsString() @MaxLength(500) userAgent?: string;
}

export const PLATFORMS = ['android', 'ios', 'web'] as const;

export class RegisterDeviceDto {
  @ApiProperty({ description: 'The FCM registration token of the app install' }) @IsString() @MinLength(1) @MaxLength(4096) token: string;
  @ApiPropertyOptional({ enum: PLATFORMS }) @IsOptional() @IsIn(PLATFORMS) platform?: (typeof PLATFORMS)[number];
  @ApiPropertyOptional({ example: "Ada's Pixel" }) @IsOptional() @IsString() @MaxLength(200) name?: string;
}
