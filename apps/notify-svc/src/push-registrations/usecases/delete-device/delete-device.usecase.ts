import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { PushDevice } from '../../push-device.entity.js';
import { OwnRegistrationsUseCase } from '../own-registrations.usecase.js';

@Injectable()
export class DeleteDeviceUseCase extends OwnRegistrationsUseCase {
  execute(p: Principal, id: string) {
    return this.deleteOwn(p, PushDevice, id, 'Device');
  }
}
