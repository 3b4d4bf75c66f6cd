// The yardstick: a bare Fastify hello-world, started in the same run as the services.
import Fastify, { type FastifyReply } from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));

/**
 * The same bytes as a service's answer: `/replay/<name>` sends back, unchanged, the headers and body
 * the harness captured from one real answer of that route (harness.ts, sameBytes). What bare Fastify
 * reaches with them is the ceiling those headers and that body leave to the route, whatever our code
 * does (docs/benchmarks.md, issue 20).
 */
const replays = new Map<string, { headers: Record<string, string>; body: string }>();
process.on('message', (m: { replay?: { name: string; headers: Record<string, string>; body: string } }) => {
  if (!m.replay) return;
  replays.set(m.replay.name, { headers: m.replay.headers, body: m.replay.body });
  process.send?.({ replayed: m.replay.name });
});
app.get('/replay/:name', (req, reply: FastifyReply) => {
  const r = replays.get((req.params as { name: string }).name);
  if (!r) return reply.code(404).send();
  return reply.headers(r.headers).send(r.body);
});

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.send?.({ port: (app.server.address() as { port: number }).port });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
