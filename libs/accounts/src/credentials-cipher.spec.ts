import { randomBytes } from 'node:crypto';
import { CredentialsCipher, maskSecret, secretAad } from './credentials-cipher';

const key = () => randomBytes(32);

describe('CredentialsCipher (AES-256-GCM under a key ring)', () => {
  const k1 = key();
  const k2 = key();
  const aad = secretAad('0190a000-0000-7000-8000-000000000001', 'credentials');

  it('round-trips, with a fresh IV each time, and records the key id', () => {
    const c = new CredentialsCipher(new Map([['k1', k1]]), 'k1');
    const a = c.encrypt('{"apiKey":"abcd1234","apiSecret":"s3cr3t-value"}', aad);
    const b = c.encrypt('{"apiKey":"abcd1234","apiSecret":"s3cr3t-value"}', aad);
    expect(a).not.toBe(b);
    expect(a.startsWith('v1.k1.')).toBe(true);
    expect(a).not.toContain('s3cr3t');
    expect(c.decrypt(a, aad)).toBe('{"apiKey":"abcd1234","apiSecret":"s3cr3t-value"}');
    expect(CredentialsCipher.keyIdOf(a)).toBe('k1');
  });

  it('refuses a value moved to another account or field (AAD), or tampered with', () => {
    const c = new CredentialsCipher(new Map([['k1', k1]]));
    const v = c.encrypt('token-123', aad);
    expect(() => c.decrypt(v, secretAad('0190a000-0000-7000-8000-000000000002', 'credentials'))).toThrow(/authentication/);
    expect(() => c.decrypt(v, secretAad('0190a000-0000-7000-8000-000000000001', 'access_token'))).toThrow(/authentication/);
    const parts = v.split('.');
    const data = Buffer.from(parts[4]!, 'base64url');
    data[0]! ^= 1;
    parts[4] = data.toString('base64url');
    expect(() => c.decrypt(parts.join('.'), aad)).toThrow(/authentication/);
    expect(() => c.decrypt('plain text', aad)).toThrow(/not an encrypted/);
  });

  it('rotation: encrypted under k1, k2 active reads both, re-encrypted values survive removing k1', () => {
    const old = new CredentialsCipher(new Map([['k1', k1]]), 'k1');
    const v1 = old.encrypt('secret-A', aad);
    const both = new CredentialsCipher(
      new Map([
        ['k1', k1],
        ['k2', k2],
      ]),
      'k2',
    );
    expect(both.decrypt(v1, aad)).toBe('secret-A');
    expect(both.isActive(v1)).toBe(false);
    const v2 = both.encrypt(both.decrypt(v1, aad), aad);
    expect(both.isActive(v2)).toBe(true);
    const onlyK2 = new CredentialsCipher(new Map([['k2', k2]]), 'k2');
    expect(onlyK2.decrypt(v2, aad)).toBe('secret-A');
    expect(() => onlyK2.decrypt(v1, aad)).toThrow(/"k1" is not in BROKER_CREDENTIALS_KEYS/);
  });

  it('the active key must be in the ring', () => {
    expect(() => new CredentialsCipher(new Map([['k1', k1]]), 'k2')).toThrow(/BROKER_CREDENTIALS_KEY_ID/);
    expect(() => new CredentialsCipher(new Map())).toThrow(/BROKER_CREDENTIALS_KEYS/);
    expect(
      CredentialsCipher.fromConfig({
        BROKER_CREDENTIALS_KEYS: `a:${k1.toString('base64')},b:${k2.toString('base64')}`,
        BROKER_CREDENTIALS_KEY_ID: undefined,
      }).activeKeyId,
    ).toBe('a');
  });

  it('masks as •••• plus the last 4, never a short value whole', () => {
    expect(maskSecret('abcdefgh1234')).toBe('••••1234');
    expect(maskSecret('abcdefgh')).toBe('••••efgh');
    expect(maskSecret('abcdef')).toBe('••••ef');
    expect(maskSecret('abcd')).toBe('••••');
    expect(maskSecret('')).toBe('••••');
  });
});
