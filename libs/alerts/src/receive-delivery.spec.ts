import { describe, expect, it } from 'vitest';
import { STORED_BODY_MAX, storedBody } from './receive-delivery.use-case';

const parse = (s: string): unknown => {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
};
const stored = (s: string | Buffer) => {
  const raw = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
  return storedBody(raw, parse(raw.toString('utf8')));
};

describe('storedBody: what a delivery keeps of its body', () => {
  it('keeps the body as sent, with the passphrase redacted in place', () => {
    const body = '{ "symbol": "X",  "passphrase" : "s3cr\\"et", "action":"buy" }';
    const s = stored(body);
    expect(s).toEqual({ text: '{ "symbol": "X",  "passphrase" : "[redacted]", "action":"buy" }', truncated: false });
    expect(s.text).not.toContain('s3cr');
  });

  it('redacts a passphrase key written with escapes by storing the parsed object instead', () => {
    const s = stored('{"symbol":"X","pass\\u0070hrase":"hunter2"}');
    expect(s.text).not.toContain('hunter2');
    expect(JSON.parse(s.text)).toEqual({ symbol: 'X', passphrase: '[redacted]' });
  });

  it('redacts what looks like a passphrase in a body that is not JSON', () => {
    expect(stored('{"passphrase":"hunter2", broken').text).toBe('{"passphrase":"[redacted]", broken');
  });

  it('replaces NUL and bad UTF-8, and bounds the text', () => {
    expect(stored(Buffer.from([0x61, 0x00, 0xff, 0x62])).text).toBe('a\uFFFD\uFFFDb');
    const big = stored('x'.repeat(STORED_BODY_MAX + 10));
    expect(big.text).toHaveLength(STORED_BODY_MAX);
    expect(big.truncated).toBe(true);
    expect(stored('x'.repeat(STORED_BODY_MAX)).truncated).toBe(false);
    const huge = stored(Buffer.alloc(STORED_BODY_MAX * 5, 0x41));
    expect(huge).toMatchObject({ truncated: true });
    expect(huge.text).toHaveLength(STORED_BODY_MAX);
  });
});
