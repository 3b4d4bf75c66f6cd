/**
 * Renders the Helm chart in deploy/helm/ without the helm binary (none on the development and CI
 * machines of this project), for the plain manifests in deploy/manifests/ and for the chart test.
 *
 * Hand-written, for want of a library: npm has no Go text/template engine with Helm's functions (the
 * packages that exist substitute `{{ .Name }}` only, or wrap a Go binary). It implements the subset of
 * Go templates the chart uses, with Go's semantics: actions with `{{-`/`-}}` trimming and comments;
 * `if`/`else if`/`else`, `range` (lists, and maps in key order, with `$k, $v :=`), `with`, `define`;
 * variables (`$x :=`, `$x =`, `$`); pipelines and parenthesised calls; and the Helm functions in
 * FUNCTIONS below. Anything else is an error naming the template and line, never silently empty
 * output, so a template outside the subset fails the test instead of rendering wrong. The chart stays
 * valid for the real helm (`helm lint` / `helm template` in .ci/run when helm is installed).
 *
 *   node dist/scripts/helm-render.js            writes deploy/manifests/{default,production}.yaml
 *   node dist/scripts/helm-render.js --check    fails when those files differ from a fresh render
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parseAllDocuments, parse as parseYaml, stringify } from 'yaml';

// ---------------------------------------------------------------------------------------------
// Lexing and parsing
// ---------------------------------------------------------------------------------------------

type Tok =
  | { t: 'field'; v: string[] } // .A.B (empty: the dot)
  | { t: 'var'; v: string; fields: string[] } // $x.A
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'nil' }
  | { t: 'ident'; v: string }
  | { t: 'op'; v: '(' | ')' | '|' | ':=' | '=' | ',' };

type Arg =
  | { k: 'lit'; v: unknown }
  | { k: 'field'; v: string[] }
  | { k: 'var'; v: string; fields: string[] }
  | { k: 'pipe'; v: Pipeline }
  | { k: 'fn'; v: string };
interface Cmd {
  args: Arg[];
}
interface Pipeline {
  decl?: { vars: string[]; assign: boolean };
  cmds: Cmd[];
}

type Node =
  | { n: 'text'; v: string }
  | { n: 'out'; p: Pipeline; line: number }
  | { n: 'if'; branches: Array<{ p: Pipeline | null; body: Node[] }>; line: number }
  | { n: 'range'; p: Pipeline; body: Node[]; alt: Node[]; line: number }
  | { n: 'with'; p: Pipeline; body: Node[]; alt: Node[]; line: number };

class TemplateError extends Error {}

function tokenize(src: string, where: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const ident = /[A-Za-z_][A-Za-z0-9_]*/y;
  const fieldChain = (): string[] => {
    const parts: string[] = [];
    while (src[i] === '.') {
      ident.lastIndex = i + 1;
      const m = ident.exec(src);
      if (!m) break;
      parts.push(m[0]);
      i = ident.lastIndex;
    }
    return parts;
  };
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\') {
          const e = src[++j];
          s += e === 'n' ? '\n' : e === 't' ? '\t' : e;
        } else s += src[j];
        j++;
      }
      if (j >= src.length) throw new TemplateError(`${where}: unterminated string`);
      toks.push({ t: 'str', v: s });
      i = j + 1;
    } else if (c === '`') {
      const j = src.indexOf('`', i + 1);
      if (j < 0) throw new TemplateError(`${where}: unterminated raw string`);
      toks.push({ t: 'str', v: src.slice(i + 1, j) });
      i = j + 1;
    } else if (c === '.') {
      const parts = fieldChain();
      if (!parts.length) i++; // the dot alone
      toks.push({ t: 'field', v: parts });
    } else if (c === '$') {
      ident.lastIndex = i + 1;
      const m = ident.exec(src);
      const name = m ? m[0] : '';
      i = m ? ident.lastIndex : i + 1;
      toks.push({ t: 'var', v: name, fields: fieldChain() });
    } else if (/[-0-9]/.test(c) && /[0-9]/.test(src[c === '-' ? i + 1 : i] ?? '')) {
      const m = /-?[0-9]+(\.[0-9]+)?/y;
      m.lastIndex = i;
      const r = m.exec(src)!;
      toks.push({ t: 'num', v: Number(r[0]) });
      i = m.lastIndex;
    } else if (src.startsWith(':=', i)) {
      toks.push({ t: 'op', v: ':=' });
      i += 2;
    } else if ('()|=,'.includes(c)) {
      toks.push({ t: 'op', v: c as '(' | ')' | '|' | '=' | ',' });
      i++;
    } else {
      ident.lastIndex = i;
      const m = ident.exec(src);
      if (!m) throw new TemplateError(`${where}: unexpected "${c}"`);
      i = ident.lastIndex;
      if (m[0] === 'true' || m[0] === 'false') toks.push({ t: 'bool', v: m[0] === 'true' });
      else if (m[0] === 'nil') toks.push({ t: 'nil' });
      else toks.push({ t: 'ident', v: m[0] });
    }
  }
  return toks;
}

