import 'reflect-metadata';
import { runService } from '#common';
import { AppModule } from './app.module.js';
import { loadAuthConfig } from './config/auth-config.js';

await runService({
  name: 'auth-svc',
  loadConfig: () => loadAuthConfig(),
  module: (config) => AppModule.forRoot(config),
  port: (config) => config.AUTH_PORT,
  swagger: {
    title: 'auth-svc',
    description: 'Identity: sign-up, login, sessions, RS256 tokens (JWKS), API keys, personal tokens, introspection.',
  },
});
