import type { GenericReceiptDto } from '../dtos/generic-receipt.dto.js';
import type { StatusReceipt } from '../receipt.js';

/** A generic provider's receipt in this service's terms: its types are ours; a soft bounce is a failure. */
export function genericEvent(dto: GenericReceiptDto): StatusReceipt {
  const soft = dto.type === 'bounced' && dto.hard === false;
  const effect = soft ? 'failed' : dto.type;
  return {
    kind: 'status',
    channels: null,
    providerMessageId: dto.providerMessageId,
    deliveryId: dto.deliveryId,
    effect,
    providerStatus: dto.type,
    reason: dto.reason ?? (dto.type === 'delivered' ? null : soft ? 'soft bounce' : dto.type),
    suppress: effect === 'bounced' || effect === 'complained' || effect === 'unsubscribed',
  };
}
