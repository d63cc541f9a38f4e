import { DomainError } from '@tradeloop/domain';

/**
 * Opaque keyset cursors: base64url of a JSON tuple tagged with the list it belongs to, so a
 * cursor from one list is refused by another instead of silently paging wrong.
 */
export function encodeCursor(list: string, keys: (string | number)[]): string {
  return Buffer.from(JSON.stringify([list, ...keys])).toString('base64url');
}

export function decodeCursor(list: string, cursor: string, arity: number): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== arity + 1 ||
    parsed[0] !== list ||
    !parsed.slice(1).every((v) => typeof v === 'string' || typeof v === 'number')
  ) {
    throw new DomainError('VALIDATION_FAILED', 'Invalid cursor', {
      fieldErrors: [{ field: 'cursor', message: 'is not a cursor issued by this list' }],
    });
  }
  return parsed.slice(1).map(String);
}
