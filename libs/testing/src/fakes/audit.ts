import type { Sql } from '@tradeloop/platform';
import type { AuditRecord, AuditRepository } from '@tradeloop/identity';
import type { FakeDb } from './db';

export interface FakeAuditRecord extends AuditRecord {
  /** Whether it was appended inside a transaction (with that transaction's `sql`). */
  inTransaction: boolean;
}

/** The audit log as a list: appended records stay unless their transaction rolls back. */
export class FakeAudit implements Pick<AuditRepository, 'append'> {
  readonly records: FakeAuditRecord[] = [];

  constructor(private readonly db: FakeDb) {}

  async append(record: AuditRecord, sql?: Sql): Promise<void> {
    const stored: FakeAuditRecord = { ...record, inTransaction: this.db.inTransaction(sql) };
    this.records.push(stored);
    this.db.onRollback(sql, () => this.records.splice(this.records.indexOf(stored), 1));
  }

  /** The actions appended so far, oldest first. */
  actions(): string[] {
    return this.records.map((r) => r.action);
  }

  /** The records of one action. */
  of(action: AuditRecord['action']): FakeAuditRecord[] {
    return this.records.filter((r) => r.action === action);
  }
}
