import { ConfigError, createLogger, SHUTDOWN_SIGNALS, stopWithLauncher } from '#common';
import { buildGateway } from './gateway.js';
import { loadGatewayConfig } from './gateway-config.js';

let config;
try {
  config = loadGatewayConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`gateway: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
const logger = createLogger('gateway', config.LOG_LEVEL, config.LOG_FORMAT);
const app = await buildGateway(config, logger);
for (const signal of SHUTDOWN_SIGNALS) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
await app.listen({ port: config.GATEWAY_PORT, host: config.GATEWAY_HOST });
stopWithLauncher();
