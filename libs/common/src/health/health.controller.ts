import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator.js';
import { QuietAccessLog } from '../http/route-config.js';
import { AppException } from '../errors/app.exception.js';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness.js';

@ApiTags('health')
@Public()
/** Readiness. Liveness (`GET /health`) is a direct Fastify route: see http/direct-routes.ts. */
@Controller('health')
export class HealthController {
  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[]) {}

  @Get('ready')
  @QuietAccessLog() // probed every few seconds (npm start, Docker HEALTHCHECK, orchestrators)
  @ApiOperation({ summary: 'Readiness: database reachable, migrations applied (503 otherwise)' })
  async ready() {
    const results: Record<string, string> = {};
    let ok = true;
    await Promise.all(
      this.checks.map(async (c) => {
        try {
          await c.check();
          results[c.name] = 'ok';
        } catch (err) {
          ok = false;
          results[c.name] = err instanceof Error ? err.message : 'failed';
        }
      }),
    );
    if (!ok) throw new AppException('SERVICE_UNAVAILABLE', 'Not ready', 503, results);
    return { status: 'ready', checks: results };
  }
}
