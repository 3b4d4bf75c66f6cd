import { Injectable } from '@nestjs/common';
import { AppException, ErrorCode } from '#common';
import { AuditEventType } from '../../../audit/audit-event-types.js';
import { AuditService } from '../../../audit/audit.service.js';
import type { RequestMeta } from '../../../audit/request-meta.decorator.js';
import { LoginThrottle } from '../../../throttling/login-throttle.service.js';
import { TokenService } from '../../../tokens/token.service.js';
import { UserDto } from '../../../users/dtos/user.dto.js';
import { PasswordHasher } from '../../../users/password-hasher.js';
import { UsersService, normaliseEmail } from '../../../users/users.service.js';
import type { LogInDto, LogInResponseDto } from '../../dtos/log-in.dto.js';

const invalid = () => new AppException(ErrorCode.INVALID_CREDENTIALS, 'Invalid email or password', 401);

/**
 * Password login. Unknown email, wrong password and deactivated account all answer the same 401
 * after one bcrypt comparison each, so neither the message nor the timing tells them apart.
 */
@Injectable()
export class LogInUseCase {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
  ) {}

  async execute(dto: LogInDto, meta: RequestMeta): Promise<LogInResponseDto> {
    const email = normaliseEmail(dto.email);
    await this.throttle.checkIp(meta.ip);
    const user = await this.users.findByEmailWithSecret(email);
    if (!user) {
      await this.throttle.unknownAccount(email, meta);
      await this.hasher.verify(dto.password, null);
      await this.audit.recordQuietly({ type: AuditEventType.LoginFailed, meta, details: { email, reason: 'unknown_email' } });
      throw invalid();
    }
    await this.throttle.begin(user.id);
    let ok: boolean;
    try {
      ok = await this.hasher.verify(dto.password, user.passwordHash);
    } catch (err) {
      await this.throttle.release(user.id);
      throw err;
    }
    if (!ok || !user.isActive) {
      const outcome = await this.throttle.failed(user.id, user.tenantId, meta);
      await this.audit.recordQuietly({
        type: AuditEventType.LoginFailed,
        tenantId: user.tenantId,
        targetUserId: user.id,
        meta,
        details: { email, reason: ok ? 'deactivated' : 'wrong_password', failures: outcome.failures, locked: outcome.locked },
      });
      throw invalid();
    }
    await this.throttle.succeeded(user.id);
    const tenant = await this.users.getTenant(user.tenantId);
    if (!tenant) throw invalid();
    const pair = await this.tokens.issuePair(user, tenant, { ...meta, method: 'password' });
    await this.audit.recordOwn(AuditEventType.LoginSucceeded, user, meta);
    delete (user as { passwordHash?: unknown }).passwordHash;
    return { ...pair, user: UserDto.from(user) };
  }
}
