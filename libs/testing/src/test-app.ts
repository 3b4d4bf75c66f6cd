import type { DynamicModule } from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { configureApp, createFastifyAdapter, createLogger } from '#common';
import { HttpClient } from './http-client.js';

export interface TestApp {
  app: NestFastifyApplication;
  baseUrl: string;
  http: HttpClient;
  close(): Promise<void>;
}

/**
 * Boots a service module exactly as main.ts does (Fastify adapter, envelope, filters, validation),
 * listening on a free port of 127.0.0.1. `override` may swap providers through Nest DI.
 */
export async function startTestApp(
  module: DynamicModule,
  opts: {
    override?: (b: TestingModuleBuilder) => TestingModuleBuilder;
    bodyLimit?: number;
    logLevel?: string;
    /** Where log lines go (default stdout), for tests that read them. */
    logDestination?: { write(line: string): void };
    corsOrigins?: string[];
  } = {},
): Promise<TestApp> {
  let builder = Test.createTestingModule({ imports: [module] });
  if (opts.override) builder = opts.override(builder);
  const moduleRef = await builder.compile();
  const logger = createLogger('test', (opts.logLevel ?? process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent', 'json', opts.logDestination);
  const appOptions = {
    logger,
    bodyLimit: opts.bodyLimit ?? 1_048_576,
    trustProxy: true,
    corsOrigins: opts.corsOrigins,
    swagger: { title: 'test', description: 'test' },
  };
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(appOptions), { logger: false });
  configureApp(app, appOptions);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const baseUrl = `http://127.0.0.1:${port}`;
  return { app, baseUrl, http: new HttpClient(baseUrl), close: () => app.close() };
}
