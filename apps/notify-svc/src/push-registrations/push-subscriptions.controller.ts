import { Body, Controller, Delete, Get, Param, Post, Query, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Idempotent, PaginationQueryDto, Public, SECURITY, type Principal } from '#common';
import { CurrentUser } from '#auth-kit';
import { CreatePushSubscriptionDto, RegisterDeviceDto } from './dtos/push-subscription.dto.js';
import { CreatePushSubscriptionUseCase } from './usecases/create-push-subscription/create-push-subscription.usecase.js';
import { DeleteDeviceUseCase } from './usecases/delete-device/delete-device.usecase.js';
import { DeletePushSubscriptionUseCase } from './usecases/delete-push-subscription/delete-push-subscription.usecase.js';
import { GetVapidPublicKeyUseCase } from './usecases/get-vapid-public-key/get-vapid-public-key.usecase.js';
import { ListDevicesUseCase } from './usecases/list-devices/list-devices.usecase.js';
import { ListPushSubscriptionsUseCase } from './usecases/list-push-subscriptions/list-push-subscriptions.usecase.js';
import { RegisterDeviceUseCase } from './usecases/register-device/register-device.usecase.js';

/** Both controllers: the caller's own registrations, user credentials (the push tag). */
const PushControllerOf = (path: string) => applyDecorators(ApiTags('push'), ApiBearerAuth(SECURITY.bearer), Controller(path));

/** Registering the caller's browser or app install: replayable with an Idempotency-Key. */
const RegisterRoute = (summary: string) => applyDecorators(Post(), Idempotent(), ApiOperation({ summary }));

@PushControllerOf('notify/v1/push-subscriptions')
export class PushSubscriptionsController {
  constructor(
    private readonly vapidKey: GetVapidPublicKeyUseCase,
    private readonly createSubscription: CreatePushSubscriptionUseCase,
    private readonly listSubscriptions: ListPushSubscriptionsUseCase,
    private readonly deleteSubscription: DeletePushSubscriptionUseCase,
  ) {}

  @Get('vapid-public-key')
  @Public()
  @ApiOperation({ summary: 'The VAPID public key a browser subscribes with (applicationServerKey); public, no credential' })
  vapidPublicKey() {
    return this.vapidKey.execute();
  }

  @RegisterRoute("Register the caller's browser: the PushSubscription JSON (endpoint and keys, stored encrypted)")
  create(@CurrentUser() p: Principal, @Body() dto: CreatePushSubscriptionDto) {
    return this.createSubscription.execute(p, dto);
  }

  @Get()
  @ApiOperation({ summary: "The caller's own Web Push subscriptions (never their endpoint or keys)" })
  list(@CurrentUser() p: Principal, @Query() q: PaginationQueryDto) {
    return this.listSubscriptions.execute(p, q);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Remove one of the caller’s subscriptions' })
  remove(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.deleteSubscription.execute(p, id);
  }
}

@PushControllerOf('notify/v1/devices')
export class DevicesController {
  constructor(
    private readonly registerDevice: RegisterDeviceUseCase,
    private readonly listDevices: ListDevicesUseCase,
    private readonly deleteDevice: DeleteDeviceUseCase,
  ) {}

  @RegisterRoute("Register the caller's app install: its FCM registration token (stored encrypted)")
  register(@CurrentUser() p: Principal, @Body() dto: RegisterDeviceDto) {
    return this.registerDevice.execute(p, dto);
  }

  @Get()
  @ApiOperation({ summary: "The caller's own devices (the token's last 4 characters only)" })
  list(@CurrentUser() p: Principal, @Query() q: PaginationQueryDto) {
    return this.listDevices.execute(p, q);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Remove one of the caller’s devices' })
  remove(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.deleteDevice.execute(p, id);
  }
}
