/**
 * `node scripts/build-if-needed.mjs && node dist/bench/queue-depth.js`: what one scrape of the
 * queue-depth gauges costs PostgreSQL (QUEUE_DEPTH_SQL, run by every notify API pod at every
 * Prometheus scrape), with 10,000 to 1,000,000 jobs waiting. BENCH_DATABASE_URL (a server; a
 * database is created and dropped on it), else the server at postgres://postgres@127.0.0.1:5432.
 * Each size: jobs added in batches of 10,000 (a tenth due later, so every FILTER branch counts),
 * then the query run 20 times; median and p95 reported.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { dropDatabase, withDatabase } from '#common';
import { QUEUE_DEPTH_SQL } from '../apps/notify-svc/src/metrics/queue-depth.metrics.js';
import { migrate } from '../scripts/migrate.js';

const SIZES = (process.env.BENCH_QUEUE_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const RUNS = 20;

async function main() {
  const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const url = withDatabase(server, `bench_queue_${randomBytes(4).toString('hex')}`);
  await migrate('notify', url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let have = 0;
    for (const size of SIZES) {
      while (have < size) {
        const n = Math.min(10_000, size - have);
        await client.query(
          `SELECT count(*) FROM graphile_worker.add_jobs(array(
             SELECT ROW('deliver', json_build_object('d', g), NULL,
                        CASE WHEN g % 10 = 0 THEN now() + interval '1 hour' ELSE now() END,
                        NULL, NULL, 0, NULL)::graphile_worker.job_spec
             FROM generate_series($1::int, $2::int) g))`,
          [have + 1, have + n],
        );
        have += n;
      }
      await client.query('VACUUM ANALYZE graphile_worker._private_jobs');
      const times: number[] = [];
      let row: Record<string, string> = {};
      for (let i = 0; i < RUNS; i++) {
        const t = process.hrtime.bigint();
        row = (await client.query(QUEUE_DEPTH_SQL)).rows[0] as Record<string, string>;
        times.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      times.sort((a, b) => a - b);
      console.log(
        `queue-depth scrape, ${size.toLocaleString('en')} jobs (ready ${row.ready}, scheduled ${row.scheduled}): ` +
          `median ${times[RUNS / 2].toFixed(1)} ms, p95 ${times[Math.floor(RUNS * 0.95)].toFixed(1)} ms`,
      );
    }
  } finally {
    await client.end();
    await dropDatabase(url);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
