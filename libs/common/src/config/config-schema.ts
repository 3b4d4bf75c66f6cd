/**
 * Environment configuration with validation. A spec lists every variable a service reads;
 * `loadConfig` parses them all and throws one ConfigError naming every bad or missing variable,
 * so a service refuses to start rather than run half-configured.
 */
export type VarKind = 'string' | 'int' | 'port' | 'url' | 'urls' | 'bool' | 'list' | 'origins' | 'enum' | 'duration' | 'rate' | 'secret';

export interface VarSpec<T = unknown> {
  kind: VarKind;
  description: string;
  /** Default as the string a user would write in .env. Absent: the variable is required (unless optional). */
  default?: string;
  optional?: boolean;
  min?: number;
  max?: number;
  values?: readonly string[];
  /** For url: the accepted protocols (without colon). */
  protocols?: readonly string[];
  /** Never print the value. */
  secret?: boolean;
  /** Only enforced (required) when NODE_ENV=production; otherwise falls back to devDefault. */
  devDefault?: string;
  readonly _type?: T;
}

export interface Rate {
  count: number;
  windowSeconds: number;
}

type Out<S> = S extends VarSpec<infer T> ? T : never;
export type ConfigOf<S extends Record<string, VarSpec>> = { [K in keyof S]: Out<S[K]> };

export const v = {
  string: (description: string, o: Partial<VarSpec> = {}) => ({ kind: 'string', description, ...o }) as VarSpec<string>,
  optString: (description: string, o: Partial<VarSpec> = {}) =>
    ({ kind: 'string', description, optional: true, ...o }) as VarSpec<string | undefined>,
  secret: (description: string, o: Partial<VarSpec> = {}) => ({ kind: 'secret', description, secret: true, ...o }) as VarSpec<string>,
  int: (description: string, o: Partial<VarSpec> = {}) => ({ kind: 'int', description, ...o }) as VarSpec<number>,
  port: (description: string, o: Partial<VarSpec> = {}) => ({ kind: 'port', description, ...o }) as VarSpec<number>,
  url: (description: string, o: Partial<VarSpec> = {}) => ({ kind: 'url', description, ...o }) as VarSpec<string>,
  optUrl: (description: string, o: Partial<VarSpec> = {}) =>
    ({ kind: 'url', description, optional: true, ...o }) as VarSpec<string | undefined>,
  /** One URL or several, comma-separated (each checked like `url`; at least one). */
  urls: (description: string, o: Partial<VarSpec> = {}) => ({ kind: 'urls', description, ...o }) as VarSpec<string[]>,
  bool: (description: string, o: Partial<VarSpec> = {}) => ({ kind: 'bool', description, ...o }) as VarSpec<boolean>,
  list: (description: string, o: Partial<VarSpec> = {}) => ({ kind: 'list', description, ...o }) as VarSpec<string[]>,
  /** Comma-separated exact web origins (`https://app.example.com`, no path), or `*`. */
  origins: (description: string, o: Partial<VarSpec> = {}) => ({ kind: 'origins', description, ...o }) as VarSpec<string[]>,
  enum: <T extends string>(description: string, values: readonly T[], o: Partial<VarSpec> = {}) =>
    ({ kind: 'enum', description, values, ...o }) as VarSpec<T>,
  /** Seconds, written as `900`, `15m`, `7d`, `24h`, `30s`. */
  duration: (description: string, o: Partial<VarSpec> = {}) => ({ kind: 'duration', description, ...o }) as VarSpec<number>,
  /** `<count>/<window>`, e.g. `20/1m`. */
  rate: (description: string, o: Partial<VarSpec> = {}) => ({ kind: 'rate', description, ...o }) as VarSpec<Rate>,
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

export function parseDuration(raw: string): number | null {
  const m = /^(\d+)\s*([smhdw]?)$/.exec(raw.trim());
  if (!m) return null;
  return Number(m[1]) * UNITS[m[2] || 's']!;
}

export function parseRate(raw: string): Rate | null {
  const m = /^(\d+)\s*\/\s*(\d*)\s*([smhd])$/.exec(raw.trim());
  if (!m) return null;
  const count = Number(m[1]);
  const windowSeconds = (m[2] ? Number(m[2]) : 1) * UNITS[m[3]!]!;
  if (count < 1 || windowSeconds < 1) return null;
  return { count, windowSeconds };
}

function checkUrl(raw: string, spec: VarSpec, bad: (why: string) => { problem: string }): { value?: unknown; problem?: string } {
  try {
    const u = new URL(raw);
    const protocols = spec.protocols ?? ['http', 'https'];
    if (!protocols.includes(u.protocol.replace(/:$/, ''))) return bad(`must be a ${protocols.join('/')} URL`);
    return { value: raw };
  } catch {
    return bad('must be a valid URL');
  }
}

function parseOne(name: string, spec: VarSpec, raw: string): { value?: unknown; problem?: string } {
  const bad = (why: string) => ({ problem: `${name}: ${why}${spec.secret ? '' : ` (got "${raw}")`}` });
  const range = (n: number) =>
    (spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)
      ? bad(`must be between ${spec.min ?? '-∞'} and ${spec.max ?? '∞'}`)
      : { value: n };
  switch (spec.kind) {
    case 'string':
    case 'secret':
      if (spec.min !== undefined && raw.length < spec.min) return bad(`must be at least ${spec.min} characters`);
      return { value: raw };
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim())) return bad('must be an integer');
      return range(Number(raw));
    }
    case 'port': {
      const n = Number(raw);
      if (!/^\d+$/.test(raw.trim()) || n < 0 || n > 65535) return bad('must be a port number (0-65535)');
      return { value: n };
    }
    case 'url':
      return checkUrl(raw, spec, bad);
    case 'urls': {
      const items = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (!items.length) return bad('must list at least one URL');
      for (const item of items) {
        const r = checkUrl(item, spec, (m) => bad(`"${item}" ${m}`));
        if (r.problem) return r;
      }
      return { value: items };
    }
    case 'bool': {
      const s = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(s)) return { value: true };
      if (['0', 'false', 'no', 'off'].includes(s)) return { value: false };
      return bad('must be true or false');
    }
    case 'list':
      return {
        value: raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      };
    case 'origins': {
      const items = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      for (const item of items) {
        if (item === '*') continue;
        let origin: string | null = null;
        try {
          origin = new URL(item).origin;
        } catch {
          /* reported below */
        }
        if (origin !== item) return bad(`"${item}" is not an origin like https://app.example.com (scheme, host, optional port; no path)`);
      }
      return { value: items };
    }
    case 'enum':
      if (!spec.values!.includes(raw)) return bad(`must be one of ${spec.values!.join(', ')}`);
      return { value: raw };
    case 'duration': {
      const n = parseDuration(raw);
      if (n === null) return bad('must be a duration like 900, 15m, 24h or 7d');
      return range(n);
    }
    case 'rate': {
      const r = parseRate(raw);
      if (!r) return bad('must look like <count>/<window>, e.g. 20/1m');
      return { value: r };
    }
  }
}

