import { Role, type Principal } from '#common';

/** Organizers, admins and API keys act on the whole tenant; a plain user only on their own rows. */
export function seesWholeTenant(p: Principal): boolean {
  return p.kind === 'api_key' || p.roles.includes(Role.Admin) || p.roles.includes(Role.Organizer);
}

/** Who did it, as stored in created_by / updated_by: the user, or the credential for an API key. */
export function actorOf(p: Principal): string {
  return p.userId ?? `${p.kind}:${p.credentialId ?? 'unknown'}`;
}
