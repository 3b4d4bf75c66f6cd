import cluster from 'node:cluster';
import type { DynamicModule } from '@nestjs/common';
import { ConfigError } from '../config/config-schema.js';
import { createLogger } from '../logging/logger.js';
import { createServiceApp, type AppOptions } from './create-app.js';
import { followPrimary, processCount, superviseProcesses } from './processes.js';
import { stopWithLauncher } from './stop-with-launcher.js';

interface BaseConfig {
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  LOG_FORMAT: 'auto' | 'json' | 'pretty';
  BODY_LIMIT_BYTES: number;
  TRUST_PROXY: string;
  HOST: string;
  CORS_ORIGINS: string[];
}

/**
 * The whole of a service's main.ts: validate config (exit 1 naming the variable), boot, listen. With
 * `processes` above 1, this process supervises that many copies of itself on the same port (see
 * processes.ts), each of which boots and listens.
 */
export async function runService<C extends BaseConfig>(s: {
  name: string;
  loadConfig: () => C;
  module: (config: C) => DynamicModule;
  port: (config: C) => number;
  swagger: NonNullable<AppOptions['swagger']>;
  /** Processes to run the service on (0: one a core, at most 2); absent: one. */
  processes?: (config: C) => number;
}): Promise<void> {
  let config: C;
  try {
    config = s.loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`${s.name}: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(s.name, config.LOG_LEVEL, config.LOG_FORMAT);
  const processes = s.processes ? processCount(s.processes(config)) : 1;
  if (processes > 1 && cluster.isPrimary) {
    superviseProcesses(s.name, processes, logger);
    // Started by a launcher (npm start) that is then killed outright: the SIGTERM this raises stops them all.
    stopWithLauncher();
    return;
  }
  followPrimary();
  try {
    const app = await createServiceApp(s.module(config), {
      logger,
      bodyLimit: config.BODY_LIMIT_BYTES,
      trustProxy: config.TRUST_PROXY,
      corsOrigins: config.CORS_ORIGINS,
      swagger: s.swagger,
    });
    const port = s.port(config);
    await app.listen({ port, host: config.HOST });
    logger.info({ port }, `${s.name} listening on ${await app.getUrl()}`);
    stopWithLauncher();
  } catch (err) {
    logger.fatal({ err }, `${s.name} failed to start`);
    logger.flush();
    process.exit(1);
  }
}
