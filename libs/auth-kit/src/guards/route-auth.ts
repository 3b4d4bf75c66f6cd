import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { IS_PUBLIC, type Role, type Scope } from '#common';
import { INTERNAL_ONLY_KEY, REQUIRED_SCOPES_KEY, ROLES_KEY, SCOPES_KEY } from '../decorators/auth.decorators.js';

export interface RouteAuth {
  isPublic: boolean;
  internalOnly: boolean;
  roles: Role[] | undefined;
  /** API keys: any one of these. */
  scopes: Scope[] | undefined;
  /** API keys: every one of these as well. */
  requiredScopes: Scope[] | undefined;
}

const byHandler = new WeakMap<Function, RouteAuth>();

/** A route's auth metadata, read through the Reflector once per handler (the hot path skips it). */
export function routeAuth(reflector: Reflector, ctx: ExecutionContext): RouteAuth {
  const handler = ctx.getHandler();
  let r = byHandler.get(handler);
  if (!r) {
    const targets = [handler, ctx.getClass()];
    r = {
      isPublic: reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) ?? false,
      internalOnly: reflector.getAllAndOverride<boolean>(INTERNAL_ONLY_KEY, targets) ?? false,
      roles: reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets),
      scopes: reflector.getAllAndOverride<Scope[]>(SCOPES_KEY, targets),
      requiredScopes: reflector.getAllAndOverride<Scope[]>(REQUIRED_SCOPES_KEY, targets),
    };
    byHandler.set(handler, r);
  }
  return r;
}
