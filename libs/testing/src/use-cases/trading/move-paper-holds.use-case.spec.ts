import { REALTIME_EVENTS } from '@tradeloop/contracts';
import { paperBook, walletBook, type UserId } from '@tradeloop/domain';
import type { AuditRepository } from '@tradeloop/identity';
import type { Db, RealtimePublisher } from '@tradeloop/platform';
import { bookOf, holdBookFor, MovePaperHoldsUseCase, type TradingRepository } from '@tradeloop/trading';
import { PaperBooks, type LedgerRepository } from '@tradeloop/wallet';
import { FakeAudit, FakeDb, FakeLedger, FakeRealtime, FakeTrading, fakeConfig, fakePaperAccountId, port } from '../../fakes';

// Paper orders hold and settle in the paper book (docs/domain.md, "Accounts and books (second
// wave)"); orders placed before the switch have their wallet holds moved across once.

const ALICE = 'alice' as UserId;
const PAPER = fakePaperAccountId(ALICE);

function setup(starting = '1000000.00') {
  const db = new FakeDb();
  const trading = new FakeTrading(db);
  const ledger = new FakeLedger(db);
  const audit = new FakeAudit(db);
  const realtime = new FakeRealtime(db);
  const paperBooks = new PaperBooks(port<Db>(db), port<LedgerRepository>(ledger), fakeConfig({ PAPER_STARTING_BALANCE: starting }));
  const move = new MovePaperHoldsUseCase(
    port<Db>(db),
    port<TradingRepository>(trading),
    port<LedgerRepository>(ledger),
    paperBooks,
    port<AuditRepository>(audit),
    port<RealtimePublisher>(realtime),
  );
  return { db, trading, ledger, audit, realtime, move };
}

describe('bookOf', () => {
  it('is the paper account’s book for an order held there, the owner’s wallet otherwise; paper accounts hold in paper', () => {
    expect(bookOf({ hold_book: 'paper', account_id: PAPER, user_id: ALICE })).toEqual(paperBook(PAPER, ALICE));
    expect(bookOf({ hold_book: 'wallet', account_id: PAPER, user_id: ALICE })).toEqual(walletBook(ALICE));
    expect(holdBookFor('paper')).toBe('paper');
    expect(holdBookFor('kite')).toBe('wallet');
  });
});

