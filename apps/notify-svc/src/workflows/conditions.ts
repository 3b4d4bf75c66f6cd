import { CHANNEL_REGISTRY, isChannel } from '../channels/channel-registry.js';

/**
 * The `if` of a workflow step: a small declarative condition, checked at write and evaluated by
 * walking the JSON (no code execution, no template engine). Hand-written: it is a dozen operators
 * over plain values, and a general expression library would bring the evaluation this forbids.
 *
 *   {"step": "inbox", "is": "unseen"}                  an earlier step's outcome
 *   {"field": "data.amount", "gt": 100}                a value of data, recipient or digest
 *   {"all": [...]}, {"any": [...]}, {"not": {...}}     combinations (at most 4 deep, 20 nodes)
 */
export type Condition =
  | { step: string; is: StepOutcome }
  | ({ field: string } & Partial<Record<FieldOp, unknown>>)
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const STEP_OUTCOMES = ['seen', 'unseen', 'read', 'unread', 'sent', 'delivered', 'failed', 'suppressed', 'skipped'] as const;
export type StepOutcome = (typeof STEP_OUTCOMES)[number];
/** Outcomes only an in-app item has. */
const INBOX_OUTCOMES = new Set<StepOutcome>(['seen', 'unseen', 'read', 'unread']);
const isInboxStep = (type: string) => isChannel(type) && CHANNEL_REGISTRY[type].sends === 'inbox';
export const FIELD_OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'exists', 'contains'] as const;
export type FieldOp = (typeof FIELD_OPS)[number];
const ROOTS = ['data', 'recipient', 'digest'];
const SEGMENT = /^[A-Za-z0-9_-]{1,64}$/;
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);
const MAX_DEPTH = 4;
const MAX_NODES = 20;

type Problem = { field: string; messages: string[] };
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A dotted path under one of `roots` (data.order.total): null when fine, else the problem. */
export function checkPath(path: string, roots: readonly string[] = ROOTS): string | null {
  const parts = path.split('.');
  if (parts.length < 2 || parts.length > 8 || !roots.includes(parts[0]!))
    return `must be a path under ${roots.join(', ')} (e.g. ${roots[0]}.name)`;
  if (parts.some((p) => !SEGMENT.test(p) || FORBIDDEN.has(p))) return 'path segments are letters, digits, _ or -';
  return null;
}

/**
 * Every problem of a raw condition, each naming its field. `earlier`: the steps before this one
 * (name -> type); a condition may read only those.
 */
