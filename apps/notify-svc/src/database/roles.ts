export { RLS_ROLE } from './migrations/1796000000001-notify-rls-role.js';

/** The BYPASSRLS role cross-tenant maintenance (retention, repairs) runs as; never a request's role. */
export const MAINTENANCE_ROLE = 'notify_maintenance';
