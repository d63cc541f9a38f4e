import { Inject, Injectable } from '@nestjs/common';
import type { EntryOrder, LedgerEntry } from '@tradeloop/contracts';
import { formatPrice, type UserId } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What an order's ledger entries are about, read from their references: a hold, a release or a
 * move is referenced by its order's id, a settlement by its trade's id (docs/domain.md, "Ledger").
 * The wallet and the compliance ledger show "BUY 5 ITC" instead of a raw id, and let a reader
 * group an order's entries. `userId` confines the answer to that user's orders (null: everyone's,
 * for compliance).
 */
@Injectable()
export class DescribeLedgerReferencesQuery {
  constructor(@Inject(Db) private readonly db: Db) {}

  async byReference(references: readonly string[], userId: UserId | null): Promise<Map<string, EntryOrder>> {
    const ids = [...new Set(references.filter((r) => UUID.test(r)).map((r) => r.toLowerCase()))];
    const out = new Map<string, EntryOrder>();
    if (ids.length === 0) return out;
    const rows = await this.db.sql.rows<{
      ref: string;
      order_id: string;
      symbol: string;
      side: 'BUY' | 'SELL';
      quantity: number;
      trade_quantity: number | null;
      trade_price: string | null;
    }>(
      `SELECT o.id::text AS ref, o.id::text AS order_id, o.symbol, o.side, o.quantity, NULL::int AS trade_quantity, NULL::text AS trade_price
         FROM orders o WHERE o.id = ANY($1::uuid[]) AND ($2::uuid IS NULL OR o.user_id = $2)
       UNION ALL
       SELECT t.id::text, o.id::text, o.symbol, o.side, o.quantity, t.quantity, t.price_ticks::text
         FROM trades t JOIN orders o ON o.id = t.order_id WHERE t.id = ANY($1::uuid[]) AND ($2::uuid IS NULL OR t.user_id = $2)`,
      [ids, userId],
    );
    for (const r of rows) {
      out.set(r.ref, {
        orderId: r.order_id,
        symbol: r.symbol,
        side: r.side,
        quantity: r.quantity,
        fill: r.trade_quantity === null ? null : { quantity: r.trade_quantity, price: formatPrice(Number(r.trade_price)) },
      });
    }
    return out;
  }

  /** The entries with what each is about (`order`, null for a deposit, a withdrawal, a reset…). */
  async describe<E extends LedgerEntry>(entries: readonly E[], userId: UserId | null): Promise<(E & { order: EntryOrder | null })[]> {
    const about = await this.byReference(
      entries.map((e) => e.reference),
      userId,
    );
    return entries.map((e) => ({ ...e, order: about.get(e.reference.toLowerCase()) ?? null }));
  }
}
