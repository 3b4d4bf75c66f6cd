import { Injectable } from '@nestjs/common';
import type { Channel } from '../channels/channel-registry.js';
import { UnitOfWork } from '../database/unit-of-work.js';

/** The delivery a receipt names: enough to open its tenant's transaction. */
export interface ReceiptTarget {
  id: string;
  tenant_id: string;
  channel: Channel;
  address: string | null;
}

/**
 * The lookups a provider webhook needs before it knows the tenant: they cross tenants, so they run
 * in the maintenance unit of work (read only, on the 1796000000012 indexes); the changes then run
 * in the tenant's own transaction.
 */
@Injectable()
export class ReceiptsRepository {
  constructor(private readonly uow: UnitOfWork) {}

  /** The delivery a provider's message id belongs to, on one of `channels` (null: any). */
  byProviderMessageId(providerMessageId: string, channels: readonly Channel[] | null): Promise<ReceiptTarget | undefined> {
    return this.uow.maintenance((tx) =>
      tx.one<ReceiptTarget>(
        `SELECT id, tenant_id, channel, address FROM deliveries
         WHERE provider_message_id = $1 AND ($2::text[] IS NULL OR channel = ANY($2::text[]))
         ORDER BY created_at DESC LIMIT 1`,
        [providerMessageId, channels],
        'receipts_by_provider_message',
      ),
    );
  }

  byDeliveryId(id: string): Promise<ReceiptTarget | undefined> {
    return this.uow.maintenance((tx) =>
      tx.one<ReceiptTarget>(`SELECT id, tenant_id, channel, address FROM deliveries WHERE id = $1`, [id], 'receipts_by_delivery'),
    );
  }

  /**
   * The tenant that most recently sent to this number on this channel: an inbound reply (STOP) is
   * taken to answer the last message the person received.
   */
  async latestSenderTo(channel: Channel, address: string): Promise<string | undefined> {
    const row = await this.uow.maintenance((tx) =>
      tx.one<{ tenant_id: string }>(
        `SELECT tenant_id FROM deliveries WHERE channel = $1 AND address = $2 AND channel IN ('sms', 'whatsapp')
         ORDER BY created_at DESC LIMIT 1`,
        [channel, address],
        'receipts_latest_sender',
      ),
    );
    return row?.tenant_id;
  }
}
