import { commonConfigSpec, loadConfig, v, type ConfigOf } from '#common';

export const authConfigSpec = {
  ...commonConfigSpec,
  AUTH_PORT: v.port('auth-svc HTTP port', { default: '3001' }),
  AUTH_DATABASE_URL: v.url('PostgreSQL URL of the auth database', { protocols: ['postgres', 'postgresql'] }),
};

export type AuthConfig = ConfigOf<typeof authConfigSpec>;
export const AUTH_CONFIG = Symbol('AUTH_CONFIG');

export function loadAuthConfig(env: Record<string, string | undefined> = process.env): AuthConfig {
  return loadConfig(authConfigSpec, env);
}
