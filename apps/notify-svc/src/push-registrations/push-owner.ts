import { AppException, type Principal } from '#common';

/** Push subscriptions and devices belong to a user: a credential without one (an API key) cannot have any. */
export function ownerOf(p: Principal): string {
  if (!p.userId) throw AppException.forbidden('Push subscriptions and devices belong to a user: use a user credential');
  return p.userId;
}
