import { describe, expect, it } from '@jest/globals';
import { Controller, Post, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppException, Role, Scope, type Principal } from '#common';
import { Roles, Scopes, SendsNotifications } from '../decorators/auth.decorators.js';
import { RolesGuard } from './roles.guard.js';

@Roles(Role.Organizer, Role.Admin)
@Scopes(Scope.CampaignsWrite)
@Controller('c')
class CampaignsLike {
  @Post('pause')
  pause() {}

  @Post('launch')
  @SendsNotifications()
  launch() {}
}

const key = (...scopes: Scope[]): Principal => ({ kind: 'api_key', userId: null, tenantId: 't', roles: [], scopes, planTier: 'free' });
const user = (...roles: Role[]): Principal => ({ kind: 'access_token', userId: 'u', tenantId: 't', roles, scopes: [], planTier: 'free' });

function ctx(handler: Function, principal: Principal): ExecutionContext {
  return {
    getType: () => 'http',
    getHandler: () => handler,
    getClass: () => CampaignsLike,
    switchToHttp: () => ({ getRequest: () => ({ principal }) }),
  } as unknown as ExecutionContext;
}

const guard = new RolesGuard(new Reflector());
const outcome = (handler: Function, p: Principal): number => {
  try {
    return guard.canActivate(ctx(handler, p)) ? 200 : 0;
  } catch (err) {
    return (err as AppException).getStatus();
  }
};

describe('RolesGuard: any one of @Scopes, every one of @RequiredScopes', () => {
  const { pause, launch } = CampaignsLike.prototype;

  it('a route that sends needs notifications:send on top of its own scope', () => {
    expect(outcome(pause, key(Scope.CampaignsWrite))).toBe(200);
    expect(outcome(launch, key(Scope.CampaignsWrite))).toBe(403);
    expect(outcome(launch, key(Scope.NotificationsSend))).toBe(403);
    expect(outcome(launch, key(Scope.TemplatesWrite, Scope.NotificationsSend))).toBe(403);
    expect(outcome(launch, key(Scope.CampaignsWrite, Scope.NotificationsSend))).toBe(200);
    expect(outcome(launch, key(Scope.Admin))).toBe(200);
  });

  it('users pass on roles; the scope rules are for API keys', () => {
    expect(outcome(launch, user(Role.Organizer))).toBe(200);
    expect(outcome(launch, user(Role.User))).toBe(403);
  });

  it('names the missing scopes in the refusal', () => {
    try {
      guard.canActivate(ctx(launch, key(Scope.CampaignsWrite)));
      throw new Error('expected a refusal');
    } catch (err) {
      expect((err as AppException).message).toContain('notifications:send');
    }
  });
});
