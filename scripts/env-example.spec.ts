import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { authConfigSpec } from '../apps/auth-svc/src/config/auth-config.js';
import { notifyConfigSpec } from '../apps/notify-svc/src/config/notify-config.js';
import { gatewayConfigSpec } from '../apps/gateway/src/gateway-config.js';
import { launcherVariables, renderEnvExample, withConfigTable } from './env-example.js';

const root = path.resolve(import.meta.dirname, '..');

describe('documented configuration', () => {
  it('.env.example is what the config specs generate (npm run env:example)', () => {
    expect(readFileSync(path.join(root, '.env.example'), 'utf8')).toBe(renderEnvExample());
  });

  it('the README configuration table is what the specs generate, and names every variable', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(withConfigTable(readme)).toBe(readme);
    const all = [authConfigSpec, notifyConfigSpec, gatewayConfigSpec, launcherVariables].flatMap((s) => Object.keys(s));
    const missing = [...new Set(all)].filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
