import { applyDecorators } from '@nestjs/common';
import { Role, Scope } from '#common';
import { Roles, Scopes } from '#auth-kit';

/**
 * Who may do what (seed 001): every user of the tenant reads contacts and groups; organizers and
 * admins change, import and export them (the controllers' default). API keys read with
 * contacts:read (or :write) and do the rest with contacts:write; the export, a bulk copy of every
 * contact, is organizer-level too.
 */
export const ReadsContacts = () =>
  applyDecorators(Scopes(Scope.ContactsRead, Scope.ContactsWrite), Roles(Role.User, Role.Organizer, Role.Admin));
