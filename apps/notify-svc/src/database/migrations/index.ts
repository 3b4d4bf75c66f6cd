import { NotifyCore1796000000000 } from './1796000000000-notify-core.js';

export const notifyMigrations: Function[] = [NotifyCore1796000000000];
