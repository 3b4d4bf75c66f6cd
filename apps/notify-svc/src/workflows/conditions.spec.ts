import { describe, expect, it } from '@jest/globals';
import { AppException } from '#common';
import { checkCondition, evaluate, valueAt, type Condition } from './conditions.js';
import { parseSteps } from './workflow-definition.js';

const facts = (data: Record<string, unknown>, outcomes: Record<string, string[]> = {}) => ({
  values: { data, recipient: { email: 'a@example.com' }, digest: { count: 3, events: [] } },
  outcome: (step: string, is: string) => (outcomes[step] ?? []).includes(is),
});

describe('workflow conditions', () => {
  it.each<[Condition, boolean]>([
    [{ field: 'data.amount', gt: 100 }, true],
    [{ field: 'data.amount', lte: 100 }, false],
    [{ field: 'data.amount', gt: '100' }, false],
    [{ field: 'data.tier', in: ['gold', 'silver'] }, true],
    [{ field: 'data.tags', contains: 'vip' }, true],
    [{ field: 'data.missing', exists: false }, true],
    [{ field: 'recipient.email', eq: 'a@example.com' }, true],
    [{ field: 'digest.count', gte: 3 }, true],
    [
      {
        all: [
          { field: 'data.amount', gt: 100 },
          { step: 'inbox', is: 'unseen' },
        ],
      },
      true,
    ],
    [
      {
        any: [
          { field: 'data.amount', lt: 0 },
          { step: 'inbox', is: 'seen' },
        ],
      },
      false,
    ],
    [{ not: { step: 'inbox', is: 'unseen' } }, false],
  ])('%j is %s', (c, want) => {
    expect(evaluate(c, facts({ amount: 250, tier: 'gold', tags: ['vip'] }, { inbox: ['unseen'] }))).toBe(want);
  });

  it('reads own properties only (no prototype walk)', () => {
    expect(valueAt({ data: {} }, 'data.constructor')).toBeUndefined();
    expect(checkCondition({ field: 'data.__proto__', exists: true }, 'if', new Map())).toHaveLength(1);
  });

  it('names every problem by its field', () => {
    const earlier = new Map([['inbox', 'in_app']]);
    const fields = checkCondition(
      {
        all: [
          { step: 'nope', is: 'seen' },
          { field: 'data.x', between: [1, 2] },
          { step: 'inbox', is: 'opened' },
        ],
      },
      'steps[2].if',
      earlier,
    ).map((p) => p.field);
    expect(fields).toEqual(['steps[2].if.all[0].step', 'steps[2].if.all[1].between', 'steps[2].if.all[2].is']);
  });
});

describe('workflow definitions', () => {
  it('names unnamed steps and keeps what was given', () => {
    expect(
      parseSteps([
        { type: 'in_app', content: { body: 'x' } },
        { type: 'delay', for: '30m' },
        { type: 'email', templateKey: 't', if: { step: 'step-1', is: 'unseen' } },
      ]),
    ).toEqual([
      { type: 'in_app', name: 'step-1', content: { body: 'x' } },
      { type: 'delay', name: 'step-2', for: '30m' },
      { type: 'email', name: 'step-3', templateKey: 't', if: { step: 'step-1', is: 'unseen' } },
    ]);
  });

  it('refuses a second digest and durations out of range, naming the fields', () => {
    try {
      parseSteps([
        { type: 'digest', window: '8d' },
        { type: 'digest', window: '1m' },
        { type: 'throttle', limit: 0, window: '1h' },
        { type: 'email', templateKey: 't' },
      ]);
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(AppException);
      const fields = ((err as AppException).details as Array<{ field: string }>).map((d) => d.field);
      expect(fields).toEqual(expect.arrayContaining(['steps[0].window', 'steps[1]', 'steps[2].limit']));
    }
  });
});
