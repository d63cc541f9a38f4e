import { randomBytes } from 'node:crypto';
import type { AppConfig } from '@tradeloop/platform';
import { MfaSecrets } from './mfa-secrets';

const mfa = new MfaSecrets({ MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64') } as AppConfig);

describe('MFA secrets', () => {
  it('encrypts with a fresh IV each time and decrypts back', () => {
    const a = mfa.encrypt('JBSWY3DPEHPK3PXP');
    const b = mfa.encrypt('JBSWY3DPEHPK3PXP');
    expect(a).not.toBe(b);
    expect(a).not.toContain('JBSWY3DPEHPK3PXP');
    expect(mfa.decrypt(a)).toBe('JBSWY3DPEHPK3PXP');
  });

  it('detects tampering and foreign keys', () => {
    const sealed = mfa.encrypt('secret');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('forged').toString('base64url');
    expect(() => mfa.decrypt(parts.join('.'))).toThrow();
    const other = new MfaSecrets({ MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64') } as AppConfig);
    expect(() => other.decrypt(sealed)).toThrow();
  });

  it('matches codes within one step of drift and reports their step', () => {
    const { secret, otpauthUrl } = mfa.generate('a@b.c');
    expect(otpauthUrl).toContain('issuer=Tradeloop');
    const t = Date.UTC(2026, 10, 22, 10, 0, 15);
    const step = Math.floor(t / 30_000);
    expect(mfa.matchStep(secret, mfa.codeAt(secret, t), t)).toBe(step);
    expect(mfa.matchStep(secret, mfa.codeAt(secret, t - 30_000), t)).toBe(step - 1);
    expect(mfa.matchStep(secret, mfa.codeAt(secret, t + 30_000), t)).toBe(step + 1);
    expect(mfa.matchStep(secret, mfa.codeAt(secret, t - 90_000), t)).toBeNull();
  });
});
