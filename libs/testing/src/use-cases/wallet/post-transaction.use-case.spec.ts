import { REALTIME_EVENTS } from '@tradeloop/contracts';
import { depositTx, holdTx, paperBook, walletBook, withdrawalTx } from '@tradeloop/domain';
import type { Db, RealtimePublisher } from '@tradeloop/platform';
import { LedgerBatchWriter, PostTransactionUseCase, type LedgerRepository } from '@tradeloop/wallet';
import { FakeDb, FakeLedger, FakeRealtime, port } from '../../fakes';
import { refusal } from '../refusal';

/** The real group-committing batch writer over the fake ledger: the use case as wired in the app. */
function setup() {
  const db = new FakeDb();
  const ledger = new FakeLedger(db);
  const realtime = new FakeRealtime(db);
  const batch = new LedgerBatchWriter(port<Db>(db), port<LedgerRepository>(ledger));
  const post = new PostTransactionUseCase(batch, port<RealtimePublisher>(realtime));
  ledger.open('alice', 10_000n);
  ledger.open('bob', 500n);
  return { db, ledger, realtime, post };
}

describe('PostTransactionUseCase', () => {
  it('posts the transaction, then announces the owner’s new wallet', async () => {
    const w = setup();
    const posted = await w.post.execute(depositTx(walletBook('alice'), 2_500n, 'NEFT-1'));

    expect(w.ledger.balances.get('alice')).toEqual({ cash: 12_500n, held: 0n });
    expect(posted.wallet).toEqual({ currency: 'INR', available: '125.00', held: '0.00', total: '125.00' });
    expect(w.realtime.messages).toEqual([
      { kind: 'user', to: 'alice', event: REALTIME_EVENTS.walletUpdated, payload: { wallet: posted.wallet }, openTransactions: 0 },
    ]);
  });

  it('does not announce a posting the ledger refuses, and passes its refusal on', async () => {
    const w = setup();
    const short = await refusal(w.post.execute(withdrawalTx(walletBook('bob'), 501n, 'too much')));
    const nobody = await refusal(w.post.execute(depositTx(walletBook('carol'), 100n, 'no wallet')));

    expect(short.code).toBe('INSUFFICIENT_FUNDS');
    expect(nobody.code).toBe('NOT_FOUND');
    expect(w.ledger.balances.get('bob')).toEqual({ cash: 500n, held: 0n });
    expect(w.ledger.posted).toEqual([]);
    expect(w.realtime.messages).toEqual([]);
  });

  it('in a group-committed batch, a refused posting fails alone: the others are posted and each owner is told', async () => {
    const w = setup();
    w.ledger.open('carol', 0n);
    const results = await Promise.allSettled([
      w.post.execute(depositTx(walletBook('alice'), 1n, 'first, alone')),
      w.post.execute(withdrawalTx(walletBook('bob'), 9_999n, 'refused in the batch')),
      w.post.execute(depositTx(walletBook('carol'), 300n, 'posted in the batch')),
    ]);

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(w.ledger.balances.get('carol')).toEqual({ cash: 300n, held: 0n });
    expect(w.ledger.balances.get('bob')).toEqual({ cash: 500n, held: 0n });
    expect(w.realtime.of(REALTIME_EVENTS.walletUpdated).map((m) => m.to)).toEqual(['alice', 'carol']);
  });

  it('announces one user’s postings in the order they were made, the last with the final wallet', async () => {
    const w = setup();
    await Promise.all([
      w.post.execute(withdrawalTx(walletBook('alice'), 1_000n, 'one')),
      w.post.execute(withdrawalTx(walletBook('alice'), 2_000n, 'two')),
      w.post.execute(depositTx(walletBook('alice'), 500n, 'three')),
    ]);

    const available = w.realtime.messages.map((m) => (m.payload as { wallet: { available: string } }).wallet.available);
    expect(available).toEqual(['90.00', '70.00', '75.00']);
  });

  it('a paper posting moves the paper book only and is never announced as the wallet (docs/domain.md, "Accounts and books")', async () => {
    const w = setup();
    w.ledger.openPaper('paper-alice', 5_000n);
    const [paper, real] = await Promise.all([
      w.post.execute(holdTx(paperBook('paper-alice', 'alice'), 4_000n, 'paper order')),
      w.post.execute(holdTx(walletBook('alice'), 1_000n, 'real order')),
    ]);

    expect(paper.wallet).toBeUndefined();
    expect(paper.balances).toEqual({ currency: 'INR', available: '10.00', held: '40.00', total: '50.00' });
    expect(w.ledger.balances.get('paper:paper-alice')).toEqual({ cash: 1_000n, held: 4_000n });
    expect(w.ledger.balances.get('alice')).toEqual({ cash: 9_000n, held: 1_000n });
    expect(w.realtime.messages).toEqual([
      { kind: 'user', to: 'alice', event: REALTIME_EVENTS.walletUpdated, payload: { wallet: real.wallet }, openTransactions: 0 },
    ]);
  });

  it('a paper posting beyond the paper balance is refused even while the real wallet could pay', async () => {
    const w = setup();
    w.ledger.openPaper('paper-bob', 100n);
    const refused = await refusal(w.post.execute(holdTx(paperBook('paper-bob', 'bob'), 101n, 'paper order')));

    expect(refused.code).toBe('INSUFFICIENT_FUNDS');
    expect(w.ledger.balances.get('paper:paper-bob')).toEqual({ cash: 100n, held: 0n });
    expect(w.ledger.balances.get('bob')).toEqual({ cash: 500n, held: 0n });
    expect(w.realtime.messages).toEqual([]);
  });
});
