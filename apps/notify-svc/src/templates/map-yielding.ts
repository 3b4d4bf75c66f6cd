import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * `items.map(fn)` that lets the event loop run whenever `sliceMs` of work has gone by: rendering a
 * batch of 1,000 recipients (each render bounded by TEMPLATE_LIMITS) must not hold other tenants'
 * requests.
 */
export async function mapYielding<T, R>(items: readonly T[], fn: (item: T, index: number) => R, sliceMs = 10): Promise<R[]> {
  const out: R[] = [];
  let since = performance.now();
  for (let i = 0; i < items.length; i++) {
    if (performance.now() - since > sliceMs) {
      await nextTurn();
      since = performance.now();
    }
    out.push(fn(items[i]!, i));
  }
  return out;
}
