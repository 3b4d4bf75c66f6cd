import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { LIVE_BUS, type LiveBus } from './live-bus.js';
import { PostgresLiveBus } from './postgres-live-bus.js';
import { RedisLiveBus } from './redis-live-bus.js';
import { SseStreams } from './sse.js';

export interface LiveModuleOptions {
  /** The service's own database: LISTEN/NOTIFY when there is no Redis. */
  databaseUrl: string;
  /** When set, fan-out goes through Redis pub/sub instead. */
  redisUrl?: string;
  /** Channel name (default `live`). */
  channel?: string;
  /** Names the connections (`<applicationName>:listen`, `:publish`) in pg_stat_activity / CLIENT LIST. */
  applicationName?: string;
}

/** Redis when configured, else PostgreSQL: the same choice the rate limits make. */
export function createLiveBus(o: LiveModuleOptions, onError?: (err: unknown) => void): LiveBus {
  if (o.redisUrl) return new RedisLiveBus(o.redisUrl, { channel: o.channel, connectionName: o.applicationName, onError });
  return new PostgresLiveBus(o.databaseUrl, { channel: o.channel, applicationName: o.applicationName, onError });
}

/** Provides LIVE_BUS (cross-instance fan-out) and SseStreams (open event streams, ended at shutdown) everywhere. */
@Module({})
export class LiveModule {
  static forRoot(options: LiveModuleOptions): DynamicModule {
    return {
      module: LiveModule,
      global: true,
      providers: [
        {
          provide: LIVE_BUS,
          useFactory: () => {
            const log = new Logger('live-bus');
            return createLiveBus(options, (err) => log.warn(`fan-out connection trouble: ${String(err)}`));
          },
        },
        SseStreams,
      ],
      exports: [LIVE_BUS, SseStreams],
    };
  }
}
