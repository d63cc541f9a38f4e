import { createHash } from 'node:crypto';
import type { Pool, PoolClient, QueryConfig, QueryResult } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import QueryStream from 'pg-query-stream';
import type { DataSource } from 'typeorm';

/** Something that runs one statement: the pool (each statement on any free connection) or one client. */
interface Queryable {
  query(config: QueryConfig): Promise<QueryResult>;
}

/**
 * Statements are prepared once per connection (named by a hash of their text) instead of being
 * parsed, analysed and planned on every execution: the order path's statements are multi-CTE
 * inserts whose planning cost about as much as running them. Distinct texts are capped so
 * statements built with varying shapes cannot grow each backend's cache without bound; past
 * the cap new texts run unnamed (planned each time, as before).
 */
const PREPARED_MAX = 2_000;
const preparedNames = new Map<string, string>();

function statementName(text: string): string | undefined {
  let name = preparedNames.get(text);
  if (name === undefined && preparedNames.size < PREPARED_MAX) {
    name = `tl_${createHash('sha1').update(text).digest('base64url')}`;
    preparedNames.set(text, name);
  }
  return name;
}

/**
 * A thin SQL executor straight over node-postgres (the pool TypeORM opened). Ledger-grade code
 * wants to see its exact statements and locks, so repositories write SQL and get plain rows
 * back. It bypasses TypeORM's query runner on purpose: on the order path every statement is a
 * round trip, and the runner's per-query bookkeeping cost more CPU than the statement itself.
 */
export class Sql {
  constructor(private readonly target: Queryable) {}

  async rows<T>(text: string, params: unknown[] = []): Promise<T[]> {
    const result = await this.target.query({ name: statementName(text), text, values: params });
    return result.rows as T[];
  }

  async maybeOne<T>(text: string, params: unknown[] = []): Promise<T | undefined> {
    const rows = await this.rows<T>(text, params);
    return rows[0];
  }

  async one<T>(text: string, params: unknown[] = []): Promise<T> {
    const row = await this.maybeOne<T>(text, params);
    if (row === undefined) throw new Error('expected one row, got none');
    return row;
  }

  /**
   * Inside a transaction: `work` under a savepoint. Should it fail, what it wrote is rolled back
   * and the transaction goes on (a batch whose items are each accepted or refused on their own).
   */
  async savepoint<T>(work: () => Promise<T>): Promise<T> {
    await this.rows('SAVEPOINT tl_item');
    try {
      const result = await work();
      await this.rows('RELEASE SAVEPOINT tl_item');
      return result;
    } catch (err) {
      await this.rows('ROLLBACK TO SAVEPOINT tl_item');
      throw err;
    }
  }

  /** Inside a transaction: a transaction-scoped advisory lock on `key` (see Db.tx). */
  async advisoryLock(key: string): Promise<void> {
    await this.rows('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
  }
}

/** The BEGIN of a transaction taking advisory locks on `keys`, in one sorted order everywhere (no two transactions wait on each other's). */
function beginWith(client: PoolClient, keys: readonly string[]): string {
  const sorted = [...new Set(keys)].sort();
  return ['BEGIN', ...sorted.map((k) => `SELECT pg_advisory_xact_lock(hashtext(${client.escapeLiteral(k)}))`)].join('; ');
}

/** Entry point to the database for use cases: plain statements, or a unit of work. */
export class Db {
  private pool: Pool | null = null;

  constructor(readonly dataSource: DataSource) {}

  /** A round trip to the database (readiness probes). */
  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  /** The pg pool behind the data source (its size and timeouts are set in createDataSource). */
  private get pg(): Pool {
    if (!this.pool) {
      const driver = this.dataSource.driver as unknown as { master?: Pool };
      if (!driver.master) throw new Error('the data source is not initialised');
      this.pool = driver.master;
    }
    return this.pool;
  }

  get sql(): Sql {
    return new Sql(this.pg);
  }

  /**
   * The whole output of a `COPY (…) TO STDOUT (FORMAT binary)` statement, as bytes. COPY takes
   * no parameters: build the statement from numbers and `escapeLiteral`ed values only. Binary
   * COPY moves bytea and int8 as their bytes — no hex text or strings to parse.
   */
  async copyOut(statement: string): Promise<Buffer> {
    const client = await this.pg.connect();
    let broken = false;
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of client.query(copyTo(statement))) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    } catch (err) {
      broken = true;
      throw err;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Runs `work` in one database transaction; everything in it commits together or not at all.
   * `lock`: transaction-scoped advisory locks on this key (or these keys, taken in sorted order),
   * in the same round trip as BEGIN (serialises work per key, e.g. one user's order intake).
   */
  async tx<T>(work: (sql: Sql) => Promise<T>, opts: { lock?: string | readonly string[] } = {}): Promise<T> {
    const client = await this.pg.connect();
    let broken = false;
    try {
      // A simple-protocol query may hold several statements; the keys are escaped as literals.
      await client.query(beginWith(client, opts.lock === undefined ? [] : typeof opts.lock === 'string' ? [opts.lock] : opts.lock));
      const result = await work(new Sql(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      // A failed ROLLBACK means the connection is unusable: destroy it rather than pool it.
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw err;
    } finally {
      client.release(broken);
    }
  }
}

/**
 * Runs a query through a server-side cursor (TypeORM's stream, backed by pg-query-stream) on a
 * dedicated connection. Rows arrive in batches, so memory stays flat for any result size.
 * `done()` returns the connection; call it when the stream ends, fails or is abandoned.
 */
export async function streamQuery(db: Db, text: string, params: unknown[]): Promise<{ stream: NodeJS.ReadableStream; done: () => void }> {
  const runner = db.dataSource.createQueryRunner('slave');
  await runner.connect();
  let released = false;
  const done = () => {
    if (released) return;
    released = true;
    void runner.release();
  };
  try {
    const stream = await runner.stream(text, params);
    return { stream, done };
  } catch (err) {
    done();
    throw err;
  }
}

/**
 * Runs `work` in one REPEATABLE READ, read-only transaction: every query and stream inside sees
 * the same snapshot of the database, however long the work takes and whatever commits meanwhile.
 */
export async function inSnapshot<T>(
  db: Db,
  work: (sql: Sql, stream: (text: string, params: unknown[]) => Promise<NodeJS.ReadableStream>) => Promise<T>,
): Promise<T> {
  const runner = db.dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction('REPEATABLE READ');
    await runner.query('SET TRANSACTION READ ONLY');
    // The query runner's own pg client, so the cursor reads inside this snapshot; batches of
    // 5,000 rows keep round trips few on million-row scans.
    const client = (await runner.connect()) as PoolClient;
    const stream = async (text: string, params: unknown[]) => client.query(new QueryStream(text, params, { batchSize: 5000 }));
    const result = await work(new Sql(client), stream);
    await runner.commitTransaction();
    return result;
  } catch (err) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw err;
  } finally {
    await runner.release();
  }
}
