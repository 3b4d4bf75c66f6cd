import { commonConfigSpec, loadConfig, v, type ConfigOf } from '#common';

export const notifyConfigSpec = {
  ...commonConfigSpec,
  NOTIFY_PORT: v.port('notify-svc HTTP port', { default: '3002' }),
  NOTIFY_DATABASE_URL: v.url('PostgreSQL URL of the notify database', { protocols: ['postgres', 'postgresql'] }),
};

export type NotifyConfig = ConfigOf<typeof notifyConfigSpec>;
export const NOTIFY_CONFIG = Symbol('NOTIFY_CONFIG');

export function loadNotifyConfig(env: Record<string, string | undefined> = process.env): NotifyConfig {
  return loadConfig(notifyConfigSpec, env);
}
