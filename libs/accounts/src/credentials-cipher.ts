import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { parseKeyRing, type AppConfig } from '@tradeloop/platform';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ALGORITHM = 'aes-256-gcm';

/** The fields a ciphertext can be bound to (the AAD names the account and the field). */
export type SecretField = 'credentials' | 'access_token';

/** Binds a ciphertext to one account and one field: a value copied to another row or column fails to decrypt. */
export const secretAad = (accountId: string, field: SecretField): string => `tradeloop/broker_accounts/${accountId}/${field}`;

/**
 * AES-256-GCM under a key ring (docs/api.md "Broker accounts", credentials at rest). Every value
 * gets a random 12-byte IV and its own 16-byte tag, and is authenticated with the account id and
 * field (AAD). Stored as `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url parts): the key id says
 * which key decrypts it, so reads accept any key of the ring while new values use the active one
 * (rotation without downtime: the re-encrypt job moves old values to the active key).
 */
export class CredentialsCipher {
  private readonly ring: ReadonlyMap<string, Buffer>;
  readonly activeKeyId: string;

  constructor(ring: ReadonlyMap<string, Buffer>, activeKeyId?: string) {
    if (ring.size === 0) throw new Error('BROKER_CREDENTIALS_KEYS holds no key');
    const active = activeKeyId ?? [...ring.keys()][0]!;
    if (!ring.has(active)) throw new Error(`BROKER_CREDENTIALS_KEY_ID "${active}" is not in BROKER_CREDENTIALS_KEYS`);
    for (const [id, key] of ring) if (key.length !== 32) throw new Error(`key "${id}" must be 32 bytes`);
    this.ring = ring;
    this.activeKeyId = active;
  }

  static fromConfig(config: Pick<AppConfig, 'BROKER_CREDENTIALS_KEYS' | 'BROKER_CREDENTIALS_KEY_ID'>): CredentialsCipher {
    return new CredentialsCipher(parseKeyRing(config.BROKER_CREDENTIALS_KEYS), config.BROKER_CREDENTIALS_KEY_ID);
  }

  encrypt(plaintext: string, aad: string): string {
    const key = this.ring.get(this.activeKeyId)!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, this.activeKeyId, iv.toString('base64url'), tag.toString('base64url'), data.toString('base64url')].join('.');
  }

  /** The plaintext; throws (naming no secret) when the value is malformed, its key is not in the ring, or it was tampered with or moved. */
  decrypt(stored: string, aad: string): string {
    const parts = stored.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION) throw new Error('not an encrypted broker credential');
    const [, keyId, ivText, tagText, dataText] = parts as [string, string, string, string, string];
    const key = this.ring.get(keyId);
    if (!key) throw new Error(`broker credential key "${keyId}" is not in BROKER_CREDENTIALS_KEYS`);
    const iv = Buffer.from(ivText, 'base64url');
    const tag = Buffer.from(tagText, 'base64url');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('not an encrypted broker credential');
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(Buffer.from(dataText, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('broker credential failed authentication (wrong key, account or field)');
    }
  }

  /** The key id a stored value was encrypted under. */
  static keyIdOf(stored: string): string | null {
    const parts = stored.split('.');
    return parts.length === 5 && parts[0] === VERSION ? parts[1]! : null;
  }

  isActive(stored: string): boolean {
    return CredentialsCipher.keyIdOf(stored) === this.activeKeyId;
  }
}

/** "••••" + the last 4 characters (fewer when the value is shorter than 8, so a short value is never shown whole). */
export function maskSecret(value: string): string {
  const visible = value.length >= 8 ? 4 : Math.max(0, value.length - 4);
  return `••••${visible > 0 ? value.slice(-visible) : ''}`;
}
