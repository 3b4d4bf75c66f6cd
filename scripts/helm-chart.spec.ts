import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import ts from 'typescript';
import { authConfigSpec } from '../apps/auth-svc/src/config/auth-config.js';
import { notifyConfigSpec } from '../apps/notify-svc/src/config/notify-config.js';
import { gatewayConfigSpec } from '../apps/gateway/src/gateway-config.js';
import { CHART_DIR, MANIFEST_SETS, MANIFESTS_DIR, manifestFileText, renderChart, type RenderedDoc } from './helm-render.js';

const root = path.resolve(import.meta.dirname, '..');
type Obj = Record<string, any>; // rendered YAML, checked below

/** The kubernetes-models class (its JSON-schema validate()) and TypeScript interface of an object's kind. */
function modelPath(doc: Obj): { module: string; iface: string } {
  const [group, version] = String(doc.apiVersion).includes('/') ? String(doc.apiVersion).split('/') : ['', String(doc.apiVersion)];
  return { module: `kubernetes-models/${group ? `${group}/` : ''}${version}/${doc.kind}`, iface: `I${doc.kind}` };
}

async function schemaValidate(docs: RenderedDoc[]): Promise<string[]> {
  const errors: string[] = [];
  for (const d of docs) {
    const { module } = modelPath(d.object);
    let Model: new (data: unknown) => { validate(): void };
    try {
      Model = (await import(module))[d.object.kind as string];
    } catch {
      errors.push(`${d.source}: no schema for ${String(d.object.apiVersion)} ${String(d.object.kind)}`);
      continue;
    }
    try {
      new Model(d.object).validate();
    } catch (err) {
      errors.push(`${d.source} ${String(d.object.kind)}: ${(err as Error).message}`);
    }
  }
  return errors;
}

/**
 * The JSON schemas of kubernetes-models accept fields the API does not know (a typo such as
 * `readinesProbe` would pass them, and the API server's strict field validation refuse it), so the
 * rendered objects are also type-checked as object literals against the models' TypeScript
 * interfaces: excess-property checks catch unknown fields, the types catch wrong shapes. Offline.
 */
