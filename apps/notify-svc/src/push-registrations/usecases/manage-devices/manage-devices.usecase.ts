import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppException, isUuid, paginate, type PaginationQueryDto, type Principal } from '#common';
import { fcmTokenProblem } from '../../../channels/push/push-validation.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { SECRET_CIPHER, type SecretCipher } from '../../../crypto/secret-cipher.js';
import type { RegisterDeviceDto } from '../../dtos/push-subscription.dto.js';
import { PushDevice } from '../../push-device.entity.js';
import { ownerOf } from '../../push-owner.js';
import { sha256 } from '../../push-secrets.js';

const view = (d: PushDevice) => ({
  id: d.id,
  tokenLast4: d.token_last4,
  platform: d.platform,
  name: d.name,
  createdAt: d.created_at,
  updatedAt: d.updated_at,
});

/**
 * A user's own FCM device tokens: stored encrypted (found again by SHA-256), shown only by their
 * last 4 characters. A token registered again (the app re-installed, another user logged in on
 * the device) replaces its row and belongs to the caller from then on.
 */
@Injectable()
export class ManageDevicesUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(SECRET_CIPHER) private readonly cipher: SecretCipher,
  ) {}

  async register(p: Principal, dto: RegisterDeviceDto) {
    const userId = ownerOf(p);
    const problem = fcmTokenProblem(dto.token);
    if (problem) throw AppException.validation('Invalid device token', [{ field: 'token', messages: [problem] }]);
    return this.uow.tenant(p.tenantId, async (tx) => {
      const repo = tx.repo(PushDevice);
      const hash = sha256(dto.token);
      const existing = await repo.findOneBy({ tenant_id: tx.tenantId, token_hash: hash });
      const d = existing ?? repo.create({ id: randomUUID(), tenant_id: tx.tenantId, token_hash: hash });
      d.user_id = userId;
      d.token_enc = this.cipher.encrypt(dto.token, d.id);
      d.token_last4 = dto.token.slice(-4);
      d.platform = dto.platform ?? null;
      d.name = dto.name ?? null;
      d.updated_at = new Date();
      return view(await repo.save(d));
    });
  }

  async list(p: Principal, query: PaginationQueryDto) {
    const userId = ownerOf(p);
    return this.uow.tenant(p.tenantId, async (tx) => {
      const qb = tx
        .repo(PushDevice)
        .createQueryBuilder('d')
        .where('d.tenant_id = :tenantId AND d.user_id = :userId', { tenantId: tx.tenantId, userId });
      return (await paginate(qb, query, { sortColumn: 'd.created_at', idColumn: 'd.id' })).map(view);
    });
  }

  /** Another user's device is answered as not found, like another tenant's. */
  async remove(p: Principal, id: string): Promise<{ deleted: true }> {
    const userId = ownerOf(p);
    await this.uow.tenant(p.tenantId, async (tx) => {
      const gone = isUuid(id) ? await tx.repo(PushDevice).delete({ tenant_id: tx.tenantId, user_id: userId, id }) : { affected: 0 };
      if (!gone.affected) throw AppException.notFound('Device');
    });
    return { deleted: true };
  }
}
