import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { createPrivateKey, createPublicKey, generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { AUTH_CONFIG, decodeKeyEncryptionKey, type AuthConfig } from '../config/auth-config.js';
import { decryptPrivateKey, encryptPrivateKey } from './key-encryption.js';
import { type Tx, UnitOfWork } from '../database/unit-of-work.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** Serialises key creation and rotation across every instance on the database. */
const KEY_LOCK = 727_101;
/** Unknown kids trigger at most one reload per this many ms (a flood of forged kids cannot hammer the DB). */
const MISS_RELOAD_MS = 1000;

export interface ActiveSigningKey {
  kid: string;
  privateKey: KeyObject;
}

interface PublishedKey {
  kid: string;
  publicKey: KeyObject;
  /** ms epoch; Infinity for the active and the next key. */
  publishUntil: number;
  /** JWKS order: active, next, retired. */
  rank: number;
}

export interface RotationResult {
  kid: string;
  retiredKid: string | null;
  retiredKeyPublishedUntil: string | null;
}

interface KeyRow {
  kid: string;
  status: 'active' | 'next' | 'retired';
  public_key_pem: string;
  private_key_encrypted: Buffer | null;
  publish_until: Date | null;
}

interface GeneratedKey {
  kid: string;
  publicKeyPem: string;
  privateKeyDer: Buffer;
}

/**
 * The signing keys of this auth-svc, shared through the database: one active key (signs), one next
 * key (published ahead of use, so verifiers already hold it when a rotation promotes it) and retired
 * keys (published until every token they signed has expired). Keys are parsed into KeyObjects once;
 * the JWKS document is precomputed. Each instance reloads every KEY_CACHE_REFRESH and on an unknown
 * kid, so a rotation made by one instance reaches all of them.
 * Implements auth-kit's VerificationKeyResolver (kid -> public key).
 */
@Injectable()
export class SigningKeyStore implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SigningKeyStore.name);
  private readonly kek: Buffer;
  private active: ActiveSigningKey | null = null;
  private published = new Map<string, PublishedKey>();
  private jwks = '{"keys":[]}';
  /** When the published set changes next by itself (a retired key reaching publish_until). */
  private nextExpiry = Infinity;
  private lastMissReload = 0;
  private loading: Promise<void> | null = null;
  private reloadTimer?: NodeJS.Timeout;
  /** Keys already parsed, by kid: a reload only parses keys it has not seen. */
  private readonly privateKeys = new Map<string, KeyObject>();
  private readonly publicKeys = new Map<string, KeyObject>();

  constructor(
    private readonly uow: UnitOfWork,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {
    this.kek = decodeKeyEncryptionKey(config.KEY_ENCRYPTION_KEY)!;
  }

  async onModuleInit(): Promise<void> {
    await this.ensureKeys();
    await this.reload();
    this.reloadTimer = setInterval(() => void this.reload().catch((err) => this.logger.error(err)), this.config.KEY_CACHE_REFRESH * 1000);
    this.reloadTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.reloadTimer);
  }

  /** Seconds a retired key stays published: the longest any token it signed can live, plus one cache period. */
  get retentionSeconds(): number {
    return Math.max(this.config.ACCESS_TOKEN_TTL, this.config.REFRESH_TOKEN_TTL) + this.config.KEY_CACHE_REFRESH;
  }

  signingKey(): ActiveSigningKey {
    if (!this.active) throw new Error('no active signing key loaded');
    return this.active;
  }

  /** VerificationKeyResolver: the public key of a published kid, or null. */
  async getKey(kid: string): Promise<KeyObject | null> {
    const hit = this.lookup(kid);
    if (hit !== undefined) return hit;
    const now = Date.now();
    if (now - this.lastMissReload < MISS_RELOAD_MS) return null;
    this.lastMissReload = now;
    await this.reload();
    return this.lookup(kid) ?? null;
  }

  /** Synchronous lookup for the refresh hot path; undefined when the kid is not known at all. */
  lookup(kid: string): KeyObject | null | undefined {
    const key = this.published.get(kid);
    if (!key) return undefined;
    return key.publishUntil > Date.now() ? key.publicKey : null;
  }

  /** The JWKS document, precomputed; rebuilt only when a retired key's publication ends. */
  jwksJson(): string {
    if (Date.now() >= this.nextExpiry) this.rebuild();
    return this.jwks;
  }

  /** Rotates now (internal API): the next key becomes active, the active one retires, a fresh key becomes next. */
  async rotate(): Promise<RotationResult> {
    const fresh = await this.generate();
    const result = await this.uow.run(async (tx) => {
      await lockKeys(tx);
      return this.promoteNext(tx, fresh);
    });
    await this.ensureKeys();
    await this.reload();
    return result;
  }

  /** Rotates when the active key has signed for KEY_ROTATION_DAYS; several instances agree through the lock. */
  async rotateIfDue(): Promise<RotationResult | null> {
    const days = this.config.KEY_ROTATION_DAYS;
    if (days <= 0) return null;
    const due = async (db: Tx) => {
      const rows = await db.rows(
        `SELECT 1 FROM signing_keys WHERE status = 'active' AND COALESCE(activated_at, created_at) <= now() - make_interval(days => $1)`,
        [days],
      );
      return rows.length > 0;
    };
    if (!(await due(this.uow.db))) return null;
    const fresh = await this.generate();
    const result = await this.uow.run(async (tx) => {
      await lockKeys(tx);
      // Another instance may have rotated while this one generated its key.
      if (!(await due(tx))) return null;
      return this.promoteNext(tx, fresh);
    });
    if (result) {
      await this.ensureKeys();
      await this.reload();
    }
    return result;
  }

  /** Loads every published key from the database; parses only keys not seen before. */
  async reload(): Promise<void> {
    if (this.loading) return this.loading;
    this.loading = this.doReload().finally(() => (this.loading = null));
    return this.loading;
  }

  private async doReload(): Promise<void> {
    const rows = await this.uow.db.rows<KeyRow>(
      `SELECT kid, status, public_key_pem,
              CASE WHEN status = 'active' THEN private_key_encrypted END AS private_key_encrypted,
              publish_until
         FROM signing_keys
        WHERE status IN ('active', 'next') OR publish_until > now()`,
    );
    const published = new Map<string, PublishedKey>();
    let active: ActiveSigningKey | null = null;
    for (const row of rows) {
      let publicKey = this.publicKeys.get(row.kid);
      if (!publicKey) {
        publicKey = createPublicKey(row.public_key_pem);
        this.publicKeys.set(row.kid, publicKey);
      }
      published.set(row.kid, {
        kid: row.kid,
        publicKey,
        publishUntil: row.status !== 'retired' || !row.publish_until ? Infinity : new Date(row.publish_until).getTime(),
        rank: row.status === 'active' ? 0 : row.status === 'next' ? 1 : 2,
      });
      if (row.status === 'active' && row.private_key_encrypted) {
        let privateKey = this.privateKeys.get(row.kid);
        if (!privateKey) {
          const der = this.decrypt(row.kid, row.private_key_encrypted);
          privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
          this.privateKeys.set(row.kid, privateKey);
        }
        active = { kid: row.kid, privateKey };
      }
    }
    if (!active) throw new Error('no active signing key in the database');
    this.active = active;
    this.published = published;
    for (const kid of [...this.privateKeys.keys()]) if (kid !== active.kid) this.privateKeys.delete(kid);
    for (const kid of [...this.publicKeys.keys()]) if (!published.has(kid)) this.publicKeys.delete(kid);
    this.rebuild();
  }

  private rebuild(): void {
    const now = Date.now();
    const keys: object[] = [];
    let next = Infinity;
    // Active key first: clients that take the first key pick the one in use.
    const ordered = [...this.published.values()].sort((a, b) => a.rank - b.rank || b.publishUntil - a.publishUntil);
    for (const k of ordered) {
      if (k.publishUntil <= now) continue;
      if (k.publishUntil < next) next = k.publishUntil;
      const jwk = k.publicKey.export({ format: 'jwk' });
      keys.push({ kty: jwk.kty, use: 'sig', alg: 'RS256', kid: k.kid, n: jwk.n, e: jwk.e });
    }
    this.jwks = JSON.stringify({ keys });
    this.nextExpiry = next;
  }

  /** An active and a next key exist; whichever instance comes first creates them, under the lock. */
  private async ensureKeys(): Promise<void> {
    const missing = async (db: Tx) => {
      const rows = await db.rows<{ status: string }>(`SELECT status FROM signing_keys WHERE status IN ('active', 'next')`);
      return (['active', 'next'] as const).filter((st) => !rows.some((r) => r.status === st));
    };
    const want = await missing(this.uow.db);
    if (!want.length) return;
    const fresh = await Promise.all(want.map(() => this.generate()));
    await this.uow.run(async (tx) => {
      await lockKeys(tx);
      for (const status of await missing(tx)) {
        const key = fresh.pop();
        if (!key) break;
        await this.insert(tx, key, status);
        this.logger.log(`generated signing key ${key.kid} (${status})`);
      }
    });
  }

  private async promoteNext(tx: Tx, fresh: GeneratedKey): Promise<RotationResult> {
    const retired = await tx.rows<{ kid: string; publish_until: Date }>(
      `UPDATE signing_keys SET status = 'retired', retired_at = now(), publish_until = now() + make_interval(secs => $1)
        WHERE status = 'active' RETURNING kid, publish_until`,
      [this.retentionSeconds],
    );
    const promoted = await tx.rows<{ kid: string }>(
      `UPDATE signing_keys SET status = 'active', activated_at = now() WHERE status = 'next' RETURNING kid`,
    );
    const kid = promoted[0]?.kid ?? fresh.kid;
    await this.insert(tx, fresh, promoted[0] ? 'next' : 'active');
    // Keys whose publication ended long ago are of no further use.
    await tx.rows(`DELETE FROM signing_keys WHERE status = 'retired' AND publish_until < now() - interval '7 days'`);
    const old = retired[0];
    return { kid, retiredKid: old?.kid ?? null, retiredKeyPublishedUntil: old ? new Date(old.publish_until).toISOString() : null };
  }

  private async insert(tx: Tx, k: GeneratedKey, status: 'active' | 'next'): Promise<void> {
    await tx.rows(
      `INSERT INTO signing_keys (kid, algorithm, status, public_key_pem, private_key_encrypted, activated_at)
       VALUES ($1, 'RS256', $2, $3, $4, CASE WHEN $2 = 'active' THEN now() END)`,
      [k.kid, status, k.publicKeyPem, encryptPrivateKey(this.kek, k.kid, k.privateKeyDer)],
    );
  }

  private decrypt(kid: string, blob: Buffer): Buffer {
    try {
      return decryptPrivateKey(this.kek, kid, blob);
    } catch {
      throw new Error(`cannot decrypt signing key ${kid}: KEY_ENCRYPTION_KEY is not the key it was stored with`);
    }
  }

  private async generate(): Promise<GeneratedKey> {
    const { publicKey, privateKey } = await generateKeyPairAsync('rsa', { modulusLength: this.config.SIGNING_KEY_BITS });
    return {
      kid: randomBytes(12).toString('base64url'),
      publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }) as string,
      privateKeyDer: privateKey.export({ format: 'der', type: 'pkcs8' }),
    };
  }
}

/** Key changes of all instances queue on one transaction-scoped advisory lock. */
async function lockKeys(tx: Tx): Promise<void> {
  await tx.rows('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
}
