import { describe, expect, it } from '@jest/globals';
import { Role, type Principal } from '#common';
import { PolledRevocationList, type RevocationFeed } from './revocation-list.js';
import type { CredentialIntrospector } from '../auth-kit.options.js';
import { rememberOpaqueCredential } from '../strategies/opaque-credential.js';
import { StreamRevocations, type StreamEndReason } from './stream-revocations.js';

const NOW = Math.floor(Date.now() / 1000);

const accessToken = (over: Partial<Principal> = {}): Principal => ({
  kind: 'access_token',
  userId: 'u1',
  tenantId: 't1',
  roles: [Role.User, Role.Organizer],
  scopes: [],
  planTier: 'free',
  sessionId: 's1',
  issuedAt: NOW - 10,
  expiresAt: NOW + 900,
  ...over,
});

/** A real PolledRevocationList fed by hand: each `push` is what the next poll answers. */
function feedList() {
  const answers: Array<Partial<RevocationFeed>> = [];
  const list = new PolledRevocationList(
    async (cursor) => ({ cursor: String(Number(cursor ?? 0) + 1), sessions: [], users: [], retainSeconds: 900, ...answers.shift() }),
    0,
  );
  return { list, push: (a: Partial<RevocationFeed>) => answers.push(a) };
}

function watcher(registry: StreamRevocations, p: Principal, opts = {}) {
  const ended: StreamEndReason[] = [];
  const unwatch = registry.watch(p, (r) => ended.push(r), opts);
  return { ended, unwatch };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('StreamRevocations', () => {
  it('ends the streams of an ended session after the poll that names it, and only those (once each)', async () => {
    const { list, push } = feedList();
    const registry = new StreamRevocations(list);
    const a = watcher(registry, accessToken());
    const b = watcher(registry, accessToken());
    const other = watcher(registry, accessToken({ sessionId: 's2' }));
    expect(registry.size).toBe(3);

    push({ sessions: ['s1'] });
    await list.poll();
    expect(a.ended).toEqual(['revoked']);
    expect(b.ended).toEqual(['revoked']);
    expect(other.ended).toEqual([]);
    expect(registry.size).toBe(1);

    // The feed repeats entries within its overlap: nothing is ended twice.
    push({ sessions: ['s1'] });
    await list.poll();
    expect(a.ended).toEqual(['revoked']);
  });

  it("ends a deactivated user's streams opened with tokens issued before it, not those issued after", async () => {
    const { list, push } = feedList();
    const registry = new StreamRevocations(list);
    const before = watcher(registry, accessToken({ issuedAt: NOW - 60 }));
    const after = watcher(registry, accessToken({ issuedAt: NOW + 5, sessionId: 's9' }));
    const someoneElse = watcher(registry, accessToken({ userId: 'u2', sessionId: 's3' }));
    push({ users: [{ id: 'u1', before: NOW }] });
    await list.poll();
    expect(before.ended).toEqual(['revoked']);
    expect(after.ended).toEqual([]);
    expect(someoneElse.ended).toEqual([]);
  });

  it('a personal token (no iat, no session) counts from when its stream opened', async () => {
    const { list, push } = feedList();
    const registry = new StreamRevocations(list);
    const pat = watcher(registry, accessToken({ kind: 'personal_token', sessionId: undefined, issuedAt: undefined }));
    push({ users: [{ id: 'u1', before: NOW - 3600 }] }); // an older deactivation, undone before the stream opened
    await list.poll();
    expect(pat.ended).toEqual([]);
    push({ users: [{ id: 'u1', before: NOW + 1 }] });
    await list.poll();
    expect(pat.ended).toEqual(['revoked']);
  });

  it('ends a stream when a role change leaves none of the roles it needs; a demotion that keeps one does not', async () => {
    const { list, push } = feedList();
    const registry = new StreamRevocations(list);
    const needsOrganizer = watcher(registry, accessToken(), { anyOfRoles: [Role.Organizer, Role.Admin] });
    const anyRole = watcher(registry, accessToken({ sessionId: 's2' }), { anyOfRoles: [Role.User, Role.Organizer, Role.Admin] });
    const noNeed = watcher(registry, accessToken({ sessionId: 's3' }));
    push({ roles: [{ id: 'u1', before: NOW, roles: [Role.User] }] });
    await list.poll();
    expect(needsOrganizer.ended).toEqual(['roles']);
    expect(anyRole.ended).toEqual([]);
    expect(noNeed.ended).toEqual([]);
  });

  it('ends at once (next microtask) a stream whose principal is already revoked when it is watched', async () => {
    const { list, push } = feedList();
    push({ sessions: ['s1'] });
    await list.poll();
    const registry = new StreamRevocations(list);
    const late = watcher(registry, accessToken());
    expect(late.ended).toEqual([]); // not from inside watch(): the caller has not stored its unwatch yet
    await tick();
    expect(late.ended).toEqual(['revoked']);
    expect(registry.size).toBe(0);
  });

  it('forgets a stream once it is unwatched (closed): no leak, and no end after close', async () => {
    const { list, push } = feedList();
    const registry = new StreamRevocations(list);
    const w = watcher(registry, accessToken());
    w.unwatch();
    w.unwatch(); // idempotent
    expect(registry.size).toBe(0);
    push({ sessions: ['s1'], users: [{ id: 'u1', before: NOW }] });
    await list.poll();
    expect(w.ended).toEqual([]);
  });

  it('ignores credentials the feed never names (API keys, topic tokens, anonymous) and works without a list', () => {
    const { list } = feedList();
    const registry = new StreamRevocations(list);
    watcher(registry, accessToken({ kind: 'api_key', userId: null, sessionId: undefined }));
    watcher(registry, accessToken({ kind: 'topic_token', userId: null, sessionId: undefined }));
    expect(registry.size).toBe(0);
    const none = new StreamRevocations(undefined);
    expect(() => none.watch(accessToken(), () => undefined)()).not.toThrow();
  });

  it('one failing end neither stops the others nor fails the poll; detaching stops the listening', async () => {
    const { list, push } = feedList();
    const registry = new StreamRevocations(list);
    registry.watch(accessToken(), () => {
      throw new Error('socket gone');
    });
    const fine = watcher(registry, accessToken());
    push({ sessions: ['s1'] });
    await list.poll();
    expect(list.polls).toBe(1);
    expect(fine.ended).toEqual(['revoked']);

    const after = watcher(registry, accessToken({ sessionId: 's5' }));
    registry.onModuleDestroy();
    push({ sessions: ['s5'] });
    await list.poll();
    expect(after.ended).toEqual([]);
  });
});

describe('PolledRevocationList.onApply', () => {
  it('tells listeners about non-empty batches from polls and direct applies, after the set knows them', async () => {
    const { list, push } = feedList();
    const seen: string[][] = [];
    const off = list.onApply((e) => seen.push([...e.sessions, String(list.isRevoked({ userId: null, sessionId: e.sessions[0] }))]));
    await list.poll(); // empty answer: nobody is told
    push({ sessions: ['s1'] });
    await list.poll();
    list.apply({ sessions: ['s2'], users: [], retainSeconds: 60 });
    off();
    list.apply({ sessions: ['s3'], users: [], retainSeconds: 60 });
    expect(seen).toEqual([
      ['s1', 'true'],
      ['s2', 'true'],
    ]);
  });

  describe('API keys and personal tokens (not in the feed): asked again through the introspector', () => {
    /** An in-memory introspector: what auth-svc answers now for each token (null: revoked). */
    function introspector() {
      const answers = new Map<string, Principal | null>();
      const asked: string[] = [];
      let down = false;
      const i: CredentialIntrospector = {
        introspect: async (token) => {
          asked.push(token);
          if (down) throw new Error('auth-svc unreachable');
          return answers.get(token) ?? null;
        },
      };
      return { i, answers, asked, setDown: (d: boolean) => (down = d) };
    }
    const opaque = (token: string, p: Principal) => {
      rememberOpaqueCredential(p, { token, hint: p.kind as 'api_key' | 'personal_token' });
      return p;
    };
    const apiKey = (over: Partial<Principal> = {}) =>
      accessToken({ kind: 'api_key', userId: null, sessionId: undefined, issuedAt: undefined, roles: [], ...over });
    const pat = (over: Partial<Principal> = {}) =>
      accessToken({ kind: 'personal_token', sessionId: undefined, issuedAt: undefined, ...over });

    it('ends the streams of a key or token no longer active at the next recheck, asking once per distinct credential', async () => {
      const { i, answers, asked } = introspector();
      const registry = new StreamRevocations(undefined, { introspector: i, recheckSeconds: 3600 });
      const key = opaque('nk_1', apiKey());
      const token = opaque('pat_1', pat());
      answers.set('nk_1', key);
      answers.set('pat_1', token);
      const k1 = watcher(registry, key);
      const k2 = watcher(registry, key);
      const t1 = watcher(registry, token);
      expect(registry.size).toBe(3);
      await registry.recheck();
      expect(asked.sort()).toEqual(['nk_1', 'pat_1']);
      expect([k1.ended, k2.ended, t1.ended]).toEqual([[], [], []]);
      answers.set('nk_1', null); // the key was revoked
      await registry.recheck();
      expect([k1.ended, k2.ended, t1.ended]).toEqual([['revoked'], ['revoked'], []]);
      expect(registry.size).toBe(1);
      await registry.recheck();
      expect(k1.ended).toEqual(['revoked']); // once
      t1.unwatch();
      expect(registry.size).toBe(0);
    });

    it('ends a stream whose token lost every role it needs, keeps one that kept one', async () => {
      const { i, answers } = introspector();
      const registry = new StreamRevocations(undefined, { introspector: i, recheckSeconds: 3600 });
      const token = opaque('pat_2', pat({ roles: [Role.Admin] }));
      answers.set('pat_2', token);
      const adminOnly = watcher(registry, token, { anyOfRoles: [Role.Admin] });
      const anyRole = watcher(registry, token, { anyOfRoles: [Role.Admin, Role.User] });
      answers.set('pat_2', { ...token, roles: [Role.User] });
      await registry.recheck();
      expect(adminOnly.ended).toEqual(['roles']);
      expect(anyRole.ended).toEqual([]);
    });

    it('keeps streams open while auth-svc cannot answer, and ends them once it answers "inactive"', async () => {
      const { i, answers, setDown } = introspector();
      const registry = new StreamRevocations(undefined, { introspector: i, recheckSeconds: 3600 });
      const key = opaque('nk_3', apiKey());
      const w = watcher(registry, key);
      setDown(true);
      await registry.recheck();
      expect(w.ended).toEqual([]);
      setDown(false);
      answers.set('nk_3', null);
      await registry.recheck();
      expect(w.ended).toEqual(['revoked']);
    });

    it('rechecks on its own timer while such streams are open, and not without an introspector', async () => {
      const { i, answers, asked } = introspector();
      const registry = new StreamRevocations(undefined, { introspector: i, recheckSeconds: 1 });
      const key = opaque('nk_4', apiKey());
      answers.set('nk_4', null);
      const w = watcher(registry, key);
      const t0 = Date.now();
      while (!w.ended.length && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 50));
      expect(w.ended).toEqual(['revoked']);
      expect(asked).toEqual(['nk_4']);
      const plain = new StreamRevocations(undefined);
      watcher(plain, opaque('nk_5', apiKey()));
      expect(plain.size).toBe(0);
      registry.onModuleDestroy();
    });
  });
});
