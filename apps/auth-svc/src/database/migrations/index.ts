import { AuthCore1795800000000 } from './1795800000000-auth-core.js';

export const authMigrations: Function[] = [AuthCore1795800000000];
