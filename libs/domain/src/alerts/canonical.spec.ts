import { describe, expect, it } from 'vitest';
import { alertDedupKey, canonicalAlert, sha256Hex, stableJson } from './canonical';
import { parseAlertPayload, type AlertPayload } from './payload';

const parse = (b: unknown): AlertPayload => {
  const r = parseAlertPayload(b);
  if (!r.ok) throw new Error(r.reason);
  return r.payload;
};

describe('canonical form and dedup key', () => {
  it('is the same for the same alert however it was written', () => {
    const a = parse({ symbol: 'reliance', action: 'buy', price: 2500.5, quantity: 1, passphrase: 'one' });
    const b = parse({ passphrase: 'two', quantity: '1', price: '2500.50', action: 'BUY', symbol: ' RELIANCE ' });
    const c = parse({ ticker: 'RELIANCE', direction: 'long', contracts: '1.0', price: '2500.5000' });
    expect(canonicalAlert(a)).toBe(canonicalAlert(b));
    expect(alertDedupKey(a)).toBe(alertDedupKey(b));
    expect(alertDedupKey(a)).toBe(alertDedupKey(c));
    expect(alertDedupKey(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(canonicalAlert(a)).not.toContain('one');
  });

  it('differs when anything that matters differs', () => {
    const base = { symbol: 'X', action: 'buy', quantity: 1 };
    const key = (v: Record<string, unknown>) => alertDedupKey(parse({ ...base, ...v }));
    const keys = [
      key({}),
      key({ quantity: 2 }),
      key({ action: 'sell' }),
      key({ symbol: 'Y' }),
      key({ alert_id: 'a' }),
      key({ tags: ['t'] }),
      key({ price: '1' }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    // Tag order is kept: the alert author chose it.
    expect(key({ tags: ['a', 'b'] })).not.toBe(key({ tags: ['b', 'a'] }));
  });

  it('stableJson sorts keys at every level', () => {
    expect(stableJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null }, u: undefined })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
    expect(stableJson([undefined])).toBe('[null]');
    expect(stableJson('x')).toBe('"x"');
  });

  it('sha256Hex matches the known vector', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(sha256Hex('abc'));
  });
});
