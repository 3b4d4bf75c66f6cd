import { loadConfig, v, type ConfigOf } from '#common';

export const gatewayConfigSpec = {
  GATEWAY_PORT: v.port('Dev gateway HTTP port', { default: '3000' }),
  GATEWAY_HOST: v.string('Interface the gateway listens on', { default: '0.0.0.0' }),
  AUTH_UPSTREAM_URL: v.url('Where the gateway sends /auth/* and /.well-known/*', { default: 'http://127.0.0.1:3001' }),
  NOTIFY_UPSTREAM_URL: v.url('Where the gateway sends /notify/*', { default: 'http://127.0.0.1:3002' }),
  LOG_LEVEL: v.enum('pino log level', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, { default: 'info' }),
};
export type GatewayConfig = ConfigOf<typeof gatewayConfigSpec>;

export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return loadConfig(gatewayConfigSpec, env);
}
