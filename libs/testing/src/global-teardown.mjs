import { rmSync } from 'node:fs';

export default async function globalTeardown() {
  const g = globalThis.__embeddedPg;
  if (!g) return;
  await g.handle.stop();
  rmSync(g.dir, { recursive: true, force: true });
}
