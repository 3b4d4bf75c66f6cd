import { commonConfigSpec, loadConfig, v, type ConfigOf } from '#common';

export const gatewayConfigSpec = {
  GATEWAY_PORT: v.port('Dev gateway HTTP port', { default: '3000' }),
  GATEWAY_HOST: v.string('Interface the gateway listens on: loopback by default; 0.0.0.0 opens it to the network', {
    default: '127.0.0.1',
  }),
  AUTH_UPSTREAM_URL: v.urls(
    'Where the gateway sends /auth/* and /.well-known/*: one URL, or several comma-separated (balanced, with failover for idempotent requests)',
    { default: 'http://127.0.0.1:3001' },
  ),
  NOTIFY_UPSTREAM_URL: v.urls(
    'Where the gateway sends /notify/*: one URL, or several comma-separated (balanced, with failover for idempotent requests)',
    { default: 'http://127.0.0.1:3002' },
  ),
  GATEWAY_UPSTREAM_TIMEOUT: v.duration('How long the gateway waits for a service to answer before 504 GATEWAY_TIMEOUT', {
    default: '30s',
    min: 1,
  }),
  LOG_LEVEL: commonConfigSpec.LOG_LEVEL,
  LOG_FORMAT: commonConfigSpec.LOG_FORMAT,
  BODY_LIMIT_BYTES: commonConfigSpec.BODY_LIMIT_BYTES,
};
export type GatewayConfig = ConfigOf<typeof gatewayConfigSpec>;

export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return loadConfig(gatewayConfigSpec, env);
}
