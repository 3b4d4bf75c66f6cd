import { afterAll, describe, expect, it } from '@jest/globals';
import { AppException } from '#common';
import { checkTemplateSource, position, TEMPLATE_LIMITS } from './template-limits.js';
import { TemplateRenderer } from './template-renderer.js';

const nestedIf = (levels: number) => '{{#if a}}'.repeat(levels) + 'x' + '{{/if}}'.repeat(levels);

describe('checkTemplateSource', () => {
  it('refuses 5,000 nested blocks (the 80 KB probe) in milliseconds, at the 17th level', () => {
    const source = nestedIf(5_000);
    const started = performance.now();
    const problem = checkTemplateSource(source);
    expect(performance.now() - started).toBeLessThan(50);
    expect(problem).toEqual({ message: 'blocks nest at most 16 deep', line: 1, column: 16 * 9 + 1 });
  });

  it('lets 16 levels, 1,000 tags and 8 sub-expressions through', () => {
    expect(checkTemplateSource(nestedIf(16))).toBeNull();
    expect(checkTemplateSource('{{a}}'.repeat(1_000))).toBeNull();
    expect(checkTemplateSource('{{x ' + '(a '.repeat(8) + ')'.repeat(8) + '}}')).toBeNull();
    expect(checkTemplateSource('{{#if a}}{{else if b}}{{else}}{{^}}y{{/if}}'.repeat(50))).toBeNull();
  });

  it.each([
    ['1,001 tags', '{{a}}'.repeat(1_001), 'at most 1000 tags'],
    ['9 sub-expressions', '{{x ' + '(a '.repeat(9) + ')'.repeat(9) + '}}', 'at most 8 nested sub-expressions'],
    ['an else-if chain of 17', '{{#if a}}' + '{{else if b}}'.repeat(16) + '{{/if}}', 'blocks nest at most 16 deep'],
    ['inverse blocks', '{{^a}}'.repeat(17), 'blocks nest at most 16 deep'],
    ['too many characters', 'x'.repeat(100_001), 'at most 100000 characters'],
    ['too much inside tags', '{{x ' + 'a '.repeat(10_001) + '}}', 'at most 20000 characters inside tags'],
    ['a partial', 'hi {{> other}}', 'partials and decorators are not supported'],
    ['an inline partial', '{{#*inline "p"}}{{> p}}{{/inline}}', 'partials and decorators are not supported'],
  ])('refuses %s', (_case, source, message) => {
    expect(checkTemplateSource(source)?.message).toBe(message);
  });

  it('does not count comments, escaped mustaches or braces in strings', () => {
    expect(checkTemplateSource('{{!-- {{#if}} }} --}}'.repeat(2_000))).toBeNull();
    expect(checkTemplateSource('\\{{#if a}}'.repeat(50))).toBeNull();
    expect(checkTemplateSource('{{x "((((((((((" }}')).toBeNull();
  });

  it('gives 1-based lines and columns', () => {
    expect(position('ab\ncd\nef', 7)).toEqual({ line: 3, column: 2 });
    expect(checkTemplateSource('ok\n  {{> p}}')).toMatchObject({ line: 2, column: 3 });
  });
});

describe('TemplateRenderer', () => {
  const renderer = new TemplateRenderer();
  afterAll(() => renderer.onModuleDestroy());

  async function refusal(promise: Promise<unknown>): Promise<{ status: number; details: unknown }> {
    const err = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppException);
    return { status: (err as AppException).getStatus(), details: (err as AppException).details };
  }

  it('refuses a parse error with the field, line and column, compiled on the worker', async () => {
    const r = await refusal(renderer.validate({ text: 'line one\n{{#if a}}x' }, 'channels.sms'));
    expect(r.status).toBe(400);
    expect(r.details).toEqual([expect.objectContaining({ field: 'channels.sms.text', line: 2 })]);
  });

  it('renders what it validated; a missing variable names the field and position, not JavaScript text', async () => {
    await renderer.validate({ subject: 'Hi {{name}}', html: '<b>{{name}}</b>' }, 'channels.email');
    expect(renderer.render({ subject: 'Hi {{name}}', html: '<b>{{name}}</b>' }, { name: '<Ada>' })).toEqual({
      subject: 'Hi <Ada>',
      html: '<b>&lt;Ada&gt;</b>',
    });
    let err: unknown;
    try {
      renderer.render({ text: 'Hello\n  {{user.name}}' }, { user: {} });
    } catch (e) {
      err = e;
    }
    expect((err as AppException).details).toEqual([{ field: 'text', line: 2, column: 5, message: '"name" is not defined in the data' }]);
    expect(JSON.stringify((err as AppException).details)).not.toMatch(/object Object/);
  });

  it('bounds #each iterations at render', async () => {
    const source = '{{#each a}}{{#each @root.a}}{{#each @root.a}}.{{/each}}{{/each}}{{/each}}';
    await renderer.prepare({ text: source });
    const a = Array.from({ length: 100 }, (_, i) => i);
    const started = performance.now();
    let err: unknown;
    try {
      renderer.render({ text: source }, { a });
    } catch (e) {
      err = e;
    }
    expect(performance.now() - started).toBeLessThan(500);
    expect((err as AppException).getStatus()).toBe(422);
    expect((err as AppException).details).toEqual([
      { field: 'text', message: `#each ran more than ${TEMPLATE_LIMITS.maxEachIterations} times` },
    ]);
    expect(renderer.render({ text: source }, { a: [1, 2] })).toEqual({ text: '........' });
  });
});
