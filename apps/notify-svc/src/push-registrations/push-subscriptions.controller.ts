import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Idempotent, PaginationQueryDto, Public, SECURITY, type Principal } from '#common';
import { CurrentUser } from '#auth-kit';
import { CreatePushSubscriptionDto, RegisterDeviceDto } from './dtos/push-subscription.dto.js';
import { ManageDevicesUseCase } from './usecases/manage-devices/manage-devices.usecase.js';
import { ManagePushSubscriptionsUseCase } from './usecases/manage-push-subscriptions/manage-push-subscriptions.usecase.js';

@ApiTags('push')
@ApiBearerAuth(SECURITY.bearer)
@Controller('notify/v1/push-subscriptions')
export class PushSubscriptionsController {
  constructor(private readonly manage: ManagePushSubscriptionsUseCase) {}

  @Get('vapid-public-key')
  @Public()
  @ApiOperation({ summary: 'The VAPID public key a browser subscribes with (applicationServerKey); public, no credential' })
  vapidPublicKey() {
    return this.manage.vapidPublicKey();
  }

  @Post()
  @Idempotent()
  @ApiOperation({ summary: "Register the caller's browser: the PushSubscription JSON (endpoint and keys, stored encrypted)" })
  create(@CurrentUser() p: Principal, @Body() dto: CreatePushSubscriptionDto) {
    return this.manage.create(p, dto);
  }

  @Get()
  @ApiOperation({ summary: "The caller's own Web Push subscriptions (never their endpoint or keys)" })
  list(@CurrentUser() p: Principal, @Query() q: PaginationQueryDto) {
    return this.manage.list(p, q);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Remove one of the caller’s subscriptions' })
  remove(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.manage.remove(p, id);
  }
}

@ApiTags('push')
@ApiBearerAuth(SECURITY.bearer)
@Controller('notify/v1/devices')
export class DevicesController {
  constructor(private readonly manage: ManageDevicesUseCase) {}

  @Post()
  @Idempotent()
  @ApiOperation({ summary: "Register the caller's app install: its FCM registration token (stored encrypted)" })
  register(@CurrentUser() p: Principal, @Body() dto: RegisterDeviceDto) {
    return this.manage.register(p, dto);
  }

  @Get()
  @ApiOperation({ summary: "The caller's own devices (the token's last 4 characters only)" })
  list(@CurrentUser() p: Principal, @Query() q: PaginationQueryDto) {
    return this.manage.list(p, q);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Remove one of the caller’s devices' })
  remove(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.manage.remove(p, id);
  }
}
