import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { IpRateLimitGuard } from './ip-rate-limit.guard.js';
import { LoginThrottle } from './login-throttle.service.js';

@Module({
  imports: [AuditModule],
  providers: [LoginThrottle, IpRateLimitGuard],
  exports: [LoginThrottle, IpRateLimitGuard],
})
export class ThrottlingModule {}