function parsePipeline(toks: Tok[], where: string): Pipeline {
  let pos = 0;
  const pipe: Pipeline = { cmds: [] };
  // Declarations: `$x :=`, `$k, $v :=`, `$x =`
  const declEnd = toks.findIndex((t) => t.t === 'op' && (t.v === ':=' || t.v === '='));
  if (declEnd > 0 && toks.slice(0, declEnd).every((t) => t.t === 'var' || (t.t === 'op' && t.v === ','))) {
    const vars = toks.slice(0, declEnd).flatMap((t) => (t.t === 'var' ? [t.v] : []));
    pipe.decl = { vars, assign: (toks[declEnd] as { v: string }).v === '=' };
    pos = declEnd + 1;
  }
  const parseCmds = (stopAtParen: boolean): Cmd[] => {
    const cmds: Cmd[] = [{ args: [] }];
    while (pos < toks.length) {
      const t = toks[pos];
      if (t.t === 'op' && t.v === ')') {
        if (!stopAtParen) throw new TemplateError(`${where}: unexpected ")"`);
        return cmds;
      }
      pos++;
      const cmd = cmds[cmds.length - 1];
      if (t.t === 'op' && t.v === '|') cmds.push({ args: [] });
      else if (t.t === 'op' && t.v === '(') {
        const inner = parseCmds(true);
        if (toks[pos]?.t !== 'op' || (toks[pos] as { v: string }).v !== ')') throw new TemplateError(`${where}: missing ")"`);
        pos++;
        cmd.args.push({ k: 'pipe', v: { cmds: inner } });
      } else if (t.t === 'field') cmd.args.push({ k: 'field', v: t.v });
      else if (t.t === 'var') cmd.args.push({ k: 'var', v: t.v, fields: t.fields });
      else if (t.t === 'str' || t.t === 'num' || t.t === 'bool') cmd.args.push({ k: 'lit', v: t.v });
      else if (t.t === 'nil') cmd.args.push({ k: 'lit', v: null });
      else if (t.t === 'ident') cmd.args.push({ k: 'fn', v: t.v });
      else throw new TemplateError(`${where}: unexpected "${(t as { v: string }).v}"`);
    }
    if (stopAtParen) throw new TemplateError(`${where}: missing ")"`);
    return cmds;
  };
  pipe.cmds = parseCmds(false);
  if (pipe.cmds.some((c) => !c.args.length)) throw new TemplateError(`${where}: empty command in pipeline`);
  return pipe;
}

