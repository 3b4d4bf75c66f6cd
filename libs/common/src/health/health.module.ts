import { Module, type DynamicModule } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { HealthController } from './health.controller.js';
import { databaseChecks, READINESS_CHECKS, type ReadinessCheck } from './readiness.js';
import { ALL_DIRECT_ROUTES, DIRECT_ROUTES, livenessRoute, type DirectRoute } from '../http/direct-routes.js';

@Module({})
export class HealthModule {
  /** `extra` adds checks (queue, Redis...) that need other providers; their tokens go in `inject`. */
  static forRoot(extra?: { inject: Array<string | symbol | Function>; useFactory: (...deps: any[]) => ReadinessCheck[] }): DynamicModule {
    return {
      module: HealthModule,
      controllers: [HealthController],
      exports: [ALL_DIRECT_ROUTES],
      providers: [
        {
          provide: ALL_DIRECT_ROUTES,
          inject: [{ token: DIRECT_ROUTES, optional: true }],
          useFactory: (routes?: DirectRoute[]) => [livenessRoute, ...(routes ?? [])],
        },
        {
          provide: READINESS_CHECKS,
          inject: [getDataSourceToken(), ...(extra?.inject ?? [])],
          useFactory: (ds: DataSource, ...deps: unknown[]) => [...databaseChecks(ds), ...(extra ? extra.useFactory(...deps) : [])],
        },
      ],
    };
  }
}
