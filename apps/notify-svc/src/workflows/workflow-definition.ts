import { AppException, parseDuration } from '#common';
import { CHANNEL_REGISTRY, CHANNELS, isChannel, type Channel } from '../channels/channel-registry.js';
import { TEMPLATE_KEY } from '../templates/dtos/template.dto.js';
import { LOCAL_TIME_PATTERN } from '../campaigns/local-time.js';
import { checkCondition, checkPath, type Condition } from './conditions.js';

/**
 * A workflow's definition policy: what a step may be, checked at write (POST/PUT /workflows) so a
 * stored definition always runs. Every problem is a 400 naming the field (`steps[2].window`);
 * nothing is stored. Step bodies are free JSON (polymorphic by `type`), so they are checked here
 * rather than by class-validator DTOs (see RAW_JSON_NOTE in contacts/dtos/contact.dto.ts).
 */
export const FLOW_STEP_TYPES = ['delay', 'digest', 'throttle'] as const;
export const STEP_TYPES = [...CHANNELS, ...FLOW_STEP_TYPES] as const;
export type StepType = (typeof STEP_TYPES)[number];

export const MAX_STEPS = 20;
export const MAX_DELAY_SECONDS = 30 * 86_400;
export const MAX_DIGEST_WINDOW_SECONDS = 7 * 86_400;
export const MAX_THROTTLE_WINDOW_SECONDS = 30 * 86_400;
export const MAX_THROTTLE_LIMIT = 10_000;
const STEP_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

interface StepBase {
  name: string;
  if?: Condition;
}
export interface ChannelStep extends StepBase {
  type: Channel;
  templateKey?: string;
  content?: { subject?: string; body: string };
}
export interface DelayStep extends StepBase {
  type: 'delay';
  for?: string;
  until?: string;
  localTime?: string;
  defaultTimezone?: string;
}
export interface DigestStep extends StepBase {
  type: 'digest';
  window: string;
  key?: string;
}
export interface ThrottleStep extends StepBase {
  type: 'throttle';
  limit: number;
  window: string;
  key?: string;
}
export type WorkflowStep = ChannelStep | DelayStep | DigestStep | ThrottleStep;

export const isChannelStep = (s: WorkflowStep): s is ChannelStep => isChannel(s.type);

type Problem = { field: string; messages: string[] };

