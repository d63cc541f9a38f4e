import { Inject, Injectable } from '@nestjs/common';
import {
  formatMoney,
  holdTx,
  isDomainError,
  isTerminalStatus,
  paperBook,
  releaseTx,
  setPaperBalanceTx,
  walletBook,
  type BrokerAccountId,
  type OrderId,
  type Paise,
  type UserId,
} from '@tradeloop/domain';
import { REALTIME_EVENTS, type Wallet } from '@tradeloop/contracts';
import { Db, RealtimePublisher } from '@tradeloop/platform';
import { AuditRepository } from '@tradeloop/identity';
import { LedgerRepository, PaperBooks } from '@tradeloop/wallet';
import { toOrderDto, type OrderRow } from './order-row';
import { TradingRepository } from './trading.repository';

interface Moved {
  userId: UserId;
  order: OrderRow;
  wallet: Wallet | undefined;
  paper: { accountId: string; balance: Wallet };
}

/**
 * Moves the holds of paper orders placed before paper orders held in the paper book
 * (docs/domain.md, "Accounts and books (second wave)"): each open order of a paper account whose
 * hold still lives in the wallet (`hold_book = 'wallet'`, broker `mock`) is moved once, in its own
 * transaction with the order row locked — the same lock intake's later steps and every fill take,
 * so a fill either settles before the move (in the wallet, as held) or after it (in the paper
 * book). In that transaction: RELEASE its reservation from the wallet; open the paper book (with
 * the starting balance on first use) and, if its available cash is short of the reservation, fund
 * it by exactly what is missing (one SET_BALANCE); HOLD the same amount in the paper book; record
 * `hold_book = 'paper'` and the audit event `order.hold_moved`. An open order holding nothing (a
 * sell of a long) only changes its book, so its fills settle in the paper book too. Idempotent:
 * an order already moved, or ended meanwhile, is left alone. The worker runs it at start.
 */
@Injectable()
export class MovePaperHoldsUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(LedgerRepository) private readonly ledger: LedgerRepository,
    @Inject(PaperBooks) private readonly paperBooks: PaperBooks,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
  ) {}

  /**
   * Moves every such order; returns how many it moved (0 on a second run) and the orders it could
   * not move, with why (each left as it was: it still settles in the wallet it holds in).
   */
  async execute(): Promise<{ moved: number; failed: { orderId: OrderId; reason: string }[] }> {
    let moved = 0;
    const failed: { orderId: OrderId; reason: string }[] = [];
    for (const id of await this.trading.paperOrdersHeldInWallet()) {
      try {
        if (await this.moveOne(id)) moved += 1;
      } catch (err) {
        if (!isDomainError(err)) throw err;
        failed.push({ orderId: id, reason: err.message });
      }
    }
    return { moved, failed };
  }

  /** Moves one order's hold; false when there was nothing to move (already moved, not paper, or ended). */
  async moveOne(orderId: OrderId): Promise<boolean> {
    const moved = await this.db.tx(async (sql): Promise<Moved | null> => {
      const o = await this.trading.order(orderId, sql, { lock: true });
      if (!o || o.hold_book !== 'wallet' || o.broker !== 'mock' || isTerminalStatus(o.status)) return null;
      const amount: Paise = BigInt(o.reserved_paise);
      const accountId = o.account_id as BrokerAccountId;
      const book = paperBook(accountId, o.user_id);
      let wallet: Wallet | undefined;
      const opened = await this.paperBooks.open(sql, accountId, o.user_id);
      let balance = opened.balances;
      let funded: Paise = 0n;
      if (amount > 0n) {
        wallet = (await this.ledger.post(sql, releaseTx(walletBook(o.user_id), amount, o.id))).wallet;
        if (opened.cash < amount) {
          funded = amount - opened.cash;
          await this.ledger.post(sql, setPaperBalanceTx(book, opened.cash, amount, `hold-move:${o.id}`));
        }
        balance = (await this.ledger.post(sql, holdTx(book, amount, o.id))).balances;
      }
      const order = await this.trading.updateOrder(sql, o.id, { holdBook: 'paper' });
      await this.audit.append(
        {
          actorId: null,
          action: 'order.hold_moved',
          subject: `order:${o.id}`,
          details: { amount: formatMoney(amount), from: 'wallet', to: 'paper', accountId, funded: formatMoney(funded) },
        },
        sql,
      );
      return { userId: o.user_id, order, wallet, paper: { accountId, balance } };
    });
    if (!moved) return false;
    // After the commit, best effort (a lost event is a seq gap; clients re-fetch).
    await Promise.all([
      this.realtime.toUser(moved.userId, REALTIME_EVENTS.orderUpdated, { order: toOrderDto(moved.order) }),
      moved.wallet ? this.realtime.toUser(moved.userId, REALTIME_EVENTS.walletUpdated, { wallet: moved.wallet }) : undefined,
      this.realtime.toUser(moved.userId, REALTIME_EVENTS.paperBalance, moved.paper),
    ]).catch(() => undefined);
    return true;
  }
}
