import 'reflect-metadata';
import { RequestMethod, type DynamicModule, type Type } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA, MODULE_METADATA } from '@nestjs/common/constants.js';
import { describe, expect, it } from '@jest/globals';
import { IdempotencyInterceptor } from '#common';
import { AppModule } from '../src/app.module.js';
import { loadNotifyConfig } from '../src/config/notify-config.js';

/** Every controller reachable from a module, walking static and dynamic imports. */
function controllersOf(root: DynamicModule): Type[] {
  const seen = new Set<unknown>();
  const out: Type[] = [];
  const visit = (m: unknown) => {
    if (!m || seen.has(m)) return;
    seen.add(m);
    const dyn = m as DynamicModule;
    const cls = (dyn.module ?? m) as Type;
    out.push(
      ...((Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, cls) as Type[] | undefined) ?? []),
      ...((dyn.controllers as Type[] | undefined) ?? []),
    );
    for (const i of [...((Reflect.getMetadata(MODULE_METADATA.IMPORTS, cls) as unknown[] | undefined) ?? []), ...(dyn.imports ?? [])])
      visit(i);
  };
  visit(root);
  return [...new Set(out)];
}

/**
 * POST routes that callers cannot give an Idempotency-Key and that deduplicate by what they carry:
 * provider webhooks (a provider retries a receipt without a key; the same status of the same
 * message changes nothing twice). Public, without a tenant to scope a key record to.
 */
const DEDUPLICATED_BY_CONTENT = new Set(['ProviderWebhooksController.receive']);

describe('Idempotency-Key on every POST route of notify-svc', () => {
  const controllers = controllersOf(AppModule.forRoot(loadNotifyConfig({ NOTIFY_DATABASE_URL: 'postgres://127.0.0.1/unused' })));

  it('finds the controllers', () => {
    expect(controllers.length).toBeGreaterThan(8);
  });

  it('binds the idempotency interceptor to each POST handler, and to no GET', () => {
    const posts: string[] = [];
    const missing: string[] = [];
    const onGets: string[] = [];
    for (const c of controllers) {
      for (const name of Object.getOwnPropertyNames(c.prototype)) {
        const handler = c.prototype[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        const interceptors = (Reflect.getMetadata(INTERCEPTORS_METADATA, handler) as unknown[] | undefined) ?? [];
        const bound = interceptors.includes(IdempotencyInterceptor);
        if (method === RequestMethod.POST) {
          posts.push(`${c.name}.${name}`);
          if (!bound && !DEDUPLICATED_BY_CONTENT.has(`${c.name}.${name}`)) missing.push(`${c.name}.${name}`);
        } else if (method === RequestMethod.GET && bound) onGets.push(`${c.name}.${name}`);
      }
    }
    expect(posts.length).toBeGreaterThanOrEqual(11);
    expect(missing).toEqual([]);
    expect(onGets).toEqual([]);
  });
});