const ALLOWED_KEYS: Record<string, readonly string[]> = {
  channel: ['type', 'name', 'if', 'templateKey', 'content'],
  delay: ['type', 'name', 'if', 'for', 'until', 'localTime', 'defaultTimezone'],
  digest: ['type', 'name', 'if', 'window', 'key'],
  throttle: ['type', 'name', 'if', 'limit', 'window', 'key'],
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A duration ("30m", "1h", "0"): seconds, or a problem. */
function duration(v: unknown, min: number, max: number): number | string {
  if (typeof v !== 'string' && typeof v !== 'number') return 'must be a duration like 30s, 10m, 1h or 2d';
  const n = parseDuration(String(v));
  if (n === null) return 'must be a duration like 30s, 10m, 1h or 2d';
  if (n < min || n > max) return `must be between ${min}s and ${max}s`;
  return n;
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Checks a raw `steps` array; returns the stored form (every step named) or throws one 400 with every problem. */
export function parseSteps(raw: unknown): WorkflowStep[] {
  const problems: Problem[] = [];
  const bad = (field: string, message: string) => problems.push({ field, messages: [message] });
  if (!Array.isArray(raw))
    throw AppException.validation('steps must be an array', [{ field: 'steps', messages: ['must be an array of steps'] }]);
  if (raw.length < 1 || raw.length > MAX_STEPS) {
    throw AppException.validation('Invalid steps', [{ field: 'steps', messages: [`must hold 1 to ${MAX_STEPS} steps`] }]);
  }
  const steps: WorkflowStep[] = [];
  const names = new Map<string, number>();
  raw.forEach((s: unknown, i) => {
    const at = `steps[${i}]`;
    if (!isObject(s)) return void bad(at, 'must be an object');
    const type = s['type'];
    if (typeof type !== 'string' || !(STEP_TYPES as readonly string[]).includes(type)) {
      return void bad(`${at}.type`, `must be one of ${STEP_TYPES.join(', ')}`);
    }
    const kind = isChannel(type) ? 'channel' : type;
    for (const k of Object.keys(s))
      if (!ALLOWED_KEYS[kind]!.includes(k)) bad(`${at}.${k.slice(0, 40)}`, `is not a field of a ${type} step`);
    let name = `step-${i + 1}`;
    if (s['name'] !== undefined) {
      if (typeof s['name'] !== 'string' || !STEP_NAME.test(s['name'])) bad(`${at}.name`, 'must be letters, digits, _ or - (max 64)');
      else name = s['name'];
    }
    if (names.has(name)) bad(`${at}.name`, `"${name}" names another step`);
    names.set(name, i);
    const step: Record<string, unknown> = { type, name };
    if (s['if'] !== undefined) {
      const earlier = new Map([...names].filter(([, idx]) => idx < i).map(([n, idx]) => [n, steps[idx]?.type ?? '']));
      for (const p of checkCondition(s['if'], `${at}.if`, earlier)) problems.push(p);
      step['if'] = s['if'];
    }
    if (kind === 'channel') {
      const hasTemplate = s['templateKey'] !== undefined;
      const hasContent = s['content'] !== undefined;
      if (hasTemplate === hasContent) bad(at, 'give exactly one of templateKey or content');
      if (hasTemplate) {
        if (typeof s['templateKey'] !== 'string' || !TEMPLATE_KEY.test(s['templateKey']))
          bad(`${at}.templateKey`, 'must be a template key');
        else step['templateKey'] = s['templateKey'];
      }
      if (hasContent) {
        const c = s['content'];
        if (!isObject(c)) bad(`${at}.content`, 'must be an object {subject?, body}');
        else {
          for (const k of Object.keys(c))
            if (k !== 'subject' && k !== 'body') bad(`${at}.content.${k.slice(0, 40)}`, 'is not a content field');
          if (typeof c['body'] !== 'string' || c['body'].length < 1 || c['body'].length > 100_000) {
            bad(`${at}.content.body`, 'must be a string of 1 to 100,000 characters');
          }
          if (c['subject'] !== undefined && (typeof c['subject'] !== 'string' || c['subject'].length > 1000)) {
            bad(`${at}.content.subject`, 'must be a string of at most 1,000 characters');
          }
          if (isChannel(type) && CHANNEL_REGISTRY[type].subjectRequired && !c['subject'])
            bad(`${at}.content.subject`, `is required for ${type}`);
          step['content'] = { ...(c['subject'] !== undefined ? { subject: c['subject'] } : {}), body: c['body'] };
        }
      }
    } else if (type === 'delay') {
      const given = ['for', 'until', 'localTime'].filter((k) => s[k] !== undefined);
      if (given.length !== 1) bad(at, 'give exactly one of for, until or localTime');
      if (s['for'] !== undefined) {
        const d = duration(s['for'], 0, MAX_DELAY_SECONDS);
        if (typeof d === 'string') bad(`${at}.for`, d);
        step['for'] = String(s['for']);
      }
      if (s['until'] !== undefined) {
        const problem = typeof s['until'] === 'string' ? checkPath(s['until'], ['data']) : 'must be a path like data.remindAt';
        if (problem) bad(`${at}.until`, problem);
        step['until'] = s['until'];
      }
      if (s['localTime'] !== undefined) {
        if (typeof s['localTime'] !== 'string' || !LOCAL_TIME_PATTERN.test(s['localTime']))
          bad(`${at}.localTime`, 'must be HH:MM or HH:MM:SS (24 h)');
        step['localTime'] = s['localTime'];
      }
      if (s['defaultTimezone'] !== undefined) {
        if (s['localTime'] === undefined) bad(`${at}.defaultTimezone`, 'goes with localTime');
        if (typeof s['defaultTimezone'] !== 'string' || s['defaultTimezone'].length > 64 || !validTimeZone(s['defaultTimezone'])) {
          bad(`${at}.defaultTimezone`, 'must be an IANA time zone (e.g. Europe/Paris)');
        }
        step['defaultTimezone'] = s['defaultTimezone'];
      }
    } else {
      const max = type === 'digest' ? MAX_DIGEST_WINDOW_SECONDS : MAX_THROTTLE_WINDOW_SECONDS;
      const w = duration(s['window'], 1, max);
      if (typeof w === 'string') bad(`${at}.window`, s['window'] === undefined ? 'is required' : w);
      step['window'] = String(s['window']);
      if (s['key'] !== undefined) {
        const problem = typeof s['key'] === 'string' ? checkPath(s['key'], ['data']) : 'must be a path like data.postId';
        if (problem) bad(`${at}.key`, problem);
        step['key'] = s['key'];
      }
      if (type === 'throttle') {
        const l = s['limit'];
        if (typeof l !== 'number' || !Number.isInteger(l) || l < 1 || l > MAX_THROTTLE_LIMIT) {
          bad(`${at}.limit`, `must be an integer from 1 to ${MAX_THROTTLE_LIMIT}`);
        }
        step['limit'] = l;
      }
    }
    steps[i] = step as unknown as WorkflowStep;
  });
  // A digest feeds the channel steps after it: one with none after it folds triggers for nothing.
  const digests = steps.map((s, i) => (s?.type === 'digest' ? i : -1)).filter((i) => i >= 0);
  if (digests.length > 1) bad(`steps[${digests[1]}]`, 'a workflow has at most one digest step');
  for (const i of digests) {
    if (!steps.slice(i + 1).some((s) => s && isChannelStep(s))) bad(`steps[${i}]`, 'a digest must be followed by a channel step it feeds');
  }
  if (problems.length) throw AppException.validation('Invalid workflow steps', problems.slice(0, 50));
  return steps;
}

/** Seconds of a stored (already checked) duration. */
export const seconds = (d: string): number => parseDuration(d) ?? 0;

/** A workflow key has a template key's form: anything else names no workflow (404). */
export const isWorkflowKey = (key: string): boolean => TEMPLATE_KEY.test(key);
