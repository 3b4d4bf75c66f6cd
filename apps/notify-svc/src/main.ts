import 'reflect-metadata';
import { runService } from '#common';
import { AppModule } from './app.module.js';
import { loadNotifyConfig } from './config/notify-config.js';

await runService({
  name: 'notify-svc',
  loadConfig: () => loadNotifyConfig(),
  module: (config) => AppModule.forRoot(config),
  port: (config) => config.NOTIFY_PORT,
  processes: (config) => config.NOTIFY_PROCESSES,
  swagger: {
    title: 'notify-svc',
    description:
      'Notifications: deliveries over email, SMS, push, webhooks and in-app; templates, preferences, suppressions, topics, metrics.',
  },
});
