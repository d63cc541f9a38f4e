import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DomainError, isDomainError } from '@tradeloop/domain';
import { IDEMPOTENCY_KEY_PATTERN } from '@tradeloop/contracts';
import { Db, type Sql } from '../db';

export interface IdempotentRequest {
  /** Keys are scoped per caller: two users may use the same key independently. */
  scope: string;
  key: string;
  /** What makes two requests "the same": method, route, target and body. */
  fingerprint: unknown;
}

export interface StoredResponse<T> {
  status: number;
  body: T;
  replayed: boolean;
}

/** A business refusal remembered for a key, replayed like a success would be. */
export interface RememberedError {
  error: { code: string; message: string; retryAfterSeconds?: number };
}

class ConcurrentDuplicate extends Error {}

/** Canonical JSON (sorted keys) so that key order in a body does not change the fingerprint. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function assertIdempotencyKey(key: unknown): string {
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new DomainError('VALIDATION_FAILED', 'This request needs an Idempotency-Key header (1–128 printable characters)', {
      fieldErrors: [
        { field: 'Idempotency-Key', message: typeof key === 'string' ? 'must be 1–128 printable ASCII characters' : 'is required' },
      ],
    });
  }
  return key;
}

/**
 * Makes an operation safe to retry. The key is written in the same database transaction as the
 * work, so it exists if and only if the work committed: a replay with the same body gets the
 * original status and body and changes nothing; the same key with a different body is a 409.
 * Business refusals (e.g. INSUFFICIENT_FUNDS) are remembered too, so a retry cannot turn an
 * answered "no" into a later "yes".
 */
@Injectable()
export class Idempotency {
  constructor(@Inject(Db) private readonly db: Db) {}

  /**
   * `optimistic`: skip the look-up before the work — a replay is then found when its key row
   * conflicts (the work rolls back) or when the work fails; one round trip less on the hot path
   * (order intake), the same answers. `lock`: see Db.tx.
   */
  async run<T>(
    req: IdempotentRequest,
    status: number,
    work: (sql: Sql) => Promise<T>,
    opts: { optimistic?: boolean; lock?: string } = {},
  ): Promise<StoredResponse<T>> {
    const hash = this.hashOf(req);
    if (!opts.optimistic) {
      const earlier = await this.lookup<T>(req, hash);
      if (earlier) return earlier;
    }
    try {
      const body = await this.db.tx(
        async (sql) => {
          const result = await work(sql);
          if (!(await this.claim(sql, req, hash, status, result))) throw new ConcurrentDuplicate();
          return result;
        },
        { lock: opts.lock },
      );
      return { status, body, replayed: false };
    } catch (err) {
      if (err instanceof ConcurrentDuplicate) return (await this.lookup<T>(req, hash))!;
      return this.afterFailure<T>(req, hash, err, opts.optimistic === true);
    }
  }

  /** The fingerprint's hash, as stored with the key. */
  hashOf(req: IdempotentRequest): Buffer {
    return createHash('sha256').update(canonicalJson(req.fingerprint)).digest();
  }

  /**
   * Inside the work's transaction, after the work: writes the key with its answer. False when the
   * key is taken — a concurrent request with the same key waited here for the other's commit —
   * and then the caller rolls its work back and replays the stored answer (`replayOf`).
   */
  async claim(sql: Sql, req: IdempotentRequest, hash: Buffer, status: number, body: unknown): Promise<boolean> {
    const [claimed] = await this.claimMany(sql, [{ req, hash, status, body }]);
    return claimed!;
  }

  /**
   * `claim` for several keys in one statement (a group commit, ADR 0015): whether each was
   * claimed, in the order given. Written last, like `claim`: a concurrent request with one of
   * these keys waits for our commit.
   */
  async claimMany(sql: Sql, items: readonly { req: IdempotentRequest; hash: Buffer; status: number; body: unknown }[]): Promise<boolean[]> {
    const inserted = await sql.rows<{ scope: string; key: string }>(
      `INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response)
       SELECT s, k, h, c, r::jsonb FROM unnest($1::uuid[], $2::text[], $3::bytea[], $4::int[], $5::text[]) WITH ORDINALITY AS x(s, k, h, c, r, n) ORDER BY n
       ON CONFLICT DO NOTHING RETURNING scope::text, key`,
      [
        items.map((i) => i.req.scope),
        items.map((i) => i.req.key),
        items.map((i) => i.hash),
        items.map((i) => i.status),
        items.map((i) => JSON.stringify(i.body)),
      ],
    );
    const claimed = new Set(inserted.map((r) => `${r.scope}|${r.key}`));
    return items.map((i) => claimed.has(`${i.req.scope.toLowerCase()}|${i.req.key}`));
  }