function parseTemplate(src: string, file: string, defines: Map<string, Node[]>): Node[] {
  // Split into text and actions, applying the trim markers.
  const parts: Array<{ text: string } | { action: string; line: number }> = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      parts.push({ text: src.slice(i) });
      break;
    }
    let text = src.slice(i, open);
    let inner = src.slice(open + 2);
    if (inner.startsWith('- ') || inner.startsWith('-\n') || inner.startsWith('-\t')) text = text.replace(/\s+$/, '');
    const close = src.indexOf('}}', open + 2);
    if (close < 0) throw new TemplateError(`${file}: unclosed action`);
    inner = src.slice(open + 2, close);
    let next = close + 2;
    const line = src.slice(0, open).split('\n').length;
    if (/\s-$/.test(inner)) {
      inner = inner.slice(0, -1);
      while (next < src.length && /\s/.test(src[next])) next++;
    }
    inner = inner.replace(/^-\s/, ' ');
    parts.push({ text }, { action: inner.trim(), line });
    i = next;
  }

  // Build the tree.
  type Frame = { kind: 'root' | 'if' | 'range' | 'with' | 'define'; node?: Node; name?: string; body: Node[] };
  const stack: Frame[] = [{ kind: 'root', body: [] }];
  const top = () => stack[stack.length - 1];
  for (const p of parts) {
    if ('text' in p) {
      if (p.text) top().body.push({ n: 'text', v: p.text });
      continue;
    }
    const where = `${file}:${p.line}`;
    const a = p.action;
    if (a.startsWith('/*')) {
      if (!a.endsWith('*/')) throw new TemplateError(`${where}: unclosed comment`);
      continue;
    }
    const kw = /^(if|else if|else|end|range|with|define)\b\s*/.exec(a);
    if (!kw) {
      top().body.push({ n: 'out', p: parsePipeline(tokenize(a, where), where), line: p.line });
      continue;
    }
    const rest = a.slice(kw[0].length);
    switch (kw[1]) {
      case 'if': {
        const node: Node = { n: 'if', branches: [{ p: parsePipeline(tokenize(rest, where), where), body: [] }], line: p.line };
        top().body.push(node);
        stack.push({ kind: 'if', node, body: node.branches[0].body });
        break;
      }
      case 'range':
      case 'with': {
        const node = { n: kw[1], p: parsePipeline(tokenize(rest, where), where), body: [], alt: [], line: p.line } as Node;
        top().body.push(node);
        stack.push({ kind: kw[1], node, body: (node as { body: Node[] }).body });
        break;
      }
      case 'define': {
        const name = tokenize(rest, where)[0];
        if (name?.t !== 'str') throw new TemplateError(`${where}: define needs a name`);
        stack.push({ kind: 'define', name: name.v, body: [] });
        break;
      }
      case 'else if':
      case 'else': {
        const f = top();
        if (f.kind === 'if') {
          const node = f.node as Extract<Node, { n: 'if' }>;
          const branch = { p: kw[1] === 'else if' ? parsePipeline(tokenize(rest, where), where) : null, body: [] as Node[] };
          node.branches.push(branch);
          f.body = branch.body;
        } else if ((f.kind === 'range' || f.kind === 'with') && kw[1] === 'else') {
          f.body = (f.node as { alt: Node[] }).alt;
        } else throw new TemplateError(`${where}: unexpected ${kw[1]}`);
        break;
      }
      case 'end': {
        const f = stack.pop();
        if (!f || f.kind === 'root') throw new TemplateError(`${where}: unexpected end`);
        if (f.kind === 'define') defines.set(f.name!, f.body);
        break;
      }
    }
  }
  if (stack.length !== 1) throw new TemplateError(`${file}: missing {{ end }}`);
  return stack[0].body;
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

type Vars = Array<Map<string, unknown>>;
interface Scope {
  dot: unknown;
  vars: Vars;
  where: string;
}

/** Go templates' truth: false, 0, nil, and empty strings, lists and maps are false. */
function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function fieldOf(v: unknown, fields: string[], where: string): unknown {
  let cur = v;
  for (const f of fields) {
    if (cur === null || cur === undefined) return undefined; // Helm: a missing map key is nil
    if (!isMap(cur)) throw new TemplateError(`${where}: can't read .${f} of a ${typeof cur}`);
    cur = cur[f];
  }
  return cur;
}

/** Go's %v for what the chart prints: scalars as themselves; nil as the empty string (Helm's output). */
function printValue(v: unknown, where: string): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new TemplateError(`${where}: printing a ${Array.isArray(v) ? 'list' : 'map'} (use toYaml)`);
}

function toYaml(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  // Helm's toYaml (sigs.k8s.io/yaml) sorts map keys and never wraps lines.
  return stringify(v, { sortMapEntries: true, lineWidth: 0, minContentWidth: 0 }).replace(/\n$/, '');
}

const indent = (n: number, s: string) =>
  s
    .split('\n')
    .map((l) => ' '.repeat(n) + l)
    .join('\n');

function goQuote(s: string): string {
  return JSON.stringify(s);
}

type Fn = (scope: Scope, ...args: unknown[]) => unknown;

class Renderer {
  constructor(private readonly defines: Map<string, Node[]>) {}

