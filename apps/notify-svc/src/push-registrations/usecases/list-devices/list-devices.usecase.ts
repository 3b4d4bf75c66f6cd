import { Injectable } from '@nestjs/common';
import type { PaginationQueryDto, Principal } from '#common';
import { PushDevice } from '../../push-device.entity.js';
import { deviceView } from '../../push-registration.views.js';
import { OwnRegistrationsUseCase } from '../own-registrations.usecase.js';

@Injectable()
export class ListDevicesUseCase extends OwnRegistrationsUseCase {
  execute(p: Principal, q: PaginationQueryDto) {
    return this.listOwn(p, PushDevice, q, deviceView);
  }
}