  /**
   * The stored answer of a key `claim` found taken (a remembered refusal, or a different body's 409, throws).
   * `sql`: the transaction whose `claim` found it taken (a batch's: the key may be a sibling's, not committed yet).
   */
  async replayOf<T>(req: IdempotentRequest, hash: Buffer, sql: Sql = this.db.sql): Promise<StoredResponse<T>> {
    return (await this.lookup<T>(req, hash, false, sql))!;
  }

  /**
   * After the work failed and rolled back: with `optimistic`, a key used before answers with its
   * earlier answer (or a 409); a business refusal is remembered for the key, so a retry cannot
   * turn a "no" into a later "yes". Returns a duplicate's success found meanwhile, else throws `err`.
   * `sql`: by default its own statements; a batch passes its transaction (its item's savepoint
   * rolled back): the key's earlier answer may be a sibling's not committed yet, and a refusal
   * decided against the batch's uncommitted orders is remembered only if the batch commits.
   */
  async afterFailure<T>(
    req: IdempotentRequest,
    hash: Buffer,
    err: unknown,
    optimistic: boolean,
    sql: Sql = this.db.sql,
  ): Promise<StoredResponse<T>> {
    if (optimistic) {
      // The work failed: if the key was used before, that earlier answer (or a 409) wins.
      const earlier = await this.lookup<T>(req, hash, true, sql);
      if (earlier) return earlier;
    }
    if (isDomainError(err) && err.code !== 'VALIDATION_FAILED' && err.code !== 'SERVICE_UNAVAILABLE') {
      await this.remember(req, hash, err, sql);
      const stored = await this.lookup<T>(req, hash, false, sql);
      if (stored && !isRemembered(stored.body)) return stored; // a duplicate succeeded meanwhile
    }
    throw err;
  }

  /** `earlierRequest`: a remembered refusal found here answered a request made before this one (context `earlierRequest`). */
  private async lookup<T>(
    req: IdempotentRequest,
    hash: Buffer,
    earlierRequest = false,
    sql: Sql = this.db.sql,
  ): Promise<StoredResponse<T> | undefined> {
    const row = await sql.maybeOne<{ request_hash: Buffer; status_code: number; response: unknown }>(
      `SELECT request_hash, status_code, response FROM idempotency_keys WHERE scope = $1 AND key = $2`,
      [req.scope, req.key],
    );
    if (!row) return undefined;
    if (!row.request_hash.equals(hash)) {
      throw new DomainError('IDEMPOTENCY_CONFLICT', 'This Idempotency-Key was already used with a different request');
    }
    if (isRemembered(row.response)) {
      const e = row.response.error;
      throw new DomainError(e.code as DomainError['code'], e.message, {
        retryAfterSeconds: e.retryAfterSeconds,
        context: { replayed: true, ...(earlierRequest ? { earlierRequest: true } : {}) },
      });
    }
    return { status: row.status_code, body: row.response as T, replayed: true };
  }

  private async remember(req: IdempotentRequest, hash: Buffer, err: DomainError, sql: Sql): Promise<void> {
    const body: RememberedError = { error: { code: err.code, message: err.message, retryAfterSeconds: err.options.retryAfterSeconds } };
    await sql.rows(
      `INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response) VALUES ($1, $2, $3, 0, $4) ON CONFLICT DO NOTHING`,
      [req.scope, req.key, hash, JSON.stringify(body)],
    );
  }
}

const isRemembered = (v: unknown): v is RememberedError =>
  typeof v === 'object' && v !== null && 'error' in v && typeof (v as RememberedError).error?.code === 'string';
