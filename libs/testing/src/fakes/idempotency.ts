import { DomainError, isDomainError } from '@tradeloop/domain';
import type { Idempotency, IdempotentRequest, Sql, StoredResponse } from '@tradeloop/platform';
import type { FakeDb } from './db';

interface Stored {
  fingerprint: string;
  status: number;
  /** The JSON text of the answer, or of a remembered refusal. */
  response: string;
  refusal?: { code: DomainError['code']; message: string; retryAfterSeconds?: number };
}

class ConcurrentDuplicate extends Error {}

const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
};

/**
 * The Idempotency contract in memory (libs/platform/src/idempotency): the key is stored inside
 * the work's transaction (gone if it rolls back); a replay with the same fingerprint returns the
 * first answer with `replayed: true` and runs nothing; another fingerprint is IDEMPOTENCY_CONFLICT;
 * business refusals (DomainErrors other than VALIDATION_FAILED and SERVICE_UNAVAILABLE) are
 * remembered and thrown again on replay. Answers come back through JSON, as from the jsonb column.
 */
export class FakeIdempotency implements Pick<Idempotency, 'run'> {
  readonly keys = new Map<string, Stored>();
  /** How many times work was actually run. */
  runs = 0;

  constructor(private readonly db: FakeDb) {}

  async run<T>(
    req: IdempotentRequest,
    status: number,
    work: (sql: Sql) => Promise<T>,
    opts: { optimistic?: boolean; lock?: string } = {},
  ): Promise<StoredResponse<T>> {
    const id = `${req.scope}\u0000${req.key}`;
    const fingerprint = canonicalJson(req.fingerprint);
    const earlier = this.lookup<T>(id, fingerprint);
    if (earlier) return earlier;
    try {
      const body = await this.db.tx(
        async (sql) => {
          this.runs += 1;
          const result = await work(sql);
          if (this.keys.has(id)) throw new ConcurrentDuplicate();
          this.keys.set(id, { fingerprint, status, response: JSON.stringify(result) });
          this.db.onRollback(sql, () => this.keys.delete(id));
          return result;
        },
        { lock: opts.lock },
      );
      return { status, body, replayed: false };
    } catch (err) {
      if (err instanceof ConcurrentDuplicate) return this.lookup<T>(id, fingerprint)!;
      if (isDomainError(err) && err.code !== 'VALIDATION_FAILED' && err.code !== 'SERVICE_UNAVAILABLE' && !this.keys.has(id)) {
        const refusal = { code: err.code, message: err.message, retryAfterSeconds: err.options.retryAfterSeconds };
        this.keys.set(id, { fingerprint, status: 0, response: JSON.stringify({ error: refusal }), refusal });
      }
      throw err;
    }
  }

  private lookup<T>(id: string, fingerprint: string): StoredResponse<T> | undefined {
    const row = this.keys.get(id);
    if (!row) return undefined;
    if (row.fingerprint !== fingerprint) {
      throw new DomainError('IDEMPOTENCY_CONFLICT', 'This Idempotency-Key was already used with a different request');
    }
    if (row.refusal) {
      throw new DomainError(row.refusal.code, row.refusal.message, {
        retryAfterSeconds: row.refusal.retryAfterSeconds,
        context: { replayed: true },
      });
    }
    return { status: row.status, body: JSON.parse(row.response) as T, replayed: true };
  }
}
