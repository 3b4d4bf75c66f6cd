import { NotifyCore1796000000000 } from './1796000000000-notify-core.js';
import { NotifyRlsRole1796000000001 } from './1796000000001-notify-rls-role.js';

export const notifyMigrations: Function[] = [NotifyCore1796000000000, NotifyRlsRole1796000000001];
