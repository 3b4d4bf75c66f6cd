import { Role, type Principal } from '#common';

/** Organizers, admins and API keys act on the whole tenant; a plain user only on their own rows. */
export function seesWholeTenant(p: Principal): boolean {
  return p.kind === 'api_key' || p.roles.includes(Role.Admin) || p.roles.includes(Role.Organizer);
}
