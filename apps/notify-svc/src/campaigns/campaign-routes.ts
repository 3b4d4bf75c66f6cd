import { applyDecorators, HttpCode } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { Idempotent, Role, Scope } from '#common';
import { Roles, Scopes, SendsNotifications } from '#auth-kit';

/**
 * Who may do what (seed 001), as for contacts: every user of the tenant reads campaigns and their
 * stats; organizers and admins create, change and launch them (the controller's default). API keys
 * read with notifications:read (or campaigns:write) and write with campaigns:write; what sends
 * (launch, resume, test) also needs notifications:send.
 */
export const ReadsCampaigns = () =>
  applyDecorators(Scopes(Scope.NotificationsRead, Scope.CampaignsWrite), Roles(Role.User, Role.Organizer, Role.Admin));

/** An action on one campaign (`POST :id/<action>`): idempotent, 200 unless `status` says otherwise; `sends` when it lets deliveries out. */
export const CampaignAction = (opts: { summary?: string; sends?: boolean; status?: number } = {}) =>
  applyDecorators(
    ...(opts.summary ? [ApiOperation({ summary: opts.summary })] : []),
    HttpCode(opts.status ?? 200),
    Idempotent(),
    ...(opts.sends ? [SendsNotifications()] : []),
  );
