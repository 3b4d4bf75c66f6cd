import { Inject, Injectable } from '@nestjs/common';
import { AppException, DEFAULT_PAGE_LIMIT, type Principal, isUuid } from '#common';
import { CHANNEL_REGISTRY } from '../../../channels/channel-registry.js';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import { normaliseEmail, normalizePhone } from '../../../deliveries/policy/addresses.js';
import { actorOf } from '../../../tenancy/visibility.js';
import { seesWholeTenant } from '../../../tenancy/visibility.js';
import type { CreateSuppressionDto, ListSuppressionsQueryDto } from '../../dtos/suppression.dto.js';
import { SuppressionsRepository, type SuppressionRow } from '../../suppressions.repository.js';

const view = (r: SuppressionRow) => ({
  id: r.id,
  channel: r.channel,
  address: r.address,
  reason: r.reason,
  userId: r.user_id,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

/**
 * A suppressed address is never sent to (deliveries to it are accepted as `suppressed`).
 * Organizers, admins and API keys manage the tenant's list; a user suppresses, reads and lifts only
 * their own addresses (their email or in-app user id).
 */
@Injectable()
export class ManageSuppressionsUseCase {
  constructor(
    private readonly suppressions: SuppressionsRepository,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  async create(p: Principal, dto: CreateSuppressionDto) {
    const address = this.address(dto);
    const kind = CHANNEL_REGISTRY[dto.channel].address;
    const own =
      p.userId !== null && ((kind === 'email' && address === p.email?.toLowerCase()) || (kind === 'user' && address === p.userId));
    if (!seesWholeTenant(p) && !own) throw AppException.forbidden('You can only suppress your own address');
    return view(
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

  async list(p: Principal, q: ListSuppressionsQueryDto) {
    const page = await this.suppressions.list(
      p.tenantId!,
      { userId: seesWholeTenant(p) ? undefined : p.userId!, channel: q.channel },
      q.limit ?? DEFAULT_PAGE_LIMIT,
      q.cursor,
    );
    return page.map(view);
  }

  async remove(p: Principal, id: string): Promise<{ deleted: true }> {
    if (!isUuid(id) || !(await this.suppressions.remove(p.tenantId!, id, seesWholeTenant(p) ? undefined : p.userId!))) {
      throw AppException.notFound('Suppression');
    }
    return { deleted: true };
  }
}
