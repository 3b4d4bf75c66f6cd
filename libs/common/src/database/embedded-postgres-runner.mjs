// Runs one embedded PostgreSQL for a launcher that forked this file (startEmbeddedPostgresApart):
// started with the options in argv[2], stopped on a 'stop' message, or when the launcher is gone.
// Plain ESM JavaScript, like embedded-postgres.mjs, so it runs without any transform.
import { startEmbeddedPostgres } from './embedded-postgres.mjs';

/** @type {import('./embedded-postgres.mjs').EmbeddedPostgresHandle | undefined} */
let handle;
let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await handle?.stop().catch(() => undefined);
  process.exit(0);
}
process.on('message', (m) => m === 'stop' && void stop());
// The launcher died without asking (SIGKILL): PostgreSQL is not left running on its own.
process.on('disconnect', () => void stop());

try {
  handle = await startEmbeddedPostgres(JSON.parse(process.argv[2] ?? '{}'));
  process.send?.({ port: handle.port });
} catch (err) {
  process.send?.({ error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
}
