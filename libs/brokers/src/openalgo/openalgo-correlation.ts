import type { BrokerOrder, CorrelationProbe } from '../adapter/broker-adapter.port';
import { sameInstrument } from '../adapter/identifiers';

/**
 * OpenAlgo has no client order tag (docs/brokers.md 3.2, 4.6), so after an ambiguous placement
 * the order is looked for by what we sent: same instrument, side and quantity, placed at or
 * after `sentAfter` — OpenAlgo's times have whole seconds, so the second `sentAfter` falls in
 * counts — and not already an order of ours (`claimed`: ids a placement returned, or an earlier
 * lookup adopted). Of several, the newest: the one sent last is the likeliest to be the one
 * whose answer was lost. At most one is returned, because the caller adopts every order found
 * as a slice of ours (`OrderExecution.adoptExisting`).
 */
export function pickHeuristicMatch(
  orders: readonly BrokerOrder[],
  probe: CorrelationProbe,
  claimed: ReadonlySet<string> = new Set(),
): BrokerOrder | null {
  const from = probe.sentAfter - (((probe.sentAfter % 1000) + 1000) % 1000);
  let best: BrokerOrder | null = null;
  for (const o of orders) {
    if (claimed.has(o.brokerOrderId)) continue;
    if (!sameInstrument(o.instrument, probe.instrument) || o.side !== probe.side || o.quantity !== probe.quantity) continue;
    if (o.placedAt < from) continue;
    if (best === null || o.placedAt > best.placedAt || (o.placedAt === best.placedAt && o.brokerOrderId > best.brokerOrderId)) best = o;
  }
  return best;
}
