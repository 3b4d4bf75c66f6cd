import { Injectable } from '@nestjs/common';
import { CHANNELS } from '../../templates/dtos/template.dto.js';
import { TenantDb } from '../../tenancy/tenant-db.js';

/**
 * Status of the provider behind each channel. Providers arrive with the sending workers (next
 * issue); until then every channel reports `not_configured` with its backlog for this tenant.
 */
@Injectable()
export class ListProvidersUseCase {
  constructor(private readonly db: TenantDb) {}

  async execute(tenantId: string) {
    const backlog = await this.db.tx(
      tenantId,
      (sql) =>
        sql.rows<{ channel: string; n: string }>(
          'SELECT channel, count(*) AS n FROM delivery_outbox WHERE tenant_id = $1 GROUP BY channel',
          [tenantId],
        ),
      { readOnly: true },
    );
    const byChannel = new Map(backlog.map((b) => [b.channel, Number(b.n)]));
    return CHANNELS.map((channel) => ({ channel, provider: null, status: 'not_configured', queued: byChannel.get(channel) ?? 0 }));
  }
}
