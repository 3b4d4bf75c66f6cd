import { Inject, Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { CHANNEL_REGISTRY } from '../../../channels/channel-registry.js';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import { normaliseEmail, normalizePhone } from '../../../deliveries/policy/addresses.js';
import { actorOf, seesWholeTenant } from '../../../tenancy/visibility.js';
import type { CreateSuppressionDto } from '../../dtos/suppression.dto.js';
import { suppressionView } from '../../suppression.view.js';
import { SuppressionsRepository } from '../../suppressions.repository.js';

/**
 * A suppressed address is never sent to (deliveries to it are accepted as `suppressed`).
 * Organizers, admins and API keys suppress any address of the tenant; a user only their own
 * (their email or in-app user id).
 */
@Injectable()
export class CreateSuppressionUseCase {
  constructor(
    private readonly suppressions: SuppressionsRepository,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  async execute(p: Principal, dto: CreateSuppressionDto) {
    const address = this.address(dto);
    const kind = CHANNEL_REGISTRY[dto.channel].address;
    const own =
      p.userId !== null && ((kind === 'email' && address === p.email?.toLowerCase()) || (kind === 'user' && address === p.userId));
    if (!seesWholeTenant(p) && !own) throw AppException.forbidden('You can only suppress your own address');
    return suppressionView(
      await this.suppressions.create(
        p.tenantId!,
        { channel: dto.channel, address, reason: dto.reason, userId: own ? p.userId : null },
        actorOf(p),
      ),
    );
  }

  /** The address as deliveries store it (email lowercased, phone in E.164), so a suppression matches their address. */
  private address(dto: CreateSuppressionDto): string {
    const kind = CHANNEL_REGISTRY[dto.channel].address;
    if (kind === 'email') return normaliseEmail(dto.address);
    if (kind === 'phone') {
      const phone = normalizePhone(dto.address, this.config.SMS_DEFAULT_REGION);
      if (!phone.ok) throw AppException.validation('Invalid phone number', [{ field: 'address', messages: [`phone ${phone.problem}`] }]);
      return phone.e164;
    }
    return dto.address.trim();
  }
}
