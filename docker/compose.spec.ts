import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { authConfigSpec, loadAuthConfig } from '../apps/auth-svc/src/config/auth-config.js';
import { loadNotifyConfig, notifyConfigSpec } from '../apps/notify-svc/src/config/notify-config.js';

// No Docker engine runs here: the compose file and the nginx config are checked statically,
// against the same config specs the services validate at start. nginx's own `nginx -t` needs a
// system nginx, so it is docker/check-nginx.sh (run by .ci/run after npm test), not part of npm test.
const root = path.resolve(import.meta.dirname, '..');
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });

/** What docker compose would pass: ${VAR:-default} → default, ${VAR:?msg} → a placeholder the operator must set. */
function resolveEnv(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, raw] of Object.entries(env)) {
    out[k] = String(raw)
      .replace(/\$\{([A-Z_]+):-([^}]*)\}/g, (_m, _n, def: string) => def)
      .replace(/\$\{([A-Z_]+):\?[^}]*\}/g, (_m, name: string) =>
        name.endsWith('ENCRYPTION_KEY') ? Buffer.alloc(32, 7).toString('base64') : `set-${name}`,
      );
  }
  return out;
}

describe('docker-compose.yml', () => {
  it('has postgres, both services, the gateway, and Redis as an optional profile', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['auth-svc', 'gateway', 'notify-svc', 'notify-worker', 'postgres', 'redis']);
    expect(compose.services.redis.profiles).toEqual(['redis']);
    expect(compose.services.gateway.ports).toEqual(['${GATEWAY_PORT:-3000}:80']);
    // Services publish no host port, so they can be scaled behind the gateway.
    expect(compose.services['auth-svc'].ports).toBeUndefined();
    expect(compose.services['notify-svc'].ports).toBeUndefined();
    expect(compose.services['auth-svc'].build.args.SERVICE).toBe('auth-svc');
    expect(compose.services['notify-svc'].build.args.SERVICE).toBe('notify-svc');
  });

  it.each([
    ['auth-svc', authConfigSpec, loadAuthConfig, 'AUTH_PORT', 3001],
    ['notify-svc', notifyConfigSpec, loadNotifyConfig, 'NOTIFY_PORT', 3002],
  ] as const)('gives %s an environment its config schema accepts in production', (name, spec, load, portVar, port) => {
    const env = resolveEnv(compose.services[name].environment);
    for (const key of Object.keys(env)) expect(Object.keys(spec)).toContain(key);
    expect(env.NODE_ENV).toBe('production');
    const config = load(env) as Record<string, unknown>;
    expect(config[portVar]).toBe(port);
    expect(compose.services[name].expose).toEqual([String(port)]);
    expect(compose.services[name].depends_on.postgres.condition).toBe('service_healthy');
  });

  it('runs delivery workers as their own service, with an environment notify-svc accepts in production', () => {
    const w = compose.services['notify-worker'];
    expect(w.command).toEqual(['node', '--enable-source-maps', 'dist/apps/notify-svc/src/worker.js']);
    expect(w.build.args.SERVICE).toBe('notify-svc');
    const env = resolveEnv(w.environment);
    for (const key of Object.keys(env)) expect(Object.keys(notifyConfigSpec)).toContain(key);
    expect(loadNotifyConfig(env).NODE_ENV).toBe('production');
  });
});

describe('docker/nginx.conf', () => {
  const conf = readFileSync(path.join(root, 'docker', 'nginx.conf'), 'utf8');

  it('routes /auth, /.well-known and /notify with paths unchanged, and each service health', () => {
    expect(conf).toMatch(/location \/auth\/ \{\s*proxy_pass http:\/\/auth_svc;/);
    expect(conf).toMatch(/location \/\.well-known\/ \{\s*proxy_pass http:\/\/auth_svc;/);
    expect(conf).toMatch(/location \/notify\/ \{\s*proxy_pass http:\/\/notify_svc;/);
    expect(conf).toMatch(/location \/auth\/health \{\s*proxy_pass http:\/\/auth_svc\/health;/);
    expect(conf).toMatch(/location \/notify\/health \{\s*proxy_pass http:\/\/notify_svc\/health;/);
  });
});
