import fc from 'fast-check';
import { DomainError } from '@tradeloop/domain';
import { cursorCodec, CursorKeys } from './cursor';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const UUID = '0193a1b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b';

describe('cursors', () => {
  const users = cursorCodec('users', [CursorKeys.pgTimestampUtc, CursorKeys.uuid]);
  const signals = cursorCodec('signals', [CursorKeys.epochMs, CursorKeys.uuid]);
  const audit = cursorCodec('audit', [CursorKeys.bigintId]);

  it('round-trip', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8.64e15 }), fc.uuid(), (ts, id) => {
        expect(signals.decode(signals.encode([ts, id]))).toEqual([ts, id]);
      }),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }), (id) => {
        expect(audit.decode(audit.encode([String(id)]))).toEqual([String(id)]);
      }),
    );
    const ts = '2026-12-06 10:32:31.123456+00';
    expect(users.decode(users.encode([ts, UUID]))).toEqual([ts, UUID]);
    expect(users.decode(users.encode(['2024-02-29 00:00:00+00', UUID]))).toEqual(['2024-02-29 00:00:00+00', UUID]);
  });

  it('refuses cursors from another list, of another arity, or garbage', () => {
    const c = users.encode(['2026-01-01 00:00:00+00', UUID]);
    expect(() => cursorCodec('audit', [CursorKeys.pgTimestampUtc, CursorKeys.uuid]).decode(c)).toThrow(DomainError);
    expect(() => audit.decode(c)).toThrow(DomainError);
    for (const junk of ['', '%%%', 'bm90LWpzb24', b64({ a: 1 }), b64(['users']), b64(['users', null, UUID])]) {
      expect(() => users.decode(junk), junk).toThrow(DomainError);
    }
  });

  it('refuses tampered keys: not a date, not a uuid, numbers out of range', () => {
    for (const keys of [
      ['not-a-date', UUID],
      ['2026-02-30 00:00:00+00', UUID],
      ['2026-13-01 00:00:00+00', UUID],
      ['2026-01-01 24:00:00+00', UUID],
      ['2026-01-01 00:00:00+05:30', UUID],
      ['2026-01-01 00:00:00.1234567+00', UUID],
      ['2026-01-01 00:00:00+00', 'not-a-uuid'],
      ['2026-01-01 00:00:00+00', 42],
    ]) {
      expect(() => users.decode(b64(['users', ...keys])), JSON.stringify(keys)).toThrow(DomainError);
    }
    for (const ts of [1e300, -1e20, -1, 8.64e15 + 1, 1.5, '1700000000000', Number.MAX_VALUE]) {
      expect(() => signals.decode(b64(['signals', ts, UUID])), String(ts)).toThrow(DomainError);
    }
    expect(() => signals.decode(b64(['signals', 1_700_000_000_000, 'x']))).toThrow(DomainError);
    for (const id of ['0', '-1', '9223372036854775808', '99999999999999999999', '1e3', 12, ' 1']) {
      expect(() => audit.decode(b64(['audit', id])), String(id)).toThrow(DomainError);
    }
  });

  it('name the cursor field in the refusal', () => {
    try {
      signals.decode(b64(['signals', 1e300, UUID]));
      expect.unreachable();
    } catch (err) {
      expect((err as DomainError).code).toBe('VALIDATION_FAILED');
      expect((err as DomainError).options.fieldErrors).toEqual([{ field: 'cursor', message: 'is not a cursor issued by this list' }]);
    }
  });
});