describe('MovePaperHoldsUseCase', () => {
  it('moves an open paper order’s wallet hold into its paper book under the order lock, once, audited, announced after commit', async () => {
    const w = setup();
    w.ledger.open(ALICE, 50_000_00n, 15_000_00n);
    const o = w.trading.addOrder({ user_id: ALICE, hold_book: 'wallet', reserved_paise: '1500000' });

    expect(await w.move.execute()).toEqual({ moved: 1, failed: [] });

    expect(w.trading.get(o.id)).toMatchObject({ hold_book: 'paper', reserved_paise: '1500000', status: 'OPEN' });
    expect(w.trading.lockedReads).toEqual([{ id: o.id, inTransaction: true }]);
    // The wallet gets its money back; the paper book (opened with the starting balance) holds the same amount.
    expect(w.ledger.balances.get(ALICE)).toEqual({ cash: 65_000_00n, held: 0n });
    expect(w.ledger.balances.get(`paper:${PAPER}`)).toEqual({ cash: 1_000_000_00n - 15_000_00n, held: 15_000_00n });
    expect(w.ledger.posted.map((p) => [p.book.kind, p.transaction.type, p.transaction.reference])).toEqual([
      ['paper', 'SET_BALANCE', `paper-opening:${PAPER}`],
      ['wallet', 'RELEASE', o.id],
      ['paper', 'HOLD', o.id],
    ]);
    expect(w.audit.records).toEqual([
      expect.objectContaining({
        actorId: null,
        action: 'order.hold_moved',
        subject: `order:${o.id}`,
        details: { amount: '15000.00', from: 'wallet', to: 'paper', accountId: PAPER, funded: '0.00' },
        inTransaction: true,
      }),
    ]);
    expect(w.realtime.of(REALTIME_EVENTS.walletUpdated).map((m) => m.payload)).toEqual([
      { wallet: { currency: 'INR', available: '65000.00', held: '0.00', total: '65000.00' } },
    ]);
    expect(w.realtime.of(REALTIME_EVENTS.paperBalance).map((m) => m.payload)).toEqual([
      { accountId: PAPER, balance: { currency: 'INR', available: '985000.00', held: '15000.00', total: '1000000.00' } },
    ]);
    expect(w.realtime.messages.every((m) => m.openTransactions === 0)).toBe(true);

    // A second run finds nothing to move.
    expect(await w.move.execute()).toEqual({ moved: 0, failed: [] });
    expect(w.ledger.posted).toHaveLength(3);
  });

  it('funds the paper book by exactly what the hold needs beyond its available cash', async () => {
    const w = setup('0');
    w.ledger.open(ALICE, 0n, 15_000_00n);
    w.ledger.openPaper(PAPER, 4_000_00n);
    const o = w.trading.addOrder({ user_id: ALICE, hold_book: 'wallet', reserved_paise: '1500000' });
    await w.move.execute();
    expect(w.ledger.posted.map((p) => [p.book.kind, p.transaction.type, p.transaction.entries.map((e) => e.amount)])).toEqual([
      ['wallet', 'RELEASE', ['-15000.00', '15000.00']],
      ['paper', 'SET_BALANCE', ['-11000.00', '11000.00']],
      ['paper', 'HOLD', ['-15000.00', '15000.00']],
    ]);
    expect(w.ledger.balances.get(`paper:${PAPER}`)).toEqual({ cash: 0n, held: 15_000_00n });
    expect(w.audit.records[0]!.details).toMatchObject({ funded: '11000.00' });
    expect(w.trading.get(o.id)!.hold_book).toBe('paper');
  });

  it('leaves live orders, ended orders and orders already in the paper book alone; one holding nothing only changes its book', async () => {
    const w = setup();
    w.ledger.open(ALICE, 0n, 15_000_00n);
    const live = w.trading.addOrder({ user_id: ALICE, hold_book: 'wallet', broker: 'kite', account_id: 'acc-kite' });
    const ended = w.trading.addOrder({ user_id: ALICE, hold_book: 'wallet', status: 'CANCELLED', reserved_paise: '0' });
    const moved = w.trading.addOrder({ user_id: ALICE, hold_book: 'paper' });
    const sell = w.trading.addOrder({ user_id: ALICE, hold_book: 'wallet', side: 'SELL', reserved_paise: '0' });

    expect(await w.move.execute()).toEqual({ moved: 1, failed: [] });
    expect(w.trading.get(sell.id)!.hold_book).toBe('paper');
    expect(w.trading.get(live.id)!.hold_book).toBe('wallet');
    expect(w.trading.get(ended.id)!.hold_book).toBe('wallet');
    expect(w.trading.get(moved.id)!.hold_book).toBe('paper');
    // Nothing held, nothing moved: only the paper book's opening.
    expect(w.ledger.posted.map((p) => p.transaction.type)).toEqual(['SET_BALANCE']);
    expect(w.ledger.balances.get(ALICE)).toEqual({ cash: 0n, held: 15_000_00n });
  });

  it('an order it cannot move (its wallet no longer holds the amount) is reported and left whole; the others still move', async () => {
    const w = setup();
    w.ledger.open(ALICE, 0n, 15_000_00n);
    const first = w.trading.addOrder({ user_id: ALICE, hold_book: 'wallet', reserved_paise: '2000000', created_at: new Date(1) });
    const second = w.trading.addOrder({ user_id: ALICE, hold_book: 'wallet', reserved_paise: '1500000', created_at: new Date(2) });

    const result = await w.move.execute();

    expect(result).toEqual({ moved: 1, failed: [{ orderId: first.id, reason: 'Not enough held funds to settle or release' }] });
    expect(w.trading.get(first.id)!.hold_book).toBe('wallet');
    expect(w.trading.get(second.id)!.hold_book).toBe('paper');
    // The failed move rolled back whole (its opening of the paper book too); the second opened it and moved.
    expect(w.ledger.posted.map((p) => [p.transaction.type, p.transaction.reference])).toEqual([
      ['SET_BALANCE', `paper-opening:${PAPER}`],
      ['RELEASE', second.id],
      ['HOLD', second.id],
    ]);
    expect(w.audit.records.map((r) => r.subject)).toEqual([`order:${second.id}`]);
  });
});
