{{/* Names and labels. Templates here stay within the Go-template subset scripts/helm-render.ts implements. */}}
{{- define "identity-notify.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "identity-notify.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* (dict "root" $ "component" "auth") */}}
{{- define "identity-notify.selectorLabels" -}}
app.kubernetes.io/name: {{ include "identity-notify.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "identity-notify.labels" -}}
{{ include "identity-notify.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: identity-notify
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "identity-notify.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "identity-notify.keysSecret" -}}
{{- default (printf "%s-keys" (include "identity-notify.fullname" .)) .Values.secrets.keysName -}}
{{- end -}}

{{- define "identity-notify.providersSecret" -}}
{{- default (printf "%s-providers" (include "identity-notify.fullname" .)) .Values.secrets.providersName -}}
{{- end -}}

{{- define "identity-notify.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "identity-notify.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* A variable read from the keys Secret: (dict "root" $ "name" "KEY" "optional" false) */}}
{{- define "identity-notify.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ include "identity-notify.keysSecret" .root }}
      key: {{ .name }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end -}}

{{/* Variables every service process gets: config, the internal keys, Redis, migrations left to the Job. */}}
{{- define "identity-notify.commonEnv" -}}
- name: HOST
  value: "0.0.0.0"
- name: MIGRATIONS_RUN
  value: {{ ternary "false" "true" .Values.migrations.enabled | quote }}
{{ include "identity-notify.secretEnv" (dict "root" . "name" "INTERNAL_API_KEYS") }}
{{- if .Values.redis.enabled }}
{{ include "identity-notify.secretEnv" (dict "root" . "name" "REDIS_URL") }}
{{- end }}
{{- range $k, $v := .Values.config }}
- name: {{ $k }}
  value: {{ $v | quote }}
{{- end }}
{{- end -}}

{{/* What notify-svc's API pods and its workers share. */}}
{{- define "identity-notify.notifyEnv" -}}
{{ include "identity-notify.secretEnv" (dict "root" . "name" "NOTIFY_DATABASE_URL") }}
{{ include "identity-notify.secretEnv" (dict "root" . "name" "CREDENTIALS_ENCRYPTION_KEY") }}
- name: AUTH_JWKS_URL
  value: {{ printf "http://%s-auth:%v/.well-known/jwks.json" (include "identity-notify.fullname" .) .Values.auth.port | quote }}
- name: AUTH_INTROSPECTION_URL
  value: {{ printf "http://%s-auth:%v/auth/v1/introspect" (include "identity-notify.fullname" .) .Values.auth.port | quote }}
- name: AUTH_REVOCATIONS_URL
  value: {{ printf "http://%s-auth:%v/auth/v1/revocations" (include "identity-notify.fullname" .) .Values.auth.port | quote }}
{{- end -}}

{{- define "identity-notify.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "identity-notify.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/* Pod-level settings every component shares: (dict "root" $ "component" "auth") */}}
{{- define "identity-notify.podCommon" -}}
serviceAccountName: {{ include "identity-notify.serviceAccountName" .root }}
automountServiceAccountToken: false
securityContext:
  {{- include "identity-notify.podSecurityContext" .root | nindent 2 }}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .root.Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .root.Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .root.Values.topologySpread }}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "identity-notify.selectorLabels" . | nindent 8 }}
{{- end }}
volumes:
  - name: tmp
    emptyDir: {}
{{- end -}}

{{/* Liveness on /health (the process answers), readiness on /health/ready (database, migrations, queue). */}}
{{- define "identity-notify.probes" -}}
startupProbe:
  httpGet: { path: /health, port: http }
  {{- toYaml .root.Values.probes.startup | nindent 2 }}
livenessProbe:
  httpGet: { path: /health, port: http }
  {{- toYaml .root.Values.probes.liveness | nindent 2 }}
readinessProbe:
  httpGet: { path: {{ .readyPath }}, port: http }
  {{- toYaml .root.Values.probes.readiness | nindent 2 }}
{{- end -}}

{{/* The pod leaves the Service endpoints before the process starts closing. */}}
{{- define "identity-notify.preStop" -}}
{{- if .Values.preStopSleepSeconds -}}
lifecycle:
  preStop:
    exec:
      command: ["sleep", {{ .Values.preStopSleepSeconds | quote }}]
{{- end }}
{{- end -}}
