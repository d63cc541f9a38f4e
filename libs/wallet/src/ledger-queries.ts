import { Inject, Injectable } from '@nestjs/common';
import { DomainError, formatMoney, type BookKind, type UserId } from '@tradeloop/domain';
import type { ComplianceExportQuery, ComplianceLedgerQuery, LedgerEntry, LedgerTransaction, Page, PageQuery } from '@tradeloop/contracts';
import { Db, streamQuery, cursorCodec, CursorKeys, type CursorCodec } from '@tradeloop/platform';

/** Newest first on the entry id: a user's own entries (`wallet`) and compliance's view (`ledger`). */
const ENTRY_CURSORS = {
  wallet: cursorCodec('wallet', [CursorKeys.bigintId]),
  ledger: cursorCodec('ledger', [CursorKeys.bigintId]),
} satisfies Record<string, CursorCodec<[string]>>;
import { toLedgerEntry, type EntryRow } from './ledger.repository';

const ENTRY_COLUMNS = `e.id::text, e.transaction_id, e.account, e.type, e.amount_paise::text, e.balance_after_paise::text, t.reference, e.created_at`;

/** Reads of the ledger: a user's own entries, compliance's filtered view, drill-down, export. */
@Injectable()
export class LedgerQueries {
  constructor(@Inject(Db) private readonly db: Db) {}

  /**
   * A user's own entries (their real cash and held accounts), newest first. Never paper money:
   * paper entries carry no user_id, and the wallet book is asked for explicitly besides.
   */
  ownEntries(userId: UserId, page: PageQuery): Promise<Page<LedgerEntry>> {
    return this.entries({ ...page, userId, book: 'wallet' }, 'wallet');
  }

  /** Every entry, filtered, newest first; keyset pages on the entry id. */
  async entries(q: ComplianceLedgerQuery, list: keyof typeof ENTRY_CURSORS = 'ledger'): Promise<Page<LedgerEntry>> {
    const { where, params } = filters(q);
    if (q.cursor) {
      const [id] = ENTRY_CURSORS[list].decode(q.cursor);
      params.push(id);
      where.push(`e.id < $${params.length}::bigint`);
    }
    params.push(q.limit + 1);
    const rows = await this.db.sql.rows<EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, q.limit);
    return {
      items: page.map(toLedgerEntry),
      nextCursor: rows.length > q.limit ? ENTRY_CURSORS[list].encode([page[page.length - 1]!.id]) : null,
    };
  }

  /** One transaction with its entries, content hash and place in the chain. */
  async transaction(id: string): Promise<LedgerTransaction> {
    const t = await this.db.sql.maybeOne<{
      id: string;
      type: LedgerTransaction['type'];
      user_id: UserId | null;
      reference: string;
      created_at: Date;
      content_hash: Buffer;
      seq: string | null;
      hash: Buffer | null;
      prev_hash: Buffer | null;
    }>(
      `SELECT t.id, t.type, t.user_id, t.reference, t.created_at, t.content_hash, c.seq::text, c.hash, c.prev_hash
       FROM ledger_transactions t LEFT JOIN ledger_chain c ON c.transaction_id = t.id WHERE t.id = $1`,
      [id],
    );
    if (!t) throw new DomainError('NOT_FOUND', 'No such transaction');
    const entries = await this.db.sql.rows<{
      id: string;
      account: string;
      type: LedgerEntry['type'];
      amount_paise: string;
      balance_after_paise: string | null;
    }>(
      `SELECT id::text, account, type, amount_paise::text, balance_after_paise::text FROM ledger_entries WHERE transaction_id = $1 ORDER BY position`,
      [id],
    );
    return {
      id: t.id,
      type: t.type,
      userId: t.user_id,
      reference: t.reference,
      createdAt: t.created_at.toISOString(),
      contentHash: t.content_hash.toString('hex'),
      seq: t.seq,
      chainHash: t.hash?.toString('hex') ?? null,
      prevChainHash: t.prev_hash?.toString('hex') ?? null,
      entries: entries.map((e) => ({
        id: e.id,
        account: e.account,
        type: e.type,
        amount: formatMoney(BigInt(e.amount_paise)),
        balanceAfter: e.balance_after_paise === null ? null : formatMoney(BigInt(e.balance_after_paise)),
      })),
    };
  }

  /**
   * Streams every matching entry, oldest first, through a server-side cursor: memory stays flat
   * however many entries match. The caller must call `done()` when the stream ends or fails.
   */
  async streamEntries(q: ComplianceExportQuery): Promise<{ stream: NodeJS.ReadableStream; done: () => void }> {
    const { where, params } = filters(q);
    return streamQuery(
      this.db,
      `SELECT ${ENTRY_COLUMNS} FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.id`,
      params,
    );
  }
}

function filters(q: {
  userId?: string;
  book?: BookKind;
  paperAccountId?: string;
  mirrorAccountId?: string;
  type?: string;
  from?: string;
  to?: string;
}) {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (q.userId) add('e.user_id = ?', q.userId);
  // The book of an entry is its paper_account_id or mirror_account_id (set on every entry of a
  // paper or mirror transaction, verify checks them against the codes); neither: the wallet.
  if (q.book === 'wallet') where.push('e.paper_account_id IS NULL AND e.mirror_account_id IS NULL');
  if (q.book === 'paper') where.push('e.paper_account_id IS NOT NULL');
  if (q.book === 'mirror') where.push('e.mirror_account_id IS NOT NULL');
  if (q.paperAccountId) add('e.paper_account_id = ?', q.paperAccountId);
  if (q.mirrorAccountId) add('e.mirror_account_id = ?', q.mirrorAccountId);
  if (q.type) add('e.type = ?', q.type);
  if (q.from) add('e.created_at >= ?', q.from);
  if (q.to) add('e.created_at < ?', q.to);
  return { where, params };
}