export function loadConfig<S extends Record<string, VarSpec>>(spec: S, env: Record<string, string | undefined> = process.env): ConfigOf<S> {
  const production = env.NODE_ENV === 'production';
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, s] of Object.entries(spec)) {
    let raw = env[name];
    if (raw === undefined || raw === '') {
      if (s.devDefault !== undefined && !production) raw = s.devDefault;
      else if (s.default !== undefined) raw = s.default;
      else if (s.optional || s.kind === 'list' || s.kind === 'origins') {
        out[name] = s.kind === 'list' || s.kind === 'origins' ? [] : undefined;
        continue;
      } else {
        problems.push(`${name}: is required${s.devDefault !== undefined ? ' in production' : ''} (${s.description})`);
        continue;
      }
    }
    const r = parseOne(name, s, raw);
    if (r.problem) problems.push(r.problem);
    else out[name] = r.value;
  }
  if (problems.length) throw new ConfigError(problems);
  return out as ConfigOf<S>;
}

/** Lines for .env.example / the README table, generated from the spec so they cannot drift. */
export function describeSpec(spec: Record<string, VarSpec>): Array<{ name: string; default: string; description: string }> {
  return Object.entries(spec).map(([name, s]) => ({
    name,
    default:
      s.default ??
      (s.devDefault !== undefined ? `(dev) ${s.devDefault}` : s.optional || s.kind === 'list' || s.kind === 'origins' ? '' : '(required)'),
    description: s.description,
  }));
}