  private readonly functions: Record<string, Fn> = {
    include: (s, name, data) => {
      const body = this.defines.get(String(name));
      if (!body) throw new TemplateError(`${s.where}: no template "${String(name)}"`);
      return this.exec(body, { dot: data, vars: [new Map([['', data]])], where: s.where });
    },
    toYaml: (_s, v) => toYaml(v),
    nindent: (_s, n, v) => '\n' + indent(Number(n), String(v)),
    indent: (_s, n, v) => indent(Number(n), String(v)),
    quote: (s, ...vs) => vs.map((v) => goQuote(printValue(v, s.where))).join(' '),
    squote: (s, v) => `'${printValue(v, s.where)}'`,
    default: (_s, d, v) => (truthy(v) ? v : d),
    required: (s, msg, v) => {
      if (v === null || v === undefined || v === '') throw new TemplateError(`${s.where}: ${String(msg)}`);
      return v;
    },
    fail: (s, msg) => {
      throw new TemplateError(`${s.where}: ${String(msg)}`);
    },
    printf: (s, fmt, ...args) => {
      let k = 0;
      return String(fmt).replace(/%[sdv%]/g, (m) => (m === '%%' ? '%' : printValue(args[k++], s.where)));
    },
    print: (s, ...args) => args.map((a) => printValue(a, s.where)).join(''),
    toString: (s: Scope, v: unknown) => printValue(v, s.where),
    int: (_s, v) => Math.trunc(Number(v)),
    eq: (_s, a, ...bs) => bs.some((b) => a === b),
    ne: (_s, a, b) => a !== b,
    lt: (_s, a, b) => Number(a) < Number(b),
    gt: (_s, a, b) => Number(a) > Number(b),
    and: (_s, ...vs) => vs.find((v) => !truthy(v)) ?? vs[vs.length - 1],
    or: (_s, ...vs) => vs.find((v) => truthy(v)) ?? vs[vs.length - 1],
    not: (_s, v) => !truthy(v),
    empty: (_s, v) => !truthy(v),
    trunc: (_s, n, v) => String(v).slice(0, Number(n)),
    trimSuffix: (_s, suf, v) => (String(v).endsWith(String(suf)) ? String(v).slice(0, -String(suf).length) : String(v)),
    lower: (_s, v) => String(v).toLowerCase(),
    b64enc: (_s, v) => Buffer.from(String(v)).toString('base64'),
    sha256sum: (_s, v) => createHash('sha256').update(String(v)).digest('hex'),
    join: (_s, sep, list) => (list as unknown[]).map(String).join(String(sep)),
    list: (_s, ...vs) => vs,
    index: (s, coll, ...keys) =>
      keys.reduce((c: unknown, k) => {
        if (Array.isArray(c)) return c[Number(k)];
        if (isMap(c)) return c[String(k)];
        if (c === null || c === undefined) return undefined;
        throw new TemplateError(`${s.where}: index of a ${typeof c}`);
      }, coll),
    ternary: (_s, a, b, cond) => (truthy(cond) ? a : b),
    dict: (s, ...kv) => {
      if (kv.length % 2) throw new TemplateError(`${s.where}: dict needs key/value pairs`);
      const o: Record<string, unknown> = {};
      for (let i = 0; i < kv.length; i += 2) o[String(kv[i])] = kv[i + 1];
      return o;
    },
    hasKey: (_s, m, k) => isMap(m) && Object.prototype.hasOwnProperty.call(m, String(k)),
    keys: (_s, m) => Object.keys(m as object).sort(),
  };

  private lookupVar(scope: Scope, name: string): unknown {
    for (let i = scope.vars.length - 1; i >= 0; i--) if (scope.vars[i].has(name)) return scope.vars[i].get(name);
    throw new TemplateError(`${scope.where}: undefined variable $${name}`);
  }

  private evalArg(a: Arg, scope: Scope): unknown {
    switch (a.k) {
      case 'lit':
        return a.v;
      case 'field':
        return fieldOf(scope.dot, a.v, scope.where);
      case 'var':
        return fieldOf(this.lookupVar(scope, a.v), a.fields, scope.where);
      case 'pipe':
        return this.evalPipeline(a.v, scope);
      case 'fn':
        return this.call(a.v, [], scope);
    }
  }

  private call(name: string, args: unknown[], scope: Scope): unknown {
    const f = this.functions[name];
    if (!f) throw new TemplateError(`${scope.where}: function "${name}" is not supported by this renderer`);
    return f(scope, ...args);
  }

  private evalPipeline(p: Pipeline, scope: Scope): unknown {
    let prev: unknown;
    p.cmds.forEach((cmd, i) => {
      const [head, ...rest] = cmd.args;
      const extra = i > 0 ? [prev] : [];
      if (head.k === 'fn') {
        const fname = head.v;
        // and/or short-circuit as in Go 1.18+.
        prev = this.call(fname, [...rest.map((a) => this.evalArg(a, scope)), ...extra], scope);
      } else {
        if (rest.length || extra.length) throw new TemplateError(`${scope.where}: can't give arguments to a non-function`);
        prev = this.evalArg(head, scope);
      }
    });
    if (p.decl) {
      if (p.decl.assign) {
        const name = p.decl.vars[0];
        const frame = [...scope.vars].reverse().find((m) => m.has(name));
        if (!frame) throw new TemplateError(`${scope.where}: undefined variable $${name}`);
        frame.set(name, prev);
      } else scope.vars[scope.vars.length - 1].set(p.decl.vars[0], prev);
      return undefined;
    }
    return prev;
  }

