import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** next: published ahead of use; active: signs; retired: published until its tokens have expired. */
export type SigningKeyStatus = 'next' | 'active' | 'retired';

/** An RSA signing key. The private key is stored only encrypted (AES-256-GCM, KEY_ENCRYPTION_KEY). */
@Entity({ name: 'signing_keys' })
export class SigningKey {
  @PrimaryColumn({ type: 'text' })
  kid: string;

  @Column({ type: 'text', default: 'RS256' })
  algorithm: string;

  @Column({ type: 'text' })
  status: SigningKeyStatus;

  @Column({ name: 'public_key_pem', type: 'text' })
  publicKeyPem: string;

  /** iv (12 bytes) | auth tag (16 bytes) | ciphertext of the PKCS#8 DER private key. */
  @Column({ name: 'private_key_encrypted', type: 'bytea', select: false })
  privateKeyEncrypted: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** When it began to sign; KEY_ROTATION_DAYS counts from here. */
  @Column({ name: 'activated_at', type: 'timestamptz', nullable: true })
  activatedAt: Date | null;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt: Date | null;

  /** A retired key stays published (and verifies) until every token it signed has expired. */
  @Column({ name: 'publish_until', type: 'timestamptz', nullable: true })
  publishUntil: Date | null;
}
