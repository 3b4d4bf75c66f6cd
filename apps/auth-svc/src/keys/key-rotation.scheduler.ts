import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AuditEventType } from '../audit/audit-event-types.js';
import { AuditService } from '../audit/audit.service.js';
import { AUTH_CONFIG, type AuthConfig } from '../config/auth-config.js';
import { SigningKeyStore } from './signing-key.store.js';

/** Every instance checks on a timer; the database (an advisory lock and a re-check) lets one rotate. */
@Injectable()
export class KeyRotationScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(KeyRotationScheduler.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly keys: SigningKeyStore,
    private readonly audit: AuditService,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.KEY_ROTATION_DAYS <= 0) return;
    this.timer = setInterval(() => void this.check(), this.config.KEY_ROTATION_CHECK_INTERVAL * 1000);
    this.timer.unref();
    void this.check();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async check(): Promise<void> {
    try {
      const result = await this.keys.rotateIfDue();
      if (result) {
        this.logger.log(`rotated signing key: ${result.retiredKid} -> ${result.kid}`);
        await this.audit.record({ type: AuditEventType.KeyRotated, details: { ...result, trigger: 'schedule' } });
      }
    } catch (err) {
      this.logger.error(`signing key rotation check failed: ${(err as Error).message}`);
    }
  }
}
