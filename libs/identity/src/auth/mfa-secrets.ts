import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { APP_CONFIG, type AppConfig } from '@tradeloop/platform';

const PERIOD_SECONDS = 30;
const ISSUER = 'Tradeloop';

/**
 * TOTP (RFC 6238, SHA-1, 6 digits, 30 s) with secrets encrypted at rest by AES-256-GCM: a leaked
 * database dump alone does not let anyone generate codes.
 */
@Injectable()
export class MfaSecrets {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = Buffer.from(config.MFA_ENCRYPTION_KEY, 'base64');
  }

  generate(email: string): { secret: string; otpauthUrl: string } {
    const secret = new Secret({ size: 20 });
    const totp = this.totp(secret.base32, email);
    return { secret: secret.base32, otpauthUrl: totp.toString() };
  }

  /**
   * Returns the TOTP time step the code belongs to (±1 step of clock drift allowed), or null.
   * Callers store the step and refuse codes at or before it, so a code cannot be replayed.
   */
  matchStep(base32: string, code: string, now = Date.now()): number | null {
    const delta = this.totp(base32, '').validate({ token: code, timestamp: now, window: 1 });
    if (delta === null) return null;
    return Math.floor(now / 1000 / PERIOD_SECONDS) + delta;
  }

  /** A valid code for the given time; used by tests and the seed's demo MFA user only. */
  codeAt(base32: string, at = Date.now()): string {
    return this.totp(base32, '').generate({ timestamp: at });
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || !data) throw new Error('unknown MFA secret format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }

  private totp(base32: string, label: string): TOTP {
    return new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: PERIOD_SECONDS, secret: Secret.fromBase32(base32) });
  }
}