  exec(nodes: Node[], scope: Scope): string {
    let out = '';
    for (const node of nodes) {
      switch (node.n) {
        case 'text':
          out += node.v;
          break;
        case 'out': {
          const s = { ...scope, where: scope.where.replace(/:\d+$/, '') + `:${node.line}` };
          const v = this.evalPipeline(node.p, s);
          if (!node.p.decl) out += printValue(v, s.where);
          break;
        }
        case 'if': {
          for (const b of node.branches) {
            if (b.p === null || truthy(this.evalPipeline(b.p, scope))) {
              out += this.exec(b.body, { ...scope, vars: [...scope.vars, new Map()] });
              break;
            }
          }
          break;
        }
        case 'with': {
          const v = this.evalPipeline({ cmds: node.p.cmds }, scope);
          if (truthy(v)) out += this.exec(node.body, { ...scope, dot: v, vars: [...scope.vars, new Map()] });
          else out += this.exec(node.alt, { ...scope, vars: [...scope.vars, new Map()] });
          break;
        }
        case 'range': {
          const v = this.evalPipeline({ cmds: node.p.cmds }, scope);
          const names = node.p.decl?.vars ?? [];
          const items: Array<[unknown, unknown]> = Array.isArray(v)
            ? v.map((x, i) => [i, x])
            : isMap(v)
              ? Object.keys(v)
                  .sort()
                  .map((k) => [k, v[k]])
              : v === null || v === undefined
                ? []
                : (() => {
                    throw new TemplateError(`${scope.where}: range over a ${typeof v}`);
                  })();
          if (!items.length) out += this.exec(node.alt, { ...scope, vars: [...scope.vars, new Map()] });
          for (const [k, x] of items) {
            const frame = new Map<string, unknown>();
            if (names.length === 1) frame.set(names[0], x);
            if (names.length === 2) {
              frame.set(names[0], k);
              frame.set(names[1], x);
            }
            out += this.exec(node.body, { ...scope, dot: x, vars: [...scope.vars, frame] });
          }
          break;
        }
      }
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Charts
// ---------------------------------------------------------------------------------------------

/** Helm's values merge: maps merge key by key, anything else (lists too) is replaced; null deletes. */
export function mergeValues(base: unknown, over: unknown): unknown {
  if (!isMap(base) || !isMap(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else out[k] = mergeValues(base[k], v);
  }
  return out;
}

export interface RenderOptions {
  releaseName?: string;
  namespace?: string;
  /** Extra values files (paths), merged over the chart's values.yaml in order. */
  valuesFiles?: string[];
  /** Values merged last (as --set would). */
  values?: Record<string, unknown>;
}

export interface RenderedDoc {
  source: string;
  object: Record<string, unknown>;
}

export interface Rendered {
  /** The manifest stream as `helm template` prints it: `# Source:` comments, documents in template order. */
  text: string;
  docs: RenderedDoc[];
}

export function renderChart(chartDir: string, opts: RenderOptions = {}): Rendered {
  const chart = parseYaml(readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
  let values = parseYaml(readFileSync(path.join(chartDir, 'values.yaml'), 'utf8')) as unknown;
  for (const f of opts.valuesFiles ?? []) values = mergeValues(values, parseYaml(readFileSync(f, 'utf8')));
  if (opts.values) values = mergeValues(values, opts.values);
  // As helm does before rendering: the merged values must satisfy the chart's values.schema.json.
  const schemaFile = path.join(chartDir, 'values.schema.json');
  if (existsSync(schemaFile)) {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
    if (!validate(values)) {
      const problems = (validate.errors ?? []).map(
        (e) =>
          `${e.instancePath || '(root)'}: ${e.message ?? 'invalid'}${e.params && 'additionalProperty' in e.params ? ` "${String(e.params.additionalProperty)}"` : ''}`,
      );
      throw new TemplateError(`values don't meet the specifications of values.schema.json:\n- ${problems.join('\n- ')}`);
    }
  }
  const root = {
    Values: values,
    Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion },
    Release: { Name: opts.releaseName ?? 'identity-notify', Namespace: opts.namespace ?? 'default', Service: 'Helm', IsInstall: true },
    Capabilities: { KubeVersion: { Version: 'v1.30.0' } },
  };
  const dir = path.join(chartDir, 'templates');
  const files = readdirSync(dir).sort();
  const defines = new Map<string, Node[]>();
  const parsed: Array<[string, Node[]]> = [];
  for (const f of files) {
    const src = readFileSync(path.join(dir, f), 'utf8');
    const nodes = parseTemplate(src, `templates/${f}`, defines);
    if (!f.startsWith('_') && f.endsWith('.yaml')) parsed.push([f, nodes]);
  }
  const r = new Renderer(defines);
  const chartName = String(chart.name);
  let text = '';
  const docs: Array<RenderedDoc & { body: string }> = [];
  for (const [f, nodes] of parsed) {
    const out = r.exec(nodes, { dot: root, vars: [new Map([['', root]])], where: `templates/${f}` });
    for (const part of out.split(/^---\s*$/m)) {
      const body = part.replace(/^\s*\n/, '').replace(/\s+$/, '');
      if (!body.trim() || body.split('\n').every((l) => !l.trim() || l.trim().startsWith('#'))) continue;
      const yamlDocs = parseAllDocuments(body);
      for (const d of yamlDocs) {
        if (d.errors.length) throw new TemplateError(`templates/${f}: rendered invalid YAML: ${d.errors[0].message}\n${body}`);
      }
      const object = yamlDocs[0]?.toJS() as Record<string, unknown> | null;
      if (!object) continue;
      docs.push({ source: `${chartName}/templates/${f}`, object, body });
    }
  }
  // In the order helm installs kinds (its InstallOrder), hooks last as `helm template` prints them.
  const rank = (d: { object: Record<string, unknown> }) => {
    const hook = isMap(d.object.metadata) && isMap(d.object.metadata.annotations) && 'helm.sh/hook' in d.object.metadata.annotations;
    const i = INSTALL_ORDER.indexOf(String(d.object.kind));
    return (hook ? 1000 : 0) + (i < 0 ? INSTALL_ORDER.length : i);
  };
  const sorted = docs.map((d, i) => ({ d, i })).sort((x, y) => rank(x.d) - rank(y.d) || x.i - y.i);
  for (const { d } of sorted) text += `---\n# Source: ${d.source}\n${d.body}\n`;
  return { text, docs: sorted.map(({ d }) => ({ source: d.source, object: d.object })) };
}

const INSTALL_ORDER = [
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'PersistentVolumeClaim',
  'Role',
  'RoleBinding',
  'Service',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'Ingress',
];

// ---------------------------------------------------------------------------------------------
// The committed plain manifests
// ---------------------------------------------------------------------------------------------

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', ...(import.meta.url.includes('/dist/') ? ['..'] : []));
export const CHART_DIR = path.join(repoRoot, 'deploy/helm/identity-notify');
export const MANIFESTS_DIR = path.join(repoRoot, 'deploy/manifests');

/** What deploy/manifests/ holds: each file, and how it is rendered. */
export const MANIFEST_SETS: Array<{ file: string; opts: RenderOptions; title: string }> = [
  { file: 'default.yaml', opts: {}, title: 'the chart with its default values (values.yaml)' },
  {
    file: 'production.yaml',
    opts: { valuesFiles: [path.join(CHART_DIR, 'values-production.yaml')] },
    title: 'the chart with values-production.yaml',
  },
];

export function manifestFileText(set: (typeof MANIFEST_SETS)[number]): string {
  const header =
    `# Rendered from deploy/helm/identity-notify: ${set.title}, release "identity-notify", namespace "default".\n` +
    '# Generated by `npm run helm:render`; do not edit (the chart test fails when this file and the chart differ).\n';
  return header + renderChart(CHART_DIR, set.opts).text;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const set of MANIFEST_SETS) {
    const file = path.join(MANIFESTS_DIR, set.file);
    const text = manifestFileText(set);
    if (check) {
      let current = '';
      try {
        current = readFileSync(file, 'utf8');
      } catch {
        /* missing: stale */
      }
      if (current !== text) {
        console.error(`helm-render: ${path.relative(repoRoot, file)} differs from the chart (run npm run helm:render)`);
        stale++;
      }
    } else {
      writeFileSync(file, text);
      console.log(`helm-render: wrote ${path.relative(repoRoot, file)}`);
    }
  }
  process.exit(stale ? 1 : 0);
}
