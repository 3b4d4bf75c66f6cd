import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, createLogger, PinoNestLogger, SHUTDOWN_SIGNALS } from '#common';
import { AppModule } from './app.module.js';
import { loadNotifyConfig } from './config/notify-config.js';

/**
 * A delivery worker process without an HTTP listener (`npm run start:worker`): the same modules as
 * notify-svc, its workers on. Run any number of them against one database; SIGTERM/SIGINT finish
 * the jobs in hand and stop.
 */
let config;
try {
  config = loadNotifyConfig({ ...process.env, WORKERS_ENABLED: 'true' });
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`notify-worker: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
const logger = createLogger('notify-worker', config.LOG_LEVEL, config.LOG_FORMAT);
try {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
    logger: new PinoNestLogger(logger.child({ context: 'nest' })),
  });
  app.enableShutdownHooks([...SHUTDOWN_SIGNALS]);
  logger.info('notify-worker running');
} catch (err) {
  logger.fatal({ err }, 'notify-worker failed to start');
  process.exit(1);
}