export function checkCondition(raw: unknown, at: string, earlier: ReadonlyMap<string, string>): Problem[] {
  const problems: Problem[] = [];
  let nodes = 0;
  const bad = (field: string, message: string) => problems.push({ field, messages: [message] });
  const walk = (c: unknown, path: string, depth: number) => {
    if (++nodes > MAX_NODES) return void (nodes === MAX_NODES + 1 && bad(at, `at most ${MAX_NODES} conditions`));
    if (depth > MAX_DEPTH) return void bad(path, `nested at most ${MAX_DEPTH} deep`);
    if (!isObject(c)) return void bad(path, 'must be a condition object');
    const keys = Object.keys(c);
    if ('all' in c || 'any' in c) {
      const k = 'all' in c ? 'all' : 'any';
      if (keys.length !== 1) return void bad(path, `"${k}" stands alone`);
      const list = c[k];
      if (!Array.isArray(list) || list.length < 1) return void bad(`${path}.${k}`, 'must be a non-empty array of conditions');
      list.forEach((x, i) => walk(x, `${path}.${k}[${i}]`, depth + 1));
      return;
    }
    if ('not' in c) {
      if (keys.length !== 1) return void bad(path, '"not" stands alone');
      return walk(c['not'], `${path}.not`, depth + 1);
    }
    if ('step' in c) {
      for (const k of keys) if (k !== 'step' && k !== 'is') bad(`${path}.${k.slice(0, 40)}`, 'is not a field of a step condition');
      const name = c['step'];
      if (typeof name !== 'string' || !earlier.has(name)) {
        bad(`${path}.step`, `must name an earlier step (${[...earlier.keys()].join(', ') || 'none before this one'})`);
      }
      const is = c['is'];
      if (typeof is !== 'string' || !(STEP_OUTCOMES as readonly string[]).includes(is)) {
        bad(`${path}.is`, `must be one of ${STEP_OUTCOMES.join(', ')}`);
      } else if (
        typeof name === 'string' &&
        earlier.has(name) &&
        INBOX_OUTCOMES.has(is as StepOutcome) &&
        !isInboxStep(earlier.get(name)!)
      ) {
        bad(`${path}.is`, `"${is}" applies to an in_app step only`);
      } else if (typeof name === 'string' && earlier.has(name) && !['delay', 'digest', 'throttle'].includes(earlier.get(name)!)) {
        // a channel step: fine
      } else if (typeof name === 'string' && earlier.has(name)) {
        bad(`${path}.step`, 'must name a channel step (delay, digest and throttle steps have no outcome to test)');
      }
      return;
    }
    if ('field' in c) {
      const f = c['field'];
      const problem = typeof f === 'string' ? checkPath(f) : 'must be a path like data.amount';
      if (problem) bad(`${path}.field`, problem);
      const ops = keys.filter((k) => k !== 'field');
      for (const k of ops)
        if (!(FIELD_OPS as readonly string[]).includes(k)) bad(`${path}.${k.slice(0, 40)}`, `is not an operator (${FIELD_OPS.join(', ')})`);
      if (ops.length !== 1) return void bad(path, 'give exactly one operator');
      const op = ops[0] as FieldOp;
      const v = c[op];
      if (op === 'exists' && typeof v !== 'boolean') bad(`${path}.exists`, 'must be true or false');
      if ((op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte') && typeof v !== 'number' && typeof v !== 'string') {
        bad(`${path}.${op}`, 'must be a number or a string');
      }
      if ((op === 'eq' || op === 'ne' || op === 'contains') && (isObject(v) || Array.isArray(v)))
        bad(`${path}.${op}`, 'must be a plain value');
      if (op === 'in' && (!Array.isArray(v) || v.length > 100 || v.some((x) => isObject(x) || Array.isArray(x)))) {
        bad(`${path}.in`, 'must be an array of at most 100 plain values');
      }
      return;
    }
    bad(path, 'must be {step, is}, {field, <operator>}, {all}, {any} or {not}');
  };
  walk(raw, at, 1);
  return problems;
}

/** What a condition reads: values by path, and earlier steps' outcomes (already looked up). */
export interface ConditionFacts {
  values: Record<string, unknown>;
  outcome: (step: string, is: StepOutcome) => boolean;
}

/** The value at a checked dotted path (own properties only). */
export function valueAt(root: Record<string, unknown>, path: string): unknown {
  let v: unknown = root;
  for (const p of path.split('.')) {
    if (!isObject(v) || !Object.hasOwn(v, p)) return undefined;
    v = v[p];
  }
  return v;
}

/** The step names a condition asks about (their outcomes are looked up before evaluating). */
export function stepsOf(c: Condition): string[] {
  if ('all' in c) return c.all.flatMap(stepsOf);
  if ('any' in c) return c.any.flatMap(stepsOf);
  if ('not' in c) return stepsOf(c.not);
  if ('step' in c) return [c.step];
  return [];
}

export function evaluate(c: Condition, facts: ConditionFacts): boolean {
  if ('all' in c) return c.all.every((x) => evaluate(x, facts));
  if ('any' in c) return c.any.some((x) => evaluate(x, facts));
  if ('not' in c) return !evaluate(c.not, facts);
  if ('step' in c) return facts.outcome(c.step, c.is);
  const v = valueAt(facts.values, c.field);
  const op = (FIELD_OPS as readonly string[]).find((k) => k in c) as FieldOp;
  const arg = (c as Record<string, unknown>)[op];
  switch (op) {
    case 'exists':
      return (v !== undefined && v !== null) === arg;
    case 'eq':
      return v === arg;
    case 'ne':
      return v !== arg;
    case 'in':
      return (arg as unknown[]).includes(v);
    case 'contains':
      return typeof v === 'string' ? typeof arg === 'string' && v.includes(arg) : Array.isArray(v) && v.includes(arg);
    default: {
      // Numbers compare as numbers, strings (ISO dates) as strings; mixed types never match.
      if (typeof v !== typeof arg || (typeof v !== 'number' && typeof v !== 'string')) return false;
      const [a, b] = [v as number | string, arg as number | string];
      return op === 'gt' ? a > b : op === 'gte' ? a >= b : op === 'lt' ? a < b : a <= b;
    }
  }
}
