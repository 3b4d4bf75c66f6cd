import { applyDecorators, HttpCode } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { Idempotent, Role, Scope } from '#common';
import { Roles, Scopes } from '#auth-kit';

/**
 * Who may do what, as for campaigns: every user of the tenant reads workflows and runs; organizers
 * and admins write, trigger and cancel (the controllers' default). API keys read with
 * notifications:read or :send, write with templates:write, and trigger with notifications:send.
 */
export const WORKFLOW_READ_SCOPES = [Scope.NotificationsRead, Scope.NotificationsSend, Scope.TemplatesWrite];

/** A read any user of the tenant may make. */
export const ReadsWorkflows = () => applyDecorators(Scopes(...WORKFLOW_READ_SCOPES), Roles(Role.User, Role.Organizer, Role.Admin));

/** What starts or stops runs (`POST`): idempotent, answered with `status`, an API key needs notifications:send. */
export const RunsAction = (status: number, summary: string) =>
  applyDecorators(ApiOperation({ summary }), Scopes(Scope.NotificationsSend), HttpCode(status), Idempotent());