function typeCheck(docs: RenderedDoc[]): string[] {
  const file = path.join(root, '__rendered_manifests__.ts');
  const imports = new Map<string, string>();
  const lines = docs.map((d, i) => {
    const { module, iface } = modelPath(d.object);
    const alias = `${iface}_${imports.size}`;
    if (![...imports.values()].some((l) => l.includes(`'${module}'`)))
      imports.set(module, `import type { ${iface} as ${alias} } from '${module}';`);
    const name = /import type \{ \w+ as (\w+) \}/.exec(imports.get(module)!)![1];
    return `// ${d.source}\nexport const doc${i}: ${name} = ${JSON.stringify(d.object, null, 1)};`;
  });
  const source = [...imports.values(), ...lines].join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) =>
    name === file ? ts.createSourceFile(name, source, lang) : getSourceFile(name, lang, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const near = pos
      ? source
          .split('\n')
          .slice(0, pos.line)
          .reverse()
          .find((l) => l.startsWith('// '))
      : '';
    return `${near ?? ''} line ${pos ? pos.line + 1 : '?'}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

const productionValues = path.join(CHART_DIR, 'values-production.yaml');
const withSecrets = {
  secrets: {
    create: true,
    keys: {
      AUTH_DATABASE_URL: 'postgres://auth:pw@pg.example.internal:5432/auth',
      NOTIFY_DATABASE_URL: 'postgres://notify:pw@pg.example.internal:5432/notify',
      INTERNAL_API_KEYS: 'k1-0123456789abcdef0123456789abcdef,k0-0123456789abcdef0123456789abcdef',
      KEY_ENCRYPTION_KEY: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
      CREDENTIALS_ENCRYPTION_KEY: 'ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=',
      REDIS_URL: 'redis://redis.example.internal:6379',
    },
    providers: { SMTP_URL: 'smtps://user:pw@smtp.example.com:465', TWILIO_ACCOUNT_SID: 'AC123', TWILIO_AUTH_TOKEN: 'tok' },
  },
  redis: { enabled: true },
};

const cases: Array<[string, Parameters<typeof renderChart>[1]]> = [
  ['default values', {}],
  ['production values', { valuesFiles: [productionValues] }],
  ['secrets created by the chart, Redis on', { values: withSecrets }],
  [
    'no gateway, no autoscaling, no migration Job',
    { values: { gateway: { enabled: false }, workers: { autoscaling: { enabled: false } }, migrations: { enabled: false } } },
  ],
];

const byKind = (docs: RenderedDoc[], kind: string) => docs.map((d) => d.object as Obj).filter((o) => o.kind === kind);
const named = (docs: RenderedDoc[], kind: string, name: string) => {
  const o = byKind(docs, kind).find((x) => x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o;
};
const envOf = (container: Obj) => Object.fromEntries((container.env as Obj[]).map((e) => [e.name, e.value ?? e.valueFrom]));

describe('Helm chart deploy/helm/identity-notify', () => {
  describe.each(cases)('rendered with %s', (_name, opts) => {
    const { docs } = renderChart(CHART_DIR, opts);

    it('passes the Kubernetes JSON schemas (kubernetes-models validate()) object by object', async () => {
      expect(docs.length).toBeGreaterThan(8);
      expect(await schemaValidate(docs)).toEqual([]);
    });

    it('type-checks against the Kubernetes API types: no unknown field, no wrong type', () => {
      expect(typeCheck(docs)).toEqual([]);
    });

    it('every Service, PDB and HPA points at pods or a Deployment the chart renders', () => {
      const deployments = byKind(docs, 'Deployment');
      const podLabels = deployments.map((d) => d.spec.template.metadata.labels as Record<string, string>);
      const selects = (sel: Record<string, string>) => podLabels.some((l) => Object.entries(sel).every(([k, v]) => l[k] === v));
      for (const d of deployments)
        expect(d.spec.selector.matchLabels).toEqual(expect.objectContaining({ 'app.kubernetes.io/component': expect.any(String) }));
      for (const s of byKind(docs, 'Service')) expect(selects(s.spec.selector)).toBe(true);
      for (const p of byKind(docs, 'PodDisruptionBudget')) expect(selects(p.spec.selector.matchLabels)).toBe(true);
      for (const h of byKind(docs, 'HorizontalPodAutoscaler')) {
        expect(deployments.map((d) => d.metadata.name)).toContain(h.spec.scaleTargetRef.name);
        const target = deployments.find((d) => d.metadata.name === h.spec.scaleTargetRef.name)!;
        expect(target.spec.replicas).toBeUndefined(); // the HPA owns the replica count
      }
      // One PDB per Deployment.
      expect(byKind(docs, 'PodDisruptionBudget')).toHaveLength(deployments.length);
    });

    it('sets only variables the services read, with resource requests on every container', () => {
      const known: Record<string, Set<string>> = {
        'auth-svc': new Set(Object.keys(authConfigSpec)),
        'notify-svc': new Set(Object.keys(notifyConfigSpec)),
        'notify-worker': new Set(Object.keys(notifyConfigSpec)),
        gateway: new Set(Object.keys(gatewayConfigSpec)),
        migrate: new Set(['NODE_ENV', 'AUTH_DATABASE_URL', 'NOTIFY_DATABASE_URL']),
      };
      const pods = [...byKind(docs, 'Deployment'), ...byKind(docs, 'Job')].map((o) => o.spec.template.spec as Obj);
      for (const pod of pods) {
        for (const c of pod.containers as Obj[]) {
          expect(known[c.name]).toBeDefined();
          const unknown = Object.keys(envOf(c)).filter((n) => !known[c.name].has(n));
          expect({ container: c.name, unknown }).toEqual({ container: c.name, unknown: [] });
          expect(c.resources.requests).toEqual({ cpu: expect.anything(), memory: expect.anything() });
          expect(c.resources.limits.memory).toBeDefined();
          expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
        }
        expect(pod.securityContext.runAsNonRoot).toBe(true);
      }
    });
  });

  describe('what the issue asks of it', () => {
    const { docs } = renderChart(CHART_DIR, { valuesFiles: [productionValues] });
    const container = (name: string) => named(docs, 'Deployment', `identity-notify-${name}`).spec.template.spec.containers[0] as Obj;

    it('runs auth-svc, the notify-svc API, its workers and the gateway as Deployments of one image', () => {
      expect(
        byKind(docs, 'Deployment')
          .map((d) => d.metadata.name)
          .sort(),
      ).toEqual(['identity-notify-auth', 'identity-notify-gateway', 'identity-notify-notify', 'identity-notify-worker']);
      expect(container('auth').command).toEqual(['node', '--enable-source-maps', 'dist/apps/auth-svc/src/main.js']);
      expect(container('notify').command).toEqual(['node', '--enable-source-maps', 'dist/apps/notify-svc/src/main.js']);
      // npm run start:worker's entry point (package.json), as in docker-compose's notify-worker.
      const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
      expect(pkg.scripts['start:worker']).toContain(container('worker').command[2]);
      expect(container('gateway').command[2]).toBe('dist/apps/gateway/src/main.js');
      expect(new Set(byKind(docs, 'Deployment').map((d) => d.spec.template.spec.containers[0].image))).toEqual(
        new Set(['registry.example.com/identity-notify:0.1.0']),
      );
      // The API pods send nothing; the workers do.
      expect(envOf(container('notify')).WORKERS_ENABLED).toBe('false');
      expect(envOf(container('notify')).NOTIFY_PROCESSES).toBe('1');
      expect(envOf(container('worker')).WORKERS_ENABLED).toBeUndefined(); // worker.js forces them on
    });

    it('probes liveness on /health and readiness on /health/ready', () => {
      for (const name of ['auth', 'notify']) {
        const c = container(name);
        expect(c.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
        expect(c.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
        expect(c.startupProbe.httpGet.path).toBe('/health');
      }
      expect(container('gateway').readinessProbe.httpGet.path).toBe('/health');
      // Out of the endpoints before the process closes: a rollout refuses no connection.
      for (const name of ['auth', 'notify', 'gateway']) expect(container(name).lifecycle.preStop.exec.command).toEqual(['sleep', '5']);
    });

    it('scales the workers on the queue-depth gauge notify-svc exports', () => {
      const hpa = named(docs, 'HorizontalPodAutoscaler', 'identity-notify-worker');
      expect(hpa.spec.metrics).toEqual([
        {
          type: 'External',
          external: {
            metric: { name: 'notify_queue_jobs', selector: { matchLabels: { state: 'ready' } } },
            target: { type: 'AverageValue', averageValue: '500' },
          },
        },
      ]);
      expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 12 });
      const gauge = readFileSync(path.join(root, 'apps/notify-svc/src/metrics/queue-depth.metrics.ts'), 'utf8');
      expect(gauge).toContain("name: 'notify_queue_jobs'");
      expect(gauge).toContain("'ready'");
    });

    it('migrates once per release in a pre-install/pre-upgrade Job; the pods do not migrate', () => {
      const job = named(docs, 'Job', 'identity-notify-migrate');
      expect(job.metadata.annotations['helm.sh/hook']).toBe('pre-install,pre-upgrade');
      expect(job.metadata.annotations['helm.sh/hook-delete-policy']).toContain('before-hook-creation');
      expect(job.spec.template.spec.restartPolicy).toBe('Never');
      const c = job.spec.template.spec.containers[0] as Obj;
      expect(c.command).toEqual(['node', '--enable-source-maps', 'dist/scripts/migrate.js', 'auth', 'notify']);
      for (const name of ['auth', 'notify', 'worker']) expect(envOf(container(name)).MIGRATIONS_RUN).toBe('false');
      const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
      expect(pkg.scripts.migrate).toContain('dist/scripts/migrate.js');
    });

    it('takes PostgreSQL by URL and keys from Secrets, Redis only when enabled', () => {
      expect(envOf(container('auth')).AUTH_DATABASE_URL).toEqual({
        secretKeyRef: { name: 'identity-notify-keys', key: 'AUTH_DATABASE_URL' },
      });
      expect(envOf(container('worker')).NOTIFY_DATABASE_URL).toEqual({
        secretKeyRef: { name: 'identity-notify-keys', key: 'NOTIFY_DATABASE_URL' },
      });
      expect(envOf(container('auth')).KEY_ENCRYPTION_KEY.secretKeyRef.key).toBe('KEY_ENCRYPTION_KEY');
      expect(envOf(container('notify')).CREDENTIALS_ENCRYPTION_KEY.secretKeyRef.key).toBe('CREDENTIALS_ENCRYPTION_KEY');
      // Least privilege: auth-svc never sees the credentials key nor provider secrets, notify never the signing-key key.
      expect(envOf(container('auth')).CREDENTIALS_ENCRYPTION_KEY).toBeUndefined();
      expect(container('auth').envFrom).toBeUndefined();
      expect(envOf(container('notify')).KEY_ENCRYPTION_KEY).toBeUndefined();
      expect(container('worker').envFrom).toEqual([{ secretRef: { name: 'identity-notify-providers', optional: true } }]);
      expect(envOf(container('notify')).REDIS_URL).toEqual({ secretKeyRef: { name: 'identity-notify-keys', key: 'REDIS_URL' } });
      // No secret value in any plain variable or in the rendered text.
      expect(byKind(docs, 'Secret')).toEqual([]);
      const dflt = renderChart(CHART_DIR);
      expect(
        envOf((named(dflt.docs, 'Deployment', 'identity-notify-notify').spec.template.spec.containers as Obj[])[0]).REDIS_URL,
      ).toBeUndefined();
    });

    it('renders the Secrets from values when asked, before the migration Job reads them', () => {
      const r = renderChart(CHART_DIR, { values: withSecrets });
      const keys = named(r.docs, 'Secret', 'identity-notify-keys');
      expect(keys.stringData).toMatchObject({
        REDIS_URL: 'redis://redis.example.internal:6379',
        INTERNAL_API_KEYS: withSecrets.secrets.keys.INTERNAL_API_KEYS,
      });
      expect(Number(keys.metadata.annotations['helm.sh/hook-weight'])).toBeLessThan(
        Number(named(r.docs, 'Job', 'identity-notify-migrate').metadata.annotations['helm.sh/hook-weight']),
      );
      expect(named(r.docs, 'Secret', 'identity-notify-providers').stringData).toEqual(withSecrets.secrets.providers);
      expect(() =>
        renderChart(CHART_DIR, { values: { secrets: { create: true, keys: { ...withSecrets.secrets.keys, KEY_ENCRYPTION_KEY: '' } } } }),
      ).toThrow('secrets.keys.KEY_ENCRYPTION_KEY is required with secrets.create');
    });

    it('refuses values outside values.schema.json before rendering, as helm does (a typo, a wrong type)', () => {
      expect(() => renderChart(CHART_DIR, { values: { workers: { autoscalling: { enabled: false } } } })).toThrow(
        '/workers: must NOT have additional properties "autoscalling"',
      );
      expect(() => renderChart(CHART_DIR, { values: { auth: { replicas: 'two' } } })).toThrow('/auth/replicas: must be integer');
      expect(() => renderChart(CHART_DIR, { values: { secrets: { keys: { DATABASE_URL: 'x' } } } })).toThrow(
        '/secrets/keys: must NOT have additional properties "DATABASE_URL"',
      );
      expect(() => renderChart(CHART_DIR, { values: { notify: { env: { 'not-a-var': '1' } } } })).toThrow(
        '/notify/env: property name must be valid',
      );
    });

    it('sizes requests from the bench figures and keeps a PDB per component', () => {
      expect(container('notify').resources.requests).toEqual({ cpu: '1', memory: '320Mi' });
      expect(named(docs, 'PodDisruptionBudget', 'identity-notify-auth').spec.minAvailable).toBe(2);
      expect(named(docs, 'PodDisruptionBudget', 'identity-notify-worker').spec.maxUnavailable).toBe(1);
      const ingress = named(docs, 'Ingress', 'identity-notify');
      expect(ingress.spec.rules[0].http.paths[0].backend.service.name).toBe('identity-notify-gateway');
    });
  });

  it('the two checks catch what they are there for: a wrong type, an unknown field', async () => {
    const { docs } = renderChart(CHART_DIR);
    const deployment = structuredClone(docs.find((d) => d.object.kind === 'Deployment')!);
    const c = (deployment.object as Obj).spec.template.spec.containers[0];
    c.readinesProbe = c.readinessProbe; // a typo: JSON schemas let it through, the API would not
    expect(await schemaValidate([deployment])).toEqual([]);
    expect(typeCheck([deployment]).join('\n')).toContain("readinesProbe\"' does not exist in type 'IContainer");
    c.ports[0].containerPort = '3001';
    expect((await schemaValidate([deployment])).join('\n')).toContain('containerPort must be integer');
    expect(await schemaValidate([{ source: 'x', object: { apiVersion: 'example.com/v1', kind: 'Widget' } }])).toEqual([
      'x: no schema for example.com/v1 Widget',
    ]);
  });

  it('deploy/manifests/ holds exactly what the chart renders (npm run helm:render)', () => {
    for (const set of MANIFEST_SETS) {
      const committed = readFileSync(path.join(MANIFESTS_DIR, set.file), 'utf8');
      expect({ file: set.file, same: committed === manifestFileText(set) }).toEqual({ file: set.file, same: true });
    }
  });
});

describe('helm-render: the Go-template subset', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  const render = (templates: Record<string, string>, values: string, opts: Parameters<typeof renderChart>[1] = {}) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chart-'));
    dirs.push(dir);
    mkdirSync(path.join(dir, 'templates'));
    writeFileSync(path.join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: c\nversion: 1.2.3\nappVersion: "9.9"\n');
    writeFileSync(path.join(dir, 'values.yaml'), values);
    for (const [f, t] of Object.entries(templates)) writeFileSync(path.join(dir, 'templates', f), t);
    return renderChart(dir, { releaseName: 'rel', ...opts });
  };

  it('trims around {{- -}}, drops comments, and prints fields, variables and quoted values as Go does', () => {
    const r = render(
      {
        'a.yaml': [
          '{{- /* a comment */ -}}',
          '{{- $n := .Release.Name -}}',
          'kind: A',
          'name: {{ $n }}-{{ .Chart.Name }}',
          'v: {{ .Values.x | quote }}',
          'n: {{ .Values.n }}',
          'd: {{ default "fallback" .Values.missing }}',
          'p: {{ printf "%s:%v" .Chart.AppVersion .Values.n }}',
          'missing: "{{ .Values.nope.deeper }}"',
        ].join('\n'),
      },
      'x: "he said \\"hi\\""\nn: 3\n',
    );
    expect(r.docs[0].object).toEqual({ kind: 'A', name: 'rel-c', v: 'he said "hi"', n: 3, d: 'fallback', p: '9.9:3', missing: '' });
  });

  it('branches with if / else if / else on Go truth, ranges over lists and sorted maps, with, and its else', () => {
    const r = render(
      {
        'b.yaml': [
          'kind: B',
          '{{- if .Values.off }}',
          'branch: one',
          '{{- else if and .Values.list (not .Values.emptyMap) }}',
          'branch: two',
          '{{- else }}',
          'branch: three',
          '{{- end }}',
          'items:',
          '{{- range $i, $v := .Values.list }}',
          '  - {{ $i }}={{ $v }}',
          '{{- end }}',
          'map:',
          '{{- range $k, $v := .Values.map }}',
          '  {{ $k }}: {{ $v }}',
          '{{- end }}',
          'none: {{ range .Values.emptyList }}x{{ else }}"empty"{{ end }}',
          '{{- with .Values.map }}',
          'first: {{ .a }}',
          '{{- end }}',
          '{{- with .Values.emptyMap }}',
          'never: here',
          '{{- else }}',
          'withElse: yes-{{ $.Release.Name }}',
          '{{- end }}',
        ].join('\n'),
      },
      'off: 0\nlist: [a, b]\nmap: {z: 1, a: 2}\nemptyMap: {}\nemptyList: []\n',
    );
    expect(r.docs[0].object).toEqual({
      kind: 'B',
      branch: 'two',
      items: ['0=a', '1=b'],
      map: { a: 2, z: 1 },
      none: 'empty',
      first: 2,
      withElse: 'yes-rel',
    });
    expect(r.text.indexOf('a: 2')).toBeLessThan(r.text.indexOf('z: 1')); // map keys in order, as Go ranges them
  });

  it('includes defined templates with nindent, toYaml with sorted keys, assigns variables across scopes, merges values files', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vals-'));
    dirs.push(dir);
    writeFileSync(path.join(dir, 'over.yaml'), 'res:\n  limits: {memory: 1Gi}\nlist: [only]\ngone: null\n');
    const r = render(
      {
        '_h.tpl': '{{- define "labels" -}}\napp: {{ .name }}\ntier: {{ .tier }}\n{{- end -}}',
        'c.yaml': [
          '{{- $x := "outer" }}',
          '{{- if true }}{{ $x = "changed" }}{{ end }}',
          'kind: C',
          'x: {{ $x }}',
          'labels:',
          '  {{- include "labels" (dict "name" "api" "tier" (index .Values.list 0)) | nindent 2 }}',
          'res:',
          '  {{- toYaml .Values.res | nindent 2 }}',
          'hasGone: {{ hasKey .Values "gone" }}',
          '---',
          '# only a comment: no document',
          '---',
          'kind: D',
          'eq: {{ eq .Values.list (list "x") | not }}',
          'tern: {{ ternary "a" "b" false }}',
        ].join('\n'),
      },
      'list: [first, second]\nres:\n  requests: {memory: 1Mi, cpu: 1}\n  limits: {cpu: 2}\ngone: 1\n',
      { valuesFiles: [path.join(dir, 'over.yaml')] },
    );
    expect(r.docs.map((d) => d.object)).toEqual([
      {
        kind: 'C',
        x: 'changed',
        labels: { app: 'api', tier: 'only' },
        res: { limits: { cpu: 2, memory: '1Gi' }, requests: { cpu: 1, memory: '1Mi' } },
        hasGone: false,
      },
      { kind: 'D', eq: true, tern: 'b' },
    ]);
    expect(r.text).toContain('res:\n  limits:\n    cpu: 2\n    memory: 1Gi\n  requests:');
  });

  it('fails loudly, naming the template and line, on anything outside the subset or a required value', () => {
    expect(() => render({ 'e.yaml': 'kind: E\nx: {{ .Values.a | upper }}' }, 'a: b\n')).toThrow(
      'templates/e.yaml:2: function "upper" is not supported by this renderer',
    );
    expect(() => render({ 'e.yaml': 'kind: E\n{{- if .Values.a }}\nx: 1\n' }, 'a: b\n')).toThrow('templates/e.yaml: missing {{ end }}');
    expect(() => render({ 'e.yaml': 'kind: E\nx: {{ required "set a" .Values.a }}' }, 'a: ""\n')).toThrow('set a');
    expect(() => render({ 'e.yaml': 'kind: E\nx: {{ .Values.m }}' }, 'm: {k: v}\n')).toThrow('printing a map (use toYaml)');
    expect(() => render({ 'e.yaml': 'kind: E\nx: {{ $nope }}' }, 'a: 1\n')).toThrow('undefined variable $nope');
    expect(() => render({ 'e.yaml': 'kind: E\nx: {{ include "missing" . }}' }, 'a: 1\n')).toThrow('no template "missing"');
    expect(() => render({ 'e.yaml': 'kind: E\nx: [{{ .Values.a }}' }, 'a: 1\n')).toThrow('rendered invalid YAML');
  });
});
