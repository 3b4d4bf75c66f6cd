import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { fcmTokenProblem } from '../../../channels/push/push-validation.js';
import { SECRET_CIPHER, type SecretCipher } from '../../../crypto/secret-cipher.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import type { RegisterDeviceDto } from '../../dtos/push-subscription.dto.js';
import { PushDevice } from '../../push-device.entity.js';
import { ownerOf } from '../../push-owner.js';
import { deviceView } from '../../push-registration.views.js';
import { PushRegistrationsRepository } from '../../push-registrations.repository.js';
import { sha256 } from '../../push-secrets.js';

/**
 * Registers the caller's FCM device token: stored encrypted (found again by SHA-256), shown only by
 * its last 4 characters. A token registered again (the app re-installed, another user logged in on
 * the device) replaces its row and belongs to the caller from then on.
 */
@Injectable()
export class RegisterDeviceUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly registrations: PushRegistrationsRepository,
    @Inject(SECRET_CIPHER) private readonly cipher: SecretCipher,
  ) {}

  async execute(p: Principal, dto: RegisterDeviceDto) {
    const userId = ownerOf(p);
    const problem = fcmTokenProblem(dto.token);
    if (problem) throw AppException.validation('Invalid device token', [{ field: 'token', messages: [problem] }]);
    return this.uow.tenant(p.tenantId, async (tx) => {
      const hash = sha256(dto.token);
      const existing = await this.registrations.deviceByTokenHash(tx, hash);
      const d = existing ?? Object.assign(new PushDevice(), { id: randomUUID(), tenant_id: tx.tenantId, token_hash: hash });
      d.user_id = userId;
      d.token_enc = this.cipher.encrypt(dto.token, d.id);
      d.token_last4 = dto.token.slice(-4);
      d.platform = dto.platform ?? null;
      d.name = dto.name ?? null;
      d.updated_at = new Date();
      return deviceView(await this.registrations.save(tx, PushDevice, d));
    });
  }
}
