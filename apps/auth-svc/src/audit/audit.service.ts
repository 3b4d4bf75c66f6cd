import { Injectable, Logger } from '@nestjs/common';
import { paginate, type Page } from '#common';
import { UnitOfWork } from '../database/unit-of-work.js';
import type { AuditEventType } from './audit-event-types.js';
import { AuditEvent } from './audit-event.entity.js';
import type { AuditEventQueryDto } from './dtos/audit-event.dto.js';
import type { RequestMeta } from './request-meta.decorator.js';

export interface AuditRecord {
  type: AuditEventType;
  tenantId?: string | null;
  actorUserId?: string | null;
  targetUserId?: string | null;
  meta?: Partial<RequestMeta> | null;
  details?: Record<string, unknown>;
}

/** The one writer (and reader) of `audit_events`. */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(private readonly uow: UnitOfWork) {}

  /** Records one event, in the caller's transaction when one is open. */
  async record(event: AuditRecord): Promise<void> {
    await this.uow.db.repo(AuditEvent).insert({
      tenantId: event.tenantId ?? null,
      type: event.type,
      actorUserId: event.actorUserId ?? null,
      targetUserId: event.targetUserId ?? null,
      ip: event.meta?.ip ?? null,
      requestId: event.meta?.requestId ?? null,
      userAgent: event.meta?.userAgent ?? null,
      // TypeORM's insert type cannot express a jsonb column of arbitrary shape.
      details: (event.details ?? {}) as never,
    });
  }

  /** Records an event a user caused on their own account (sign-up, login, linking an identity). */
  recordOwn(
    type: AuditEventType,
    user: { id: string; tenantId: string },
    meta: Partial<RequestMeta>,
    details?: Record<string, unknown>,
  ): Promise<void> {
    return this.record({ type, tenantId: user.tenantId, actorUserId: user.id, targetUserId: user.id, meta, details });
  }

  /** A page of the tenant's events, newest first, optionally of one type. */
  list(tenantId: string, query: AuditEventQueryDto): Promise<Page<AuditEvent>> {
    const qb = this.uow.db.repo(AuditEvent).createQueryBuilder('e').where('e.tenant_id = :tenantId', { tenantId });
    if (query.type) qb.andWhere('e.type = :type', { type: query.type });
    return paginate(qb, query, { sortColumn: 'e.created_at', idColumn: 'e.id' });
  }

  /** For events that must not fail the request they describe (e.g. a failed login's answer). */
  recordQuietly(event: AuditRecord): Promise<void> {
    return this.record(event).catch((err) => this.logger.error({ err, type: event.type }, 'audit event lost'));
  }
}
