export const notifyMigrations: Function[] = [];
