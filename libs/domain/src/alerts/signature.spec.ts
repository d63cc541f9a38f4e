import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual, hashPassphrase, signWebhook, verifyPassphrase, verifyWebhookSignature } from './signature';

const secret = 'whsec_test';
const body = '{"symbol":"X","action":"buy"}';
const now = 1_765_000_000;
const ts = String(now);
const verify = (over: Partial<Parameters<typeof verifyWebhookSignature>[0]>) =>
  verifyWebhookSignature({
    secret,
    timestamp: ts,
    signature: signWebhook(secret, ts, body),
    rawBody: body,
    nowSeconds: now,
    toleranceSeconds: 300,
    ...over,
  });

describe('webhook signatures', () => {
  it('is HMAC-SHA256(secret, timestamp + "." + body) in hex, as node computes it', () => {
    const expected = createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
    expect(signWebhook(secret, ts, body)).toBe(`sha256=${expected}`);
    expect(signWebhook(secret, ts, new TextEncoder().encode(body))).toBe(`sha256=${expected}`);
  });

  it('accepts a good signature (either case of hex) within the window on both sides', () => {
    expect(verify({})).toEqual({ ok: true });
    expect(verify({ signature: signWebhook(secret, ts, body).toUpperCase().replace('SHA256=', 'sha256=') })).toEqual({ ok: true });
    expect(verify({ nowSeconds: now + 300 })).toEqual({ ok: true });
    expect(verify({ nowSeconds: now - 300 })).toEqual({ ok: true });
  });

  it('refuses each way it can be wrong', () => {
    expect(verify({ signature: undefined })).toEqual({ ok: false, problem: 'SIGNATURE_MISSING' });
    expect(verify({ signature: '' })).toEqual({ ok: false, problem: 'SIGNATURE_MISSING' });
    expect(verify({ timestamp: undefined })).toEqual({ ok: false, problem: 'TIMESTAMP_MISSING' });
    expect(verify({ timestamp: 'yesterday' })).toEqual({ ok: false, problem: 'TIMESTAMP_STALE' });
    expect(verify({ nowSeconds: now + 301 })).toEqual({ ok: false, problem: 'TIMESTAMP_STALE' });
    expect(verify({ nowSeconds: now - 301 })).toEqual({ ok: false, problem: 'TIMESTAMP_STALE' });
    expect(verify({ signature: 'md5=abc' })).toEqual({ ok: false, problem: 'SIGNATURE_MALFORMED' });
    expect(verify({ signature: 'sha256=' + 'z'.repeat(64) })).toEqual({ ok: false, problem: 'SIGNATURE_MALFORMED' });
    expect(verify({ secret: 'other' })).toEqual({ ok: false, problem: 'SIGNATURE_INVALID' });
    expect(verify({ rawBody: body + ' ' })).toEqual({ ok: false, problem: 'SIGNATURE_INVALID' });
    // A signature for another timestamp does not carry over (the timestamp is signed).
    expect(verify({ signature: signWebhook(secret, String(now - 1), body) })).toEqual({ ok: false, problem: 'SIGNATURE_INVALID' });
  });

  it('constantTimeEqual compares whole values', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'ab')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('', 'a')).toBe(false);
    expect(constantTimeEqual('a\u0000', 'a')).toBe(false);
  });

  it('passphrases are salted hashes, verified exactly', () => {
    const salt = '00112233445566778899aabbccddeeff';
    const stored = hashPassphrase('open sesame', salt);
    expect(stored.startsWith(`${salt}:`)).toBe(true);
    expect(stored).not.toContain('open sesame');
    expect(verifyPassphrase('open sesame', stored)).toBe(true);
    expect(verifyPassphrase('open sesame ', stored)).toBe(false);
    expect(verifyPassphrase(null, stored)).toBe(false);
    expect(verifyPassphrase('open sesame', 'garbage')).toBe(false);
    expect(hashPassphrase('x', salt)).not.toBe(hashPassphrase('x', 'ffeeddccbbaa99887766554433221100'));
    expect(() => hashPassphrase('x', 'nothex')).toThrow(RangeError);
  });
});
