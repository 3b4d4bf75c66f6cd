export const authMigrations: Function[] = [];
