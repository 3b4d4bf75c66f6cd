/**
 * `.env.example` is generated from the config specs the services validate at start, so it cannot
 * drift from them (scripts/env-example.spec.ts fails when it does). Regenerate: `npm run env:example`.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeSpec, type VarSpec } from '#common/config/index';
import { authConfigSpec } from '../apps/auth-svc/src/config/auth-config.js';
import { notifyConfigSpec } from '../apps/notify-svc/src/config/notify-config.js';
import { commonConfigSpec } from '#common/config/index';
import { gatewayConfigSpec } from '../apps/gateway/src/gateway-config.js';

/** Read by `npm start`, the tests and the bench, not by the services. */
export const launcherVariables: Record<string, VarSpec> = {
  DATABASE_URL: {
    kind: 'url',
    optional: true,
    description:
      'npm start: a PostgreSQL server to use (databases auth and notify are created on it); unset → embedded PostgreSQL under .data/',
  },
  AUTH_DATABASE_NAME: { kind: 'string', default: 'auth', description: 'npm start with DATABASE_URL: name of the auth database' },
  NOTIFY_DATABASE_NAME: { kind: 'string', default: 'notify', description: 'npm start with DATABASE_URL: name of the notify database' },
  TEST_DATABASE_URL: {
    kind: 'url',
    optional: true,
    description:
      'npm test: a database on a real PostgreSQL server; each test file creates its own database there. Unset → embedded PostgreSQL',
  },
  BENCH_DATABASE_URL: {
    kind: 'url',
    optional: true,
    description: 'npm run bench: PostgreSQL server for the benchmark databases; unset → embedded PostgreSQL',
  },
  BENCH_DURATION: { kind: 'int', default: '10', description: 'npm run bench: seconds per scenario' },
  BENCH_CONNECTIONS: { kind: 'int', default: '50', description: 'npm run bench: concurrent connections per scenario' },
  BENCH_ONLY: { kind: 'list', optional: true, description: 'npm run bench: comma-separated parts of scenario names to run' },
};

function section(title: string, spec: Record<string, VarSpec>, skip: Set<string> = new Set()): string[] {
  const lines = [`# ── ${title} ${'─'.repeat(Math.max(3, 90 - title.length))}`];
  for (const v of describeSpec(spec)) {
    if (skip.has(v.name)) continue;
    lines.push(`# ${v.description}${v.default ? ` [default: ${v.default}]` : ''}`);
    const value = v.default && !v.default.startsWith('(') ? v.default : '';
    lines.push(`${value ? '# ' : ''}${v.name}=${value}`);
  }
  return [...lines, ''];
}

export function renderEnvExample(): string {
  const common = new Set(Object.keys(commonConfigSpec));
  return [
    '# Every variable the platform reads. Generated from the config specs: npm run env:example',
    '# Commented lines show defaults; uncommented ones have no default (required, or optional and empty).',
    '',
    ...section('Both services', commonConfigSpec),
    ...section('auth-svc', authConfigSpec, common),
    ...section('notify-svc', notifyConfigSpec, common),
    ...section('dev gateway (npm start)', gatewayConfigSpec),
    ...section('npm start, npm test, npm run bench', launcherVariables),
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  writeFileSync(path.join(root, '.env.example'), renderEnvExample());
  console.log('wrote .env.example');
}
