import type { PassportStatic } from 'passport';

/** The passport names of one AuthKitModule's strategies. */
export interface KitStrategyNames {
  jwt: string;
  apiKey: string;
}

export const KIT_STRATEGY_NAMES = Symbol('KIT_STRATEGY_NAMES');

let registered = 0;

/**
 * passport keeps strategies in one process-wide registry by name. Two services booted in one
 * process (the tests that run auth-svc and notify-svc together) would otherwise replace each
 * other's `jwt` strategy, and auth-svc would verify its routes with notify-svc's keys and
 * revocation list. The first kit gets the plain names, later ones a numbered suffix.
 */
export function nextStrategyNames(): KitStrategyNames {
  const n = ++registered;
  const suffix = n === 1 ? '' : `-${n}`;
  return { jwt: `jwt${suffix}`, apiKey: `api-key${suffix}` };
}

/**
 * Handed to @nestjs/passport's mixin in place of passport, whose constructor would register the
 * strategy under passport-jwt's fixed name; each strategy registers itself under its kit's name.
 */
export const DEFERRED_REGISTRATION = { use: () => DEFERRED_REGISTRATION } as unknown as PassportStatic;
