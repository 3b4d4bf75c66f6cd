import { Inject, Injectable } from '@nestjs/common';
import { AppException } from '#common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../config/notify-config.js';

/**
 * Open subscriptions per client (IP, IPv6 /64) and per tenant, counted on this instance: an open
 * stream is a connection to this process, so its cost is local, and a count in a shared store
 * would outlive a crashed instance's connections. Behind N instances a client can hold N times
 * the limit at most.
 */
@Injectable()
export class TopicStreamLimits {
  private readonly byClient = new Map<string, number>();
  private readonly byTenant = new Map<string, number>();

  constructor(@Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig) {}

  /** Takes one stream slot (429 when full); the returned function gives it back (once). */
  acquire(client: string, tenantId: string): () => void {
    if ((this.byClient.get(client) ?? 0) >= this.config.TOPIC_MAX_STREAMS_PER_IP) {
      throw AppException.rateLimited(5, `At most ${this.config.TOPIC_MAX_STREAMS_PER_IP} open subscriptions per client`);
    }
    if ((this.byTenant.get(tenantId) ?? 0) >= this.config.TOPIC_MAX_STREAMS_PER_TENANT) {
      throw AppException.rateLimited(5, `At most ${this.config.TOPIC_MAX_STREAMS_PER_TENANT} open subscriptions to this tenant's topics`);
    }
    inc(this.byClient, client, 1);
    inc(this.byTenant, tenantId, 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      inc(this.byClient, client, -1);
      inc(this.byTenant, tenantId, -1);
    };
  }
}

function inc(m: Map<string, number>, k: string, d: number): void {
  const n = (m.get(k) ?? 0) + d;
  if (n <= 0) m.delete(k);
  else m.set(k, n);
}
