import type { PoolClient } from 'pg';
import QueryStream from 'pg-query-stream';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * A thin SQL executor over TypeORM's EntityManager. Ledger-grade code wants to see its exact
 * statements and locks, so repositories write SQL and get plain rows back.
 */
export class Sql {
  constructor(readonly em: EntityManager) {}

  async rows<T>(text: string, params: unknown[] = []): Promise<T[]> {
    const result: unknown = await this.em.query(text, params);
    // TypeORM answers UPDATE/DELETE with [rows, affectedCount] and everything else with rows.
    if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
      return result[0] as T[];
    }
    return result as T[];
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
}

/** Entry point to the database for use cases: plain statements, or a unit of work. */
export class Db {
  constructor(readonly dataSource: DataSource) {}

  get sql(): Sql {
    return new Sql(this.dataSource.manager);
  }

  /** Runs `work` in one database transaction; everything in it commits together or not at all. */
  tx<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((em) => work(new Sql(em)));
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
    const result = await work(new Sql(runner.manager), stream);
    await runner.commitTransaction();
    return result;
  } catch (err) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw err;
  } finally {
    await runner.release();
  }
}
