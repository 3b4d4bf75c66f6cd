import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AppException, ErrorCode, LIVE_BUS, type LiveBus, type PlanTier, type Rate, type LeasedRateLimiter } from '#common';
import { dailyQuotaForPlan, NOTIFY_CONFIG, type NotifyConfig } from '../config/notify-config.js';
import { UnitOfWork } from '../database/unit-of-work.js';
import { TenantQuota } from './tenant-quota.entity.js';
import { RATE_LIMITER } from '../throttling/throttling.tokens.js';

export interface QuotaView {
  tenantId: string;
  dailyLimit: number;
  source: 'plan' | 'override';
  planTier: PlanTier;
  usedToday: number;
  remainingToday: number;
  resetsAt: string;
}

const OVERRIDE_CACHE_MS = 30_000;
/** Live-bus topic on which an instance that changed a tenant's override tells the others to forget theirs. */
const QUOTA_OVERRIDES_BUS_KEY = 'quota-overrides';

function today(now = new Date()): { day: string; secondsLeft: number; resetsAt: Date } {
  const resetsAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  return { day: now.toISOString().slice(0, 10), secondsLeft: Math.ceil((resetsAt.getTime() - now.getTime()) / 1000), resetsAt };
}

/**
 * Daily send quotas per tenant: the plan tier's default unless an admin set an override. Usage is
 * counted in the shared rate-limit store under one key per tenant and UTC day, so every instance
 * sees the same count. Overrides are cached per process; a change is announced on the live bus so
 * every instance (API and worker processes) forgets its copy at once, not after the cache time.
 */
@Injectable()
export class QuotaService implements OnModuleInit, OnModuleDestroy {
  private readonly overrides = new Map<string, { limit: number | null; until: number }>();
  private unsubscribe?: () => void;

  constructor(
    private readonly uow: UnitOfWork,
    @Inject(RATE_LIMITER) private readonly limiter: LeasedRateLimiter,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
    @Inject(LIVE_BUS) private readonly bus: LiveBus,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe(
      QUOTA_OVERRIDES_BUS_KEY,
      (p) => {
        if (typeof p.tenantId === 'string') this.overrides.delete(p.tenantId);
      },
      // Messages may have been missed (first connection, or a reconnect): forget everything.
      { onResync: () => this.overrides.clear() },
    );
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /**
   * Counts `count` deliveries against today's quota, or throws 429 QUOTA_EXCEEDED (nothing counted).
   * Returns the tenant's daily limit (a fact the DeliveryPolicy decides on).
   */
  async consume(tenantId: string, plan: PlanTier, count: number): Promise<number> {
    const { limit } = await this.limitFor(tenantId, plan);
    if (count <= 0) return limit;
    const { day, secondsLeft } = today();
    const key = `quota:${tenantId}:${day}`;
    if (count > limit) throw this.exceeded(secondsLeft);
    if (this.limiter.tryLocal(key, count)) return limit;
    const r = await this.limiter.consume(key, this.rate(limit, secondsLeft), count, true);
    if (!r.allowed) throw this.exceeded(r.retryAfterSeconds);
    return limit;
  }

  /** The tenant's daily limit as it stands (override or plan), cached briefly. */
  async dailyLimit(tenantId: string, plan: PlanTier): Promise<number> {
    return (await this.limitFor(tenantId, plan)).limit;
  }

  /** The deliveries counted by consume() were not accepted after all. */
  async refund(tenantId: string, plan: PlanTier, count: number): Promise<void> {
    const { limit } = await this.limitFor(tenantId, plan);
    const { day, secondsLeft } = today();
    await this.limiter.refund(`quota:${tenantId}:${day}`, this.rate(limit, secondsLeft), count).catch(() => undefined);
  }

  async view(tenantId: string, plan: PlanTier): Promise<QuotaView> {
    const { limit, source } = await this.limitFor(tenantId, plan, true);
    const { day, secondsLeft, resetsAt } = today();
    const r = await this.limiter.peek(`quota:${tenantId}:${day}`, this.rate(Math.max(limit, 1), secondsLeft));
    const used = Math.min(limit, Math.max(0, r.limit - r.remaining));
    return {
      tenantId,
      dailyLimit: limit,
      source,
      planTier: plan,
      usedToday: limit === 0 ? 0 : used,
      remainingToday: Math.max(0, limit - used),
      resetsAt: resetsAt.toISOString(),
    };
  }

  async setOverride(tenantId: string, dailyLimit: number | null, by: string): Promise<void> {
    await this.uow.tenant(tenantId, async (tx) => {
      const quotas = tx.repo(TenantQuota);
      if (dailyLimit === null) await quotas.delete({ tenant_id: tenantId });
      else await quotas.upsert({ tenant_id: tenantId, daily_limit: dailyLimit, updated_by: by, updated_at: new Date() }, ['tenant_id']);
    });
    this.overrides.delete(tenantId);
    await this.bus.publish(QUOTA_OVERRIDES_BUS_KEY, { tenantId }).catch(() => undefined);
  }

  private async limitFor(tenantId: string, plan: PlanTier, fresh = false): Promise<{ limit: number; source: 'plan' | 'override' }> {
    const now = Date.now();
    let o = this.overrides.get(tenantId);
    if (!o || o.until <= now || fresh) {
      const row = await this.uow.tenant(tenantId, (tx) =>
        tx.repo(TenantQuota).findOne({ select: { daily_limit: true }, where: { tenant_id: tenantId } }),
      );
      o = { limit: row ? row.daily_limit : null, until: now + OVERRIDE_CACHE_MS };
      if (this.overrides.size > 10_000) this.overrides.clear();
      this.overrides.set(tenantId, o);
    }
    return o.limit === null ? { limit: dailyQuotaForPlan(this.config, plan), source: 'plan' } : { limit: o.limit, source: 'override' };
  }

  private rate(limit: number, secondsLeft: number): Rate {
    // The key carries the day, so the window only needs to outlive it.
    return { count: limit, windowSeconds: secondsLeft + 3600 };
  }

  private exceeded(retryAfterSeconds: number): AppException {
    return AppException.rateLimited(retryAfterSeconds, 'Daily delivery quota exceeded', ErrorCode.QUOTA_EXCEEDED);
  }
}
