import { z } from 'zod';
import { DomainError } from '@tradeloop/domain';

/**
 * Opaque keyset cursors: base64url of a JSON tuple tagged with the list it belongs to, so a
 * cursor from one list is refused by another instead of silently paging wrong.
 *
 * Each list declares its cursor once, with a schema for its keys (`cursorCodec`), and decodes
 * through it: a tampered cursor — a key of the wrong type, out of range, not a date — is a 400
 * naming `cursor`, never a value that reaches SQL (docs/adr/0013-hostile-input.md).
 */
export interface CursorCodec<Keys extends unknown[]> {
  readonly list: string;
  encode(keys: Keys): string;
  /** The keys, or VALIDATION_FAILED on field `cursor`. */
  decode(cursor: string): Keys;
}

const invalid = () =>
  new DomainError('VALIDATION_FAILED', 'Invalid cursor', {
    fieldErrors: [{ field: 'cursor', message: 'is not a cursor issued by this list' }],
  });

export function cursorCodec<const K extends readonly [z.ZodType, ...z.ZodType[]]>(
  list: string,
  keys: K,
): CursorCodec<{ -readonly [I in keyof K]: z.output<K[I]> } & unknown[]> {
  type Keys = { -readonly [I in keyof K]: z.output<K[I]> } & unknown[];
  const schema = z.tuple([z.literal(list), ...keys] as unknown as [z.ZodLiteral<string>, ...z.ZodType[]]);
  return {
    list,
    encode: (values: Keys) => Buffer.from(JSON.stringify([list, ...values])).toString('base64url'),
    decode(cursor: string): Keys {
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      } catch {
        throw invalid();
      }
      const result = schema.safeParse(parsed);
      if (!result.success) throw invalid();
      return result.data.slice(1) as Keys;
    },
  };
}

/** Key schemas shared by several lists. */
export const CursorKeys = {
  /** A bigint row id, as its decimal text (within Postgres' bigint). */
  bigintId: z.string().refine((s) => /^[1-9]\d{0,18}$/.test(s) && BigInt(s) <= 9_223_372_036_854_775_807n),
  uuid: z.uuid(),
  /** Milliseconds since the epoch, within the range a JS Date (and Postgres) can hold. */
  epochMs: z.number().int().min(0).max(8.64e15),
  /**
   * A timestamptz as Postgres prints it in UTC (`2026-12-06 10:32:31.123456+00`): kept as text
   * so microseconds survive; a real calendar date and time, or refused.
   */
  pgTimestampUtc: z.string().refine((s) => {
    if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?\+00$/.test(s)) return false;
    const [y, mo, d, h, mi, se] = s.slice(0, 19).split(/[- :]/).map(Number) as [number, number, number, number, number, number];
    const t = new Date(Date.UTC(y, mo - 1, d, h, mi, se));
    return (
      y >= 1970 &&
      t.getUTCFullYear() === y &&
      t.getUTCMonth() === mo - 1 &&
      t.getUTCDate() === d &&
      t.getUTCHours() === h &&
      t.getUTCMinutes() === mi &&
      t.getUTCSeconds() === se
    );
  }),
} as const;
