import { Sql, type Db } from '@tradeloop/platform';

/** One transaction a use case ran through FakeDb. */
export interface FakeTx {
  /** The advisory lock key passed as `opts.lock`, if any. */
  lock: string | undefined;
  state: 'open' | 'committed' | 'rolled-back';
}

interface OpenTx {
  record: FakeTx;
  /** What to do to forget this transaction's writes, newest last. */
  undo: (() => void)[];
  /** Advisory locks taken inside the transaction (re-entrant, as in Postgres), released when it ends. */
  held: Map<string, () => void>;
}

/**
 * Every `Sql` handed out by FakeDb refuses to run a statement: use cases reach storage through
 * repositories (docs/architecture.md, "Habits"), so a statement reaching here is SQL written in a
 * use case, which these fast tests cannot stand in for. The `Sql` objects only serve as handles
 * that tell the fakes which transaction (if any) a write belongs to.
 */
const refuseStatements = {
  query(config: { text: string }): Promise<never> {
    return Promise.reject(
      new Error(`FakeDb: a statement reached the fake database (write it in a repository and fake that): ${config.text.slice(0, 120)}`),
    );
  },
};

/**
 * Db for use-case tests. `tx(work, opts)` runs `work` with a fresh `Sql` handle and records the
 * transaction (its lock key and whether it committed or rolled back). The in-memory fakes apply
 * writes at once (so reads inside the transaction see them) and register an undo step through
 * `onRollback(sql, …)`; when `work` throws, the undo steps run newest first, so nothing the fakes
 * recorded inside that transaction remains. Writes through `db.sql` (or without a handle) are
 * autocommitted, as on the real pool.
 *
 * Transactions with the same `lock` key run one after another, like `pg_advisory_xact_lock`;
 * others may interleave at every `await`, as on the real database.
 */
export class FakeDb implements Pick<Db, 'tx' | 'sql'> {
  readonly transactions: FakeTx[] = [];
  /** Keys of the advisory locks repositories took with `advisoryLock`, in order. */
  readonly advisoryLocks: string[] = [];
  private readonly open = new Map<Sql, OpenTx>();
  private readonly ended = new WeakSet<Sql>();
  private readonly lockTails = new Map<string, Promise<void>>();

  /** An autocommit handle (a statement on any pooled connection). */
  get sql(): Sql {
    return new Sql(refuseStatements);
  }

  async tx<T>(work: (sql: Sql) => Promise<T>, opts: { lock?: string } = {}): Promise<T> {
    const release = opts.lock === undefined ? undefined : await this.acquire(opts.lock);
    const record: FakeTx = { lock: opts.lock, state: 'open' };
    this.transactions.push(record);
    const sql = new Sql(refuseStatements);
    const open: OpenTx = { record, undo: [], held: new Map() };
    this.open.set(sql, open);
    try {
      const result = await work(sql);
      record.state = 'committed';
      return result;
    } catch (err) {
      for (const undo of open.undo.reverse()) undo();
      record.state = 'rolled-back';
      throw err;
    } finally {
      this.open.delete(sql);
      this.ended.add(sql);
      for (const r of open.held.values()) r();
      release?.();
    }
  }

  /**
   * For fakes of repositories that take a transaction-scoped advisory lock themselves
   * (`SELECT pg_advisory_xact_lock(…)`): waits for the key, holds it until the transaction of
   * `sql` ends. Through an autocommit handle it is released at once, as after one statement.
   */
  async advisoryLock(sql: Sql, key: string): Promise<void> {
    this.advisoryLocks.push(key);
    const open = this.open.get(sql);
    if (open?.held.has(key)) return;
    const release = await this.acquire(key);
    if (open) open.held.set(key, release);
    else release();
  }

  /**
   * For fakes: `undo` forgets a write made through `sql` if that transaction rolls back. A write
   * through an autocommit handle (or none) stays; one through a finished transaction's handle is
   * a bug in the code under test (it would fail on a released connection), so it throws.
   */
  onRollback(sql: Sql | undefined, undo: () => void): void {
    if (sql === undefined) return;
    const open = this.open.get(sql);
    if (open) open.undo.push(undo);
    else if (this.ended.has(sql)) throw new Error('FakeDb: a write used the Sql of a transaction that has already ended');
  }

  /** Whether `sql` belongs to a transaction that is still running. */
  inTransaction(sql: Sql | undefined): boolean {
    return sql !== undefined && this.open.has(sql);
  }

  /** How many transactions are running right now (events should leave after commit, at 0). */
  get openTransactions(): number {
    return this.open.size;
  }

  get committed(): number {
    return this.transactions.filter((t) => t.state === 'committed').length;
  }

  get rolledBack(): number {
    return this.transactions.filter((t) => t.state === 'rolled-back').length;
  }

  /** The lock keys of the transactions run so far, in order (transactions without one are left out). */
  get locks(): string[] {
    return this.transactions.flatMap((t) => (t.lock === undefined ? [] : [t.lock]));
  }

  private async acquire(key: string): Promise<() => void> {
    const before = this.lockTails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = before.then(() => mine);
    this.lockTails.set(key, tail);
    await before;
    return () => {
      release();
      if (this.lockTails.get(key) === tail) this.lockTails.delete(key);
    };
  }
}
