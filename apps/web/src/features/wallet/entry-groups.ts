import type { EntryOrder, ListedLedgerEntry } from '@tradeloop/contracts';
import { toPaise } from '../../lib/money';

/** A row of the "by order" view: an order with all its loaded entries, or an entry about no order. */
export type EntryGroup =
  | { kind: 'order'; order: EntryOrder; entries: ListedLedgerEntry[]; net: bigint; latest: string }
  | { kind: 'entry'; entry: ListedLedgerEntry };

/**
 * The loaded entries (newest first) with each order's hold, release and settlements gathered in one
 * row where its newest entry stands; entries about no order (deposits, withdrawals) stay as they are.
 * `net` is what the order's entries moved in total (a fully settled buy: minus what it cost).
 */
export function groupByOrder(entries: readonly ListedLedgerEntry[]): EntryGroup[] {
  const out: EntryGroup[] = [];
  const groups = new Map<string, Extract<EntryGroup, { kind: 'order' }>>();
  for (const e of entries) {
    if (!e.order) {
      out.push({ kind: 'entry', entry: e });
      continue;
    }
    let g = groups.get(e.order.orderId);
    if (!g) {
      g = { kind: 'order', order: { ...e.order, fill: null }, entries: [], net: 0n, latest: e.createdAt };
      groups.set(e.order.orderId, g);
      out.push(g);
    }
    g.entries.push(e);
    g.net += toPaise(e.amount);
  }
  return out;
}
