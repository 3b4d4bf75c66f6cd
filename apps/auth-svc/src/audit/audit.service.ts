import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuditEventType } from './audit-event-types.js';
import type { RequestMeta } from './request-meta.decorator.js';

export interface AuditRecord {
  type: AuditEventType;
  tenantId?: string | null;
  actorUserId?: string | null;
  targetUserId?: string | null;
  meta?: Partial<RequestMeta> | null;
  details?: Record<string, unknown>;
}

@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(private readonly dataSource: DataSource) {}

  /** Records one event; pass `em` to write it in the caller's transaction. */
  async record(event: AuditRecord, em: EntityManager = this.dataSource.manager): Promise<void> {
    await em.query(
      `INSERT INTO audit_events (tenant_id, type, actor_user_id, target_user_id, ip, request_id, user_agent, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        event.tenantId ?? null,
        event.type,
        event.actorUserId ?? null,
        event.targetUserId ?? null,
        event.meta?.ip ?? null,
        event.meta?.requestId ?? null,
        event.meta?.userAgent ?? null,
        JSON.stringify(event.details ?? {}),
      ],
    );
  }

  /** For events that must not fail the request they describe (e.g. a failed login's answer). */
  recordQuietly(event: AuditRecord): Promise<void> {
    return this.record(event).catch((err) => this.logger.error({ err, type: event.type }, 'audit event lost'));
  }
}
