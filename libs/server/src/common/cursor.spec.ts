import fc from 'fast-check';
import { DomainError } from '@tradeloop/domain';
import { decodeCursor, encodeCursor } from './cursor';

describe('cursors', () => {
  it('round-trip', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.integer()), { minLength: 1, maxLength: 3 }), (keys) => {
        expect(decodeCursor('x', encodeCursor('x', keys), keys.length)).toEqual(keys.map(String));
      }),
    );
  });

  it('refuses cursors from another list, of another arity, or garbage', () => {
    const c = encodeCursor('users', ['2026-01-01', 'id']);
    expect(() => decodeCursor('audit', c, 2)).toThrow(DomainError);
    expect(() => decodeCursor('users', c, 1)).toThrow(DomainError);
    for (const junk of ['', '%%%', 'bm90LWpzb24', Buffer.from('{"a":1}').toString('base64url')]) {
      expect(() => decodeCursor('users', junk, 2)).toThrow(DomainError);
    }
  });
});
