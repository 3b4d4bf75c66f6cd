import { DataSource } from 'typeorm';
import type { HttpClient, TestApp } from '#testing';
import { CredentialUsageRecorder } from '../../src/introspection/credential-usage.recorder.js';
import { INTERNAL_KEY } from './auth-test-kit.js';

/** POST /auth/v1/introspect with the internal key, as JSON or (form: true) form-encoded. */
export function introspect(http: HttpClient, token: string, opts: { hint?: string; form?: boolean; key?: string | null } = {}) {
  const headers: Record<string, string> = {};
  if (opts.key !== null) headers['x-internal-api-key'] = opts.key ?? INTERNAL_KEY;
  const params: Record<string, string> = { token, ...(opts.hint ? { token_type_hint: opts.hint } : {}) };
  if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    return http.request('POST', '/auth/v1/introspect', { raw: new URLSearchParams(params).toString(), headers });
  }
  return http.post('/auth/v1/introspect', params, { headers });
}

export async function isActive(http: HttpClient, token: string): Promise<boolean> {
  const res = await introspect(http, token);
  if (res.status !== 200) throw new Error(`introspection answered ${res.status}: ${res.text}`);
  return res.body.active === true;
}

/** Writes pending lastUsedAt updates now instead of at the next tick of the recorder. */
export function flushUsage(t: TestApp): Promise<void> {
  return t.app.get(CredentialUsageRecorder).flush();
}

export function db(t: TestApp): DataSource {
  return t.app.get(DataSource);
}

export const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

/** Waits until just after an ISO instant (real time: expiry is checked against the clock, not faked). */
export const sleepPast = (iso: string) => new Promise((r) => setTimeout(r, Math.max(0, new Date(iso).getTime() - Date.now()) + 100));
