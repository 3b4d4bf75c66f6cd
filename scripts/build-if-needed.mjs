// Builds dist/ when it is missing or older than any source file, so `npm start` works right after
// `npm install` and stays fast on the second run.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.build-stamp');

function newest(dir) {
  let latest = 0;
  if (!existsSync(dir)) return latest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(full));
    else if (/\.(ts|mjs)$/.test(entry.name)) latest = Math.max(latest, statSync(full).mtimeMs);
  }
  return latest;
}

const sources = Math.max(
  ...['apps', 'libs', 'scripts', 'bench'].map((d) => newest(path.join(root, d))),
  statSync(path.join(root, 'tsconfig.json')).mtimeMs,
  statSync(path.join(root, 'tsconfig.build.json')).mtimeMs,
);
const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
if (built < sources) {
  console.log('Building (tsc -p tsconfig.build.json)...');
  try {
    execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
      cwd: root,
      stdio: 'inherit',
    });
  } catch {
    console.error('Build failed (see the TypeScript errors above).');
    process.exit(1);
  }
  writeFileSync(stamp, new Date().toISOString());
}
